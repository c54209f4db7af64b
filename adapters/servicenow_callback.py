"""`POST /api/servicenow/resolved`: ServiceNow tells the bot that a vendor record changed, so the bot
need not wait for its next poll.

The route exists only with ServiceNow and SERVICENOW_CALLBACK_SECRET set (404 otherwise). The
caller must send `Authorization: Bearer <secret>` (compared in constant time; 401 otherwise),
`Content-Type: application/json` and a small body `{"number": "INC0012345", "correlation_id": "…"}`
(correlation_id optional, other fields ignored; 400 for anything else, 413 above 4 KB). The body
is only a nudge: the bot then reads the record by its number from the Table API and trusts that,
never a state, sys_id or notes sent in the call. Only a call whose correlation_id names a case
waiting on that number moves anything (jobs/servicenow_job.py `nudge`); the rest wait for the poll. Refusals are one throttled log line each, like the
other edge refusals; the answer to a valid call is 202 whether or not the number is one of ours,
so the route tells a caller nothing about which cases exist (503 while the store is unavailable).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from adapters.refusals import RefusalLog
from adapters.request_validation import BadActivity, read_body
from domain.ports import StoreUnavailable

log = logging.getLogger(__name__)

PATH = "/api/servicenow/resolved"
MAX_BYTES = 4096

# (number, correlation_id) → whether a waiting case was found (its poll moved to now).
Nudge = Callable[[str, str], Awaitable[bool]]


class Notice(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    number: Annotated[StrictStr, Field(min_length=3, max_length=40, pattern=r"^[A-Za-z]{2,8}\d{4,12}$")]
    correlation_id: Annotated[StrictStr, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")] = ""


class ServiceNowCallback:
    def __init__(self, secret: str, nudge: Nudge, refusals: RefusalLog | None = None) -> None:
        self._expected = f"Bearer {secret}".encode()
        self._nudge = nudge
        self._refusals = refusals or RefusalLog()

    async def __call__(self, request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, self._expected):
            return self._refuse(request, HTTPStatus.UNAUTHORIZED, "ServiceNow callback without the secret")
        try:
            body = await read_body(request, MAX_BYTES)
            notice = Notice.model_validate(json.loads(body))
        except BadActivity as refused:
            return self._refuse(request, refused.status, f"ServiceNow callback: {refused.reason}")
        except (ValueError, ValidationError):  # not JSON, not an object, or not the fields above
            return self._refuse(request, HTTPStatus.BAD_REQUEST, "ServiceNow callback body is not a notice")
        try:
            found = await self._nudge(notice.number.upper(), notice.correlation_id)
        except StoreUnavailable:  # ServiceNow may call again; the poll reads the record anyway
            log.warning("ServiceNow callback for %s: store unavailable", notice.number)
            return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE, headers={"Retry-After": "60"})
        log.info(
            "ServiceNow callback for %s: %s", notice.number, "read now" if found else "not a waiting case"
        )
        return web.json_response({"status": "accepted"}, status=HTTPStatus.ACCEPTED)

    def _refuse(self, request: web.Request, status: int, reason: str) -> web.Response:
        self._refusals.refused(status, reason, request.remote)
        headers = {"WWW-Authenticate": "Bearer"} if status == HTTPStatus.UNAUTHORIZED else {}
        return web.Response(status=status, headers=headers)
