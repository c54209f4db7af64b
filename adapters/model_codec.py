"""Schema models to JSON and back as msrest does it, at a fraction of msrest's cost.

`to_json(model)` is `model.serialize()`, `from_json(cls, data)` is `cls.deserialize(data)`, and
`use_fast_codec(client)` gives an msrest service client (the ConnectorClient) the same for its
request bodies and responses. Each tries the compiled plans of model_plans.py and, on anything
those do not reproduce, runs msrest itself: the result is msrest's either way.
`enable_cross_check()` (the test suite turns it on) makes every call also run msrest and fail on
any difference, types included, so every activity the tests send is a comparison.
"""

from __future__ import annotations

import datetime
import math
from typing import Any, TypeVar

from msrest.serialization import Deserializer, Model, Serializer

from adapters.model_plans import fast_from_json, fast_to_json, model_class

M = TypeVar("M", bound=Model)
_cross_check = False


def enable_cross_check() -> None:
    """From now on every call also runs msrest and raises AssertionError on a difference."""
    global _cross_check
    _cross_check = True


def to_json(model: Model, dependencies: dict[str, Any] | None = None) -> dict[str, Any]:
    """`model.serialize()`; with `dependencies`, `Serializer(dependencies)._serialize(model)`."""
    try:
        result = fast_to_json(model, dependencies)
    except Exception:
        return _msrest_to_json(model, dependencies)
    if _cross_check:
        _check(result, _msrest_to_json(model, dependencies), f"to_json({type(model).__name__})")
    return result


def card_answer_to_json(answer: Any, dependencies: dict[str, Any] | None = None) -> dict[str, Any]:
    """`to_json(answer, dependencies)` for an AdaptiveCardInvokeResponse (an Action.Execute
    answer), without copying its card: msrest's `{object}` serialiser returns a card made of
    JSON's own types (what cards/ builds) unchanged, and walking a 3-4 KB card to copy it cost
    ~40 µs a click. The card goes out as is; the cross-check (the test suite) still compares the
    whole answer with msrest's, types included, so a card holding anything else fails a test."""
    result: dict[str, Any] = {}
    for key, value in (("statusCode", answer.status_code), ("type", answer.type), ("value", answer.value)):
        if value is not None:
            result[key] = value
    if _cross_check:
        _check(result, _msrest_to_json(answer, dependencies), "card_answer_to_json")
    return result


def _msrest_to_json(model: Model, dependencies: dict[str, Any] | None) -> dict[str, Any]:
    if dependencies is None:
        return model.serialize()  # type: ignore[no-any-return]
    return Serializer(dependencies)._serialize(model)  # type: ignore[no-any-return]


def from_json(cls: type[M], data: Any) -> M:
    """`cls.deserialize(data)` (`data` a parsed JSON value)."""
    try:
        result = fast_from_json(cls, data)
    except Exception:
        return cls.deserialize(data)  # type: ignore[no-any-return]
    if _cross_check:
        _check(result, cls.deserialize(data), f"from_json({cls.__name__})")
    return result


class FastSerializer(Serializer):
    """msrest's Serializer whose `body` of a model takes the compiled plans."""

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if kwargs or not isinstance(data, Model) or model_class(data_type, self.dependencies) is None:
            return super().body(data, data_type, **kwargs)
        try:
            result = fast_to_json(data, self.dependencies)
        except Exception:
            return super().body(data, data_type)
        if _cross_check:
            _check(result, super().body(data, data_type), f"body({data_type})")
        return result


class FastDeserializer(Deserializer):
    """msrest's Deserializer that reads a JSON object into a model with the compiled plans."""

    def __call__(self, target_obj: Any, response_data: Any, content_type: str | None = None) -> Any:
        data = self._unpack_content(response_data, content_type)
        cls = model_class(target_obj, self.dependencies) if isinstance(target_obj, str) else None
        if cls is None or not self.additional_properties_detection:
            return self._deserialize(target_obj, data)
        try:
            result = fast_from_json(cls, data, self.dependencies)
        except Exception:
            return self._deserialize(target_obj, data)
        if _cross_check:
            _check(result, self._deserialize(target_obj, data), f"deserialize({target_obj})")
        return result


def use_fast_codec(client: Any) -> None:
    """Swap the Serializer and Deserializer of an msrest client and its operation groups (which
    each hold the client's instances) for the fast ones over the same model table."""
    old_serializer, old_deserializer = client._serialize, client._deserialize
    serializer = FastSerializer(old_serializer.dependencies)
    serializer.client_side_validation = old_serializer.client_side_validation
    deserializer = FastDeserializer(old_deserializer.dependencies)
    for owner in (client, *vars(client).values()):
        if getattr(owner, "_serialize", None) is old_serializer:
            owner._serialize = serializer
        if getattr(owner, "_deserialize", None) is old_deserializer:
            owner._deserialize = deserializer


def _check(fast: Any, slow: Any, where: str) -> None:
    if not same(fast, slow):
        raise AssertionError(f"model_codec differs from msrest in {where}:\n{fast!r}\n!=\n{slow!r}")


def same_zone(a: datetime.datetime, b: datetime.datetime) -> bool:
    """The same kind of tzinfo, named the same."""
    return type(a.tzinfo) is type(b.tzinfo) and a.tzname() == b.tzname()


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and True are not the same here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Model):
        return same(vars(a), vars(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, datetime.datetime):
        return bool(a == b and a.utcoffset() == b.utcoffset()) and same_zone(a, b)
    return bool(a == b)
