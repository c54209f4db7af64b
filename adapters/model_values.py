"""The leaf converters of model_plans.py: what msrest does to one JSON value of a basic type.

Each reader takes a value from parsed JSON and each writer a value the bot set; a reader raises
`Unsupported` for a value whose type msrest would coerce (an int where a bool belongs, say), and the
caller (model_codec) then lets msrest do it, so the shortcuts here only have to be right for the
types they accept. Where msrest has a static converter of the value alone, that one is used.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable
from typing import Any

from isodate.tzinfo import UTC, FixedOffset
from msrest.serialization import Deserializer, Serializer

Convert = Callable[[Any], Any]


class Unsupported(Exception):
    """A shape this codec does not reproduce; the caller falls back to msrest."""


def unsupported(_: Any) -> Any:
    raise Unsupported


# msrest's own converters for the special type strings (static functions of the value alone).
_SPECIAL = {
    "iso-8601": "iso", "rfc-1123": "rfc", "unix-time": "unix", "duration": "duration", "date": "date",
    "time": "time", "decimal": "decimal", "long": "long", "bytearray": "bytearray", "base64": "base64",
}  # fmt: skip
SPECIAL_OUT: dict[str, Convert] = {
    name: getattr(Serializer, f"serialize_{s}") for name, s in _SPECIAL.items()
}
SPECIAL_IN: dict[str, Convert] = {
    name: getattr(Deserializer, f"deserialize_{s}") for name, s in _SPECIAL.items()
}
EXPECTED_IN: dict[str, Any] = {"iso-8601": datetime.datetime, "duration": datetime.timedelta}
# serialize_object's exact-type table (after the basic types), as msrest orders it.
OBJECT_OUT: dict[type, Convert] = {
    datetime.datetime: Serializer.serialize_iso,
    datetime.date: Serializer.serialize_date,
    datetime.time: Serializer.serialize_time,
    datetime.timedelta: Serializer.serialize_duration,
    decimal.Decimal: Serializer.serialize_decimal,
}


def str_out(value: Any) -> Any:  # Serializer.serialize_unicode
    if type(value) is str:
        return value
    try:
        return value.value
    except AttributeError:
        return str(value)


def _str_in(value: Any) -> Any:  # Deserializer.deserialize_unicode, for JSON values
    return value if type(value) is str else str(value)


def _int_in(value: Any) -> Any:
    if type(value) is int:
        return value
    raise Unsupported


def _bool_in(value: Any) -> Any:
    if type(value) is bool:
        return value
    raise Unsupported


def _float_in(value: Any) -> Any:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise Unsupported


# The timestamps Teams sends ("2026-12-08T08:15:02.6651343Z", "...+01:00"): msrest reads them
# through isodate's regex tables and Decimal arithmetic (~13 µs each). For exactly this shape the
# result is known: the first six fraction digits (msrest cuts the rest), isodate's UTC or a
# FixedOffset named as written. Any other shape goes to msrest's reader.
_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6})\d*)?(Z|([+-])(\d\d):(\d\d))\Z", re.ASCII
)


def iso_in(value: Any) -> Any:
    match = _ISO.match(value) if type(value) is str else None
    if match is None:
        return Deserializer.deserialize_iso(value)
    year, month, day, hour, minute, second, fraction, zone, sign, zone_hours, zone_minutes = match.groups()
    if zone == "Z":
        tzinfo: datetime.tzinfo = UTC
    else:
        way = -1 if sign == "-" else 1
        tzinfo = FixedOffset(way * int(zone_hours), way * int(zone_minutes), zone)
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    moment = datetime.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo
    )
    if not 1 <= moment.utctimetuple().tm_year <= 9999:
        raise Unsupported  # msrest refuses it
    return moment


BASIC_OUT: dict[str, Convert] = {"str": str_out, "int": int, "bool": bool, "float": float}
BASIC_IN: dict[str, Convert] = {"str": _str_in, "int": _int_in, "bool": _bool_in, "float": _float_in}


def object_in(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is dict:
        return {k: object_in(v) for k, v in value.items()}
    if kind is list:
        return [object_in(v) for v in value]
    raise Unsupported
