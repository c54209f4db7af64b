"""jsonpickle's format for bot state, written and read without jsonpickle's generic machinery.

botbuilder keeps live objects in state (DialogState, DialogInstance, PromptOptions and the prompt's
whole msrest Activity), which jsonpickle flattens with ~1 ms of CPU per conversation state each
way — half of a whole intake turn's CPU. These two walkers produce and read exactly jsonpickle's
output for the shapes bot state actually has: JSON scalars, lists, string-keyed dicts, plain
botbuilder objects (`{"py/object": "module.Class", **vars}`), string enums (`py/reduce`) and
repeated references (`{"py/id": n}`, n counting dicts, lists and objects in the order jsonpickle
first meets them — a prompt's retry activity shares its enum members with the prompt). Anything
else — a tuple, a datetime, a class outside botbuilder, a non-finite float — raises
`Unsupported`, and the caller falls back to jsonpickle itself for the whole value. So documents stay readable both ways (tests/unit/test_state_codec.py
holds the walkers to jsonpickle's own output on every intake path).
"""

from __future__ import annotations

import importlib
import math
from enum import Enum
from typing import Any, cast

_OBJECT, _REDUCE, _TYPE, _TUPLE, _ID = "py/object", "py/reduce", "py/type", "py/tuple", "py/id"
_classes: dict[str, type] = {}


class Unsupported(Exception):
    """The value needs jsonpickle proper."""


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _plain(cls: type) -> bool:
    """A class jsonpickle flattens as `py/object` + its `__dict__` (no custom pickling); asked
    for every object of every state read and written, so the answer is kept per class."""
    known = _plain_classes.get(cls)
    if known is None:
        known = _plain_classes[cls] = _is_plain(cls)
    return known


_plain_classes: dict[type, bool] = {}


def _is_plain(cls: type) -> bool:
    return (
        cls.__module__.startswith("botbuilder.")
        and "__slots__" not in cls.__dict__
        and getattr(cls, "__reduce_ex__") is object.__reduce_ex__  # noqa: B009 - typed as Any on purpose
        and getattr(cls, "__reduce__") is object.__reduce__  # noqa: B009
        and getattr(cls, "__getstate__", object.__getstate__) is object.__getstate__
        and not hasattr(cls, "__setstate__")
    )


def _key(key: object) -> str:
    if type(key) is not str or key.startswith("py/"):
        raise Unsupported("a dict key jsonpickle would encode")
    return key


def flatten(value: Any) -> Any:
    """What `jsonpickle.pickler.Pickler().flatten(value)` returns, or Unsupported."""
    refs: dict[int, int] = {}  # id(object) -> jsonpickle's reference number

    def walk(item: Any) -> Any:
        kind = type(item)
        if item is None or kind is str or kind is int or kind is bool:
            return item
        if kind is float:
            if not math.isfinite(item):
                raise Unsupported("non-finite float")
            return item
        if id(item) in refs:
            return {_ID: refs[id(item)]}
        refs[id(item)] = len(refs)
        if kind is list:
            return [walk(element) for element in item]
        if kind is dict:
            return {_key(key): walk(element) for key, element in item.items()}
        if isinstance(item, Enum) and type(item.value) is str and _plain_enum(kind):
            return {_REDUCE: [{_TYPE: _name(kind)}, {_TUPLE: [item.value]}]}
        if isinstance(item, Enum) or not _plain(kind):
            raise Unsupported(f"{_name(kind)} needs jsonpickle")
        flat: dict[str, Any] = {_OBJECT: _name(kind)}
        for key, element in vars(item).items():
            # Most of an object's attributes are None (a prompt's Activity: ~45 of 50): no call.
            flat[_key(key)] = None if element is None else walk(element)
        return flat

    return walk(value)


def _plain_enum(cls: type) -> bool:
    return cls.__module__.startswith("botbuilder.") and issubclass(cls, str)


def _class(name: str) -> type:
    cls = _classes.get(name)
    if cls is None:
        if not name.startswith("botbuilder."):
            raise Unsupported(f"{name} is not a botbuilder class")
        module, _, qualname = name.rpartition(".")
        try:
            found = getattr(importlib.import_module(module), qualname)
        except (ImportError, AttributeError) as exc:
            raise Unsupported(f"cannot load {name}") from exc
        if not isinstance(found, type):
            raise Unsupported(f"{name} is not a class")
        cls = _classes[name] = found
    return cls


def restore(document: Any) -> Any:
    """What `jsonpickle.unpickler.Unpickler().restore(document)` returns, or Unsupported."""
    objects: list[Any] = []  # by reference number, numbered as `flatten` numbers them

    def walk(item: Any) -> Any:
        kind = type(item)
        if kind is list:
            restored: list[Any] = []
            objects.append(restored)
            restored.extend(walk(element) for element in item)
            return restored
        if kind is not dict:
            return item
        if _ID in item:
            number = item[_ID]
            if len(item) != 1 or type(number) is not int or not 0 <= number < len(objects):
                raise Unsupported("a py/id this walker did not number")
            return objects[number]
        if _OBJECT in item:
            cls = _class(item[_OBJECT])
            if not _plain(cls):
                raise Unsupported(f"{_name(cls)} needs jsonpickle")
            instance = cast(Any, cls).__new__(cls)  # as jsonpickle does: no __init__
            objects.append(instance)
            for key, element in item.items():
                if key != _OBJECT:
                    # Scalars (most attributes are None) need no walk: no call for them.
                    kind = type(element)
                    setattr(instance, _key(key), walk(element) if kind is dict or kind is list else element)
            return instance
        if _REDUCE in item:
            member = _enum(item)
            objects.append(member)
            return member
        mapping: dict[str, Any] = {}
        objects.append(mapping)
        for key, element in item.items():
            mapping[_key(key)] = walk(element)
        return mapping

    return walk(document)


def _enum(item: dict[str, Any]) -> Enum:
    try:
        ((type_part, args_part),) = (item[_REDUCE],)
        cls = _class(type_part[_TYPE])
        (value,) = args_part[_TUPLE]
    except (KeyError, TypeError, ValueError) as exc:
        raise Unsupported("a py/reduce that is not a string enum") from exc
    if len(item) != 1 or not (issubclass(cls, Enum) and _plain_enum(cls)) or type(value) is not str:
        raise Unsupported("a py/reduce that is not a string enum")
    return cls(value)
