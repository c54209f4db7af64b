"""msrest-compatible JSON for the botbuilder schema models, without msrest's per-value overhead.

msrest walks every attribute through generic `serialize_data` / `deserialize_data` calls with
kwargs, key-extractor lists and type-string parsing: ~175 µs to read a Teams message, ~180–540 µs
to write an expectReplies answer, against ~12 µs for json itself. Here each model class's
`_attribute_map` is compiled once into (attribute, JSON key, converter) triples and a turn only
runs those converters.

What is reproduced is exactly what msrest 0.7.1 does for JSON (not XML) for the shapes it is given
on our hot path: camelCase keys, Nones omitted, nested models serialised by their runtime class,
lists and dicts element-wise, `object` fields copied through, enums as their values, datetimes
written by msrest's own iso-8601 function (and Teams' timestamps read to the very datetime msrest
makes: model_values.py), unknown keys of a read model kept in
`additional_properties` (and, as msrest does, never written back). Anything else (a class with
validation rules, subtypes, XML or flattened keys; a value of a type msrest would coerce with
`str()`, a non-list where a list belongs, any error at all) makes the whole call fall back to
msrest, which then does whatever it does, errors included: that is adapters/model_codec.py, the
module the bot calls.
"""

from __future__ import annotations

from typing import Any, TypeVar

from msrest.serialization import Model

from adapters.model_values import (
    BASIC_IN,
    BASIC_OUT,
    EXPECTED_IN,
    OBJECT_OUT,
    SPECIAL_IN,
    SPECIAL_OUT,
    Convert,
    Unsupported,
    iso_in,
    object_in,
    str_out,
    unsupported,
)

M = TypeVar("M", bound=Model)
Deps = dict[str, Any]


def _object_out(value: Any, deps: Deps) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is dict:
        return {str_out(k): _object_out(v, deps) for k, v in value.items()}
    if kind is list:
        return [_object_out(v, deps) for v in value]
    if kind in OBJECT_OUT:
        return OBJECT_OUT[kind](value)
    if isinstance(value, Model):
        return _model_out(value, deps)
    raise Unsupported  # msrest would str() it, or serialise an enum or XML element its own way


class _Plan:
    """One class compiled against one dependency table."""

    __slots__ = ("absent", "attribute_map", "cls", "reads", "size", "writes")

    def __init__(self, cls: type[Model], deps: Deps) -> None:
        self.cls = cls
        self.attribute_map = cls._attribute_map
        self.size = len(cls._attribute_map)
        keys = [desc["key"] for desc in cls._attribute_map.values()]
        if (
            cls._validation
            or cls.__dict__.get("_subtype_map")
            or cls.is_xml_model()
            or len(set(keys)) != len(keys)
            or any(not key or "." in key or set(desc) != {"key", "type"}
                   for key, desc in zip(keys, cls._attribute_map.values(), strict=True))
        ):  # fmt: skip
            raise Unsupported
        self.writes = tuple(
            (attr, desc["key"], _writer(desc["type"], deps)) for attr, desc in cls._attribute_map.items()
        )
        # By JSON key: a body names a few of a class's attributes (a message ~15 of Activity's 45).
        self.reads = {
            desc["key"]: (attr, _reader(desc["type"], deps)) for attr, desc in cls._attribute_map.items()
        }
        self.absent = dict.fromkeys(cls._attribute_map)  # msrest passes every attribute, None if absent

    def current(self) -> bool:
        # enable_additional_properties_sending() edits the map in place.
        return self.cls._attribute_map is self.attribute_map and len(self.attribute_map) == self.size


def model_class(name: Any, deps: Deps) -> type[Model] | None:
    """The Model class a type name stands for in `deps`; None for anything else."""
    found = deps.get(name) if isinstance(name, str) else None
    return found if isinstance(found, type) and issubclass(found, Model) else None


def _writer(type_name: Any, deps: Deps) -> Convert:
    if not isinstance(type_name, str) or not type_name:
        return unsupported
    if type_name in BASIC_OUT:
        return BASIC_OUT[type_name]
    if type_name in SPECIAL_OUT:
        return SPECIAL_OUT[type_name]
    if type_name == "object":
        return lambda value: _object_out(value, deps)
    if type_name[0] + type_name[-1] == "[]":
        item = _writer(type_name[1:-1], deps)
        return lambda value: _list(value, item)
    if type_name[0] + type_name[-1] == "{}":
        item = _writer(type_name[1:-1], deps)
        return lambda value: _dict_out(value, item)
    if model_class(type_name, deps) is None:
        return unsupported  # an enum name, or one msrest would resolve by the value's class

    def model(value: Any) -> Any:
        if isinstance(value, Model):
            return _model_out(value, deps)  # msrest serialises the runtime class, not the declared one
        raise Unsupported

    return model


def _reader(type_name: Any, deps: Deps) -> Convert:
    if not isinstance(type_name, str) or not type_name:
        return unsupported
    if type_name in BASIC_IN:
        return BASIC_IN[type_name]
    if type_name == "iso-8601":
        return iso_in
    if type_name in SPECIAL_IN:
        special, expected = SPECIAL_IN[type_name], EXPECTED_IN.get(type_name, ())
        return lambda value: value if isinstance(value, expected) else special(value)
    if type_name == "object":
        return object_in
    if type_name[0] + type_name[-1] == "[]":
        item = _reader(type_name[1:-1], deps)
        return lambda value: _list(value, item)
    if type_name[0] + type_name[-1] == "{}":
        item = _reader(type_name[1:-1], deps)
        return lambda value: _dict_in(value, item)
    cls = model_class(type_name, deps)
    if cls is None:
        return unsupported
    return lambda value: _model_in(cls, value, deps)


def _list(value: Any, item: Convert) -> Any:
    # The same both ways: None stays None, every other item goes through `item`.
    if type(value) is not list:
        raise Unsupported
    return [None if v is None else item(v) for v in value]


def _dict_out(value: Any, item: Convert) -> Any:
    if type(value) is not dict:
        raise Unsupported
    return {str_out(k): None if v is None else item(v) for k, v in value.items()}


def _dict_in(value: Any, item: Convert) -> Any:
    if type(value) is not dict:
        raise Unsupported  # msrest also reads a list of {"key", "value"} pairs
    return {k: None if v is None else item(v) for k, v in value.items()}


_plans: dict[tuple[type, int], _Plan] = {}
_dependencies: dict[type, Deps] = {}


def _plan(cls: type[Model], deps: Deps) -> _Plan:
    plan = _plans.get((cls, id(deps)))
    if plan is None or not plan.current():
        plan = _plans[(cls, id(deps))] = _Plan(cls, deps)
    return plan


def dependencies(cls: type[Model]) -> Deps:
    """The class table msrest resolves type names in when `cls` is the outermost model."""
    deps = _dependencies.get(cls)
    if deps is None:
        deps = _dependencies[cls] = cls._infer_class_models()
    return deps


def _model_out(model: Model, deps: Deps) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr, key, write in _plan(type(model), deps).writes:
        value = getattr(model, attr)
        if value is not None:
            out[key] = write(value)
    return out


def _model_in(cls: type[M], data: Any, deps: Deps) -> M:
    if type(data) is not dict:
        raise Unsupported
    plan = _plan(cls, deps)
    kwargs = plan.absent.copy()
    extra: dict[str, Any] = {}
    reads = plan.reads
    for key, value in data.items():
        found = reads.get(key)
        if found is None:
            extra[key] = value
        elif value is not None:
            kwargs[found[0]] = found[1](value)
    model: M = cls(**kwargs)
    if extra:
        model.additional_properties = extra  # the JSON values themselves, as msrest keeps them
    return model


def fast_to_json(model: Model, deps: Deps | None = None) -> dict[str, Any]:
    """`model.serialize()` without the fallback; raises Unsupported (or any error) instead."""
    return _model_out(model, dependencies(type(model)) if deps is None else deps)


def fast_from_json(cls: type[M], data: Any, deps: Deps | None = None) -> M:
    """`cls.deserialize(data)` for a JSON dict without the fallback; raises instead."""
    return _model_in(cls, data, dependencies(cls) if deps is None else deps)
