"""Property tests: for any JSON shaped (or misshaped) like a schema model, model_codec ends as
msrest ends — the same model, the same JSON back, or the same exception type.

Bodies are generated from each class's own `_attribute_map`: well-typed values most of the time,
and now and then any JSON value at all, an unknown key or a None, so both the compiled plans and
the fallback to msrest are exercised.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from botbuilder.schema import Activity, ConversationReference, ExpectedReplies
from botbuilder.schema.teams import TeamsChannelData
from hypothesis import given, settings
from hypothesis import strategies as st
from msrest.serialization import Deserializer, Model

from adapters.model_codec import from_json, same, to_json
from adapters.model_plans import dependencies, fast_from_json
from adapters.model_values import iso_in

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
    ),
)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _typed(type_name: str, deps: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if type_name == "str":
        return st.text(max_size=12)
    if type_name == "bool":
        return st.booleans()
    if type_name == "int":
        return st.integers()
    if type_name == "float":
        return st.floats(allow_nan=False) | st.integers()
    if type_name == "iso-8601":
        return MOMENTS.map(_iso)
    if type_name == "object":
        return JSON
    if type_name.startswith("[") and type_name.endswith("]"):
        return st.lists(_value(type_name[1:-1], deps, depth), max_size=3)
    if type_name.startswith("{") and type_name.endswith("}"):
        return st.dictionaries(st.text(max_size=6), _value(type_name[1:-1], deps, depth), max_size=3)
    cls = deps.get(type_name)
    if isinstance(cls, type) and issubclass(cls, Model) and depth < 3:
        return body_of(cls, deps, depth + 1)
    return st.none()


def _value(type_name: Any, deps: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if not isinstance(type_name, str):
        return st.none()
    typed = _typed(type_name, deps, depth)
    return st.one_of(typed, typed, typed, typed, typed, typed, st.none(), JSON)


def body_of(cls: type[Model], deps: dict[str, Any], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    fields = {desc["key"]: _value(desc["type"], deps, depth) for desc in cls._attribute_map.values()}
    extra = st.dictionaries(st.sampled_from(["rawKey", "Text", "teamsExtra"]), JSON, max_size=2)
    return st.builds(lambda known, more: {**more, **known}, st.fixed_dictionaries({}, optional=fields), extra)


def _reads_like_msrest(cls: type[Model], body: dict[str, Any]) -> None:
    try:
        expected = cls.deserialize(body)
    except Exception as exc:
        try:
            from_json(cls, body)
        except Exception as ours:
            assert type(ours) is type(exc)
        else:
            raise AssertionError(f"msrest raised {exc!r}, model_codec did not") from None
        return
    model = from_json(cls, body)
    assert same(model, expected)
    try:
        written = expected.serialize()
    except Exception as exc:
        try:
            to_json(model)
        except Exception as ours:
            assert type(ours) is type(exc)
        else:
            raise AssertionError(f"msrest raised {exc!r} writing, model_codec did not") from None
        return
    assert same(to_json(model), written)


@PROPERTY_SETTINGS
@given(body_of(Activity, dependencies(Activity)))
def test_any_activity_body_reads_and_writes_as_msrest_does(body: dict[str, Any]) -> None:
    _reads_like_msrest(Activity, body)


@PROPERTY_SETTINGS
@given(body_of(TeamsChannelData, dependencies(TeamsChannelData)))
def test_any_teams_channel_data_reads_and_writes_as_msrest_does(body: dict[str, Any]) -> None:
    _reads_like_msrest(TeamsChannelData, body)


@PROPERTY_SETTINGS
@given(body_of(ConversationReference, dependencies(ConversationReference)))
def test_any_stored_reference_reads_and_writes_as_msrest_does(body: dict[str, Any]) -> None:
    _reads_like_msrest(ConversationReference, body)


@PROPERTY_SETTINGS
@given(st.lists(body_of(Activity, dependencies(Activity)), min_size=1, max_size=3))
def test_any_expect_replies_answer_writes_as_msrest_does(bodies: list[dict[str, Any]]) -> None:
    replies = []
    for body in bodies:
        try:
            replies.append(Activity().deserialize(body))
        except Exception:
            continue
    answer = ExpectedReplies(activities=replies)
    try:
        expected = answer.serialize()
    except Exception as exc:
        try:
            to_json(answer)
        except Exception as ours:
            assert type(ours) is type(exc)
        return
    assert same(to_json(answer), expected)


@PROPERTY_SETTINGS
@given(body_of(Activity, dependencies(Activity)))
def test_well_typed_bodies_take_the_compiled_path(body: dict[str, Any]) -> None:
    """Not a fallback in disguise: a body msrest reads without complaint and whose values have
    the declared JSON types is read by the plans themselves."""
    try:
        expected = Activity().deserialize(body)
    except Exception:
        return
    if _well_typed(body, Activity, dependencies(Activity)):
        assert same(fast_from_json(Activity, body), expected)


def _well_typed(value: Any, cls: type[Model], deps: dict[str, Any]) -> bool:
    return all(
        value.get(desc["key"]) is None or _fits(value[desc["key"]], desc["type"], deps)
        for desc in cls._attribute_map.values()
    )


def _fits(value: Any, type_name: Any, deps: dict[str, Any]) -> bool:
    if not isinstance(type_name, str):
        return False
    simple = {"str": str, "bool": bool, "object": object}
    if type_name in simple:
        return isinstance(value, simple[type_name])
    if type_name in ("int", "float"):
        return type(value) is int or (type_name == "float" and type(value) is float)
    if type_name.startswith("["):
        return isinstance(value, list) and all(v is None or _fits(v, type_name[1:-1], deps) for v in value)
    if type_name.startswith("{"):
        return isinstance(value, dict) and all(
            v is None or _fits(v, type_name[1:-1], deps) for v in value.values()
        )
    cls = deps.get(type_name)
    return isinstance(cls, type) and isinstance(value, dict) and _well_typed(value, cls, deps)


TIMESTAMPS = st.builds(
    lambda date, time, fraction, zone: f"{date}T{time}{fraction}{zone}",
    st.sampled_from(
        ["2026-12-08", "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "20261208", "2026-1-08"]
    ),
    st.sampled_from(["08:15:02", "23:59:60", "24:00:00", "00:00:00", "0815", "08:15", "٠٨:15:02"]),
    st.sampled_from(["", "."]) | st.text("0123456789", min_size=1, max_size=9).map(lambda d: f".{d}"),
    st.sampled_from(["Z", "z", "", "+01:00", "-05:30", "+14:00", "-00:00", "+0100", "+01", "+24:00", " Z"]),
)


@settings(max_examples=300, deadline=None)
@given(TIMESTAMPS)
def test_timestamps_read_as_msrest_reads_them(value: str) -> None:
    """The shortcut for Teams' timestamp shape gives msrest's datetime, its tzinfo class and name
    included; any other shape (or an impossible date) ends as msrest ends it."""
    try:
        expected = Deserializer.deserialize_iso(value)
    except Exception:
        _reads_like_msrest(Activity, {"type": "message", "timestamp": value})
        return
    assert same(iso_in(value), expected)
    _reads_like_msrest(Activity, {"type": "message", "localTimestamp": value})
