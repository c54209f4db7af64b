"""The shape of an inbound activity, checked before the SDK sees the body.

botbuilder and msrest trust the JSON they are given: a body that is a list, `from: 5`,
`attachments: "str"`, `membersAdded: [null]`, an invoke without a value or 1,000 levels of nesting
each ended in an HTTP 500 with a traceback. Here a request is read with a size cap, parsed with a
depth cap and checked field by field for the types the SDK and our handlers rely on; anything else
is a `BadActivity` (HTTP 400) with a short reason for one log line.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from aiohttp import web
from botbuilder.schema import Activity
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from adapters.model_codec import from_json

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
# The bot declares no message extensions, task modules, tabs or sign-in: Universal Actions only.
SUPPORTED_INVOKES = frozenset({ADAPTIVE_CARD_ACTION})


class BadActivity(Exception):
    """A request the bot will not process; `reason` is short, safe to log, never the body."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


Text = Annotated[StrictStr, Field(max_length=40_000)]
Ident = Annotated[StrictStr, Field(min_length=1, max_length=1_000)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class _Account(_Shape):
    id: Text | None = None
    name: Text | None = None
    aadObjectId: Text | None = None
    role: Text | None = None


class _Conversation(_Account):
    id: Ident
    conversationType: Text | None = None
    tenantId: Text | None = None
    isGroup: StrictBool | None = None


class _Sender(_Account):
    id: Ident


class _Attachment(_Shape):
    contentType: Text | None = None
    contentUrl: Text | None = None
    name: Text | None = None


class _ChannelData(_Shape):
    # The parts TeamsChannelData deserialises and our handlers read.
    eventType: Text | None = None
    tenant: dict[str, Any] | None = None
    team: dict[str, Any] | None = None
    channel: dict[str, Any] | None = None
    settings: dict[str, Any] | None = None


class _ActivityShape(_Shape):
    type: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    id: Text | None = None
    channelId: Ident
    serviceUrl: Ident
    from_: _Sender = Field(alias="from")
    recipient: _Sender
    conversation: _Conversation
    timestamp: Text | None = None
    localTimestamp: Text | None = None
    locale: Text | None = None
    text: Text | None = None
    textFormat: Text | None = None
    name: Text | None = None
    action: Text | None = None
    deliveryMode: Text | None = None
    replyToId: Text | None = None
    attachments: list[_Attachment] | None = None
    entities: list[dict[str, Any]] | None = None
    membersAdded: list[_Account] | None = None
    membersRemoved: list[_Account] | None = None
    reactionsAdded: list[dict[str, Any]] | None = None
    reactionsRemoved: list[dict[str, Any]] | None = None
    channelData: _ChannelData | None = None


class _CardAction(_Shape):
    # Only Universal Actions arrive as invokes; an Action.Submit arrives as a message.
    type: Annotated[StrictStr, Field(pattern=r"^Action\.Execute$")]
    verb: Annotated[StrictStr, Field(max_length=200)] | None = None


class _CardInvokeValue(_Shape):
    action: _CardAction


async def read_body(request: web.Request, max_bytes: int) -> bytes:
    """The raw body, refused above `max_bytes` before it is all read into memory."""
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise BadActivity("content type is not application/json", 415)
    if request.content_length is not None and request.content_length > max_bytes:
        raise BadActivity(f"body of {request.content_length} bytes is over the limit", 413)
    chunks: list[bytes] = []
    size = 0
    # read(n) returns what has arrived so far, not n bytes: read to the end, counting.
    while chunk := await request.content.read(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise BadActivity(f"body is over the limit of {max_bytes} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_activity(body: bytes, max_depth: int) -> tuple[dict[str, Any], Activity]:
    """The body as a checked dict and as the SDK's Activity; raises BadActivity."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise BadActivity("JSON nested too deeply") from None
    except ValueError:  # includes UnicodeDecodeError
        raise BadActivity("body is not JSON") from None
    if not isinstance(data, dict):
        raise BadActivity(f"body is a JSON {type(data).__name__}, not an object")
    if _depth(data, max_depth) > max_depth:
        raise BadActivity(f"JSON nested deeper than {max_depth} levels")
    try:
        _ActivityShape.model_validate(data)
        if data["type"] == "invoke":
            if data.get("name") not in SUPPORTED_INVOKES:
                raise BadActivity("unsupported invoke name")
            _CardInvokeValue.model_validate(data.get("value"))
    except ValidationError as exc:
        raise BadActivity(_describe(exc)) from None
    try:
        activity = from_json(Activity, data)  # exactly Activity().deserialize(data), faster
    except Exception as exc:
        raise BadActivity(f"activity does not deserialize ({type(exc).__name__})") from None
    return data, activity


def _depth(value: object, limit: int) -> int:
    """Nesting depth, counted without recursion and stopping once past `limit`."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _describe(exc: ValidationError) -> str:
    """Where the shape is wrong and what was expected, never the offending value itself."""
    error = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in error["loc"]) or "value"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"invalid activity: {where}: {error['msg']}{more}"[:200]
