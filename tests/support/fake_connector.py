"""A local stand-in for the Bot Connector service (the SDK edge): records what the bot sends.

Implements the calls the bot makes: send to a conversation, reply, update, create a
conversation (a new channel thread). `fail_next` makes the next calls answer with a status,
for 429 / 403 handling tests. `hold()` keeps arriving calls (or only one kind: "send", "update",
"create") in flight until `release()`; a call whose sender hung up meanwhile (a bot process
killed) is dropped, as if it never reached Teams.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.support.teams_limits import activity_violations


@dataclass
class FakeConnector:
    sent: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    # Statuses for the next calls; (status, headers) to answer other headers than Retry-After: 0.
    fail_next: list[int | tuple[int, dict[str, str]] | None] = field(default_factory=list)
    # Conversation-id prefix → status answered for good (e.g. {"a:": 403}: every 1:1 chat refuses).
    refuse: dict[str, int] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)  # conversation id → calls, failed ones too
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    server: TestServer | None = None
    held: int = 0  # calls waiting for release()
    dropped: int = 0  # held calls whose sender was gone at release: not recorded
    _open: asyncio.Event = field(default_factory=asyncio.Event)
    _held_kind: str | None = None  # hold(only=...): the one kind of call held
    # Cards beyond what Teams renders (more than 6 actions, 28 KB); the fixtures assert none.
    limit_violations: list[str] = field(default_factory=list)
    # Teams' member info by user id (GET .../members/{id}); unknown ids answer 404.
    members_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    member_lookups: Counter[str] = field(default_factory=Counter)  # user id → member-info GETs
    authorizations: list[str] = field(default_factory=list)  # each call's Authorization header
    requests: list[dict[str, Any]] = field(default_factory=list)  # each call's method, raw path, headers

    def __post_init__(self) -> None:
        self._open.set()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def texts(self) -> list[str]:
        return [a.get("text") or "" for a in self.sent]

    def to_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        return [a for a in self.sent if a["_conversation"] == conversation_id]

    def per_target(self) -> Counter[tuple[str, str]]:
        """How often each (conversation, text) arrived: a repeated send shows as a count above 1."""
        return Counter((a["_conversation"], a.get("text") or "") for a in self.sent)

    def hold(self, only: str | None = None) -> None:
        self._held_kind = only
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def _arrived(self, request: web.Request, kind: str) -> bool:
        """Wait while held; False when the sender hung up meanwhile (the call is dropped)."""
        self.authorizations.append(request.headers.get("Authorization", ""))
        self.requests.append(
            {"method": request.method, "path": request.raw_path, "headers": dict(request.headers)}
        )
        if self._open.is_set() or self._held_kind not in (None, kind):
            return True
        self.held += 1
        try:
            await self._open.wait()
        except asyncio.CancelledError:  # aiohttp cancels the handler when the sender hangs up
            self.dropped += 1
            raise
        finally:
            self.held -= 1
        if request.transport is None or request.transport.is_closing():
            self.dropped += 1
            return False
        return True

    def _failure(self, conversation_id: str = "") -> web.Response | None:
        self.calls[conversation_id] += 1
        refused = next(
            (status for prefix, status in self.refuse.items() if conversation_id.startswith(prefix)), 0
        )
        if refused:
            return web.json_response({"error": {"code": "BotNotInConversationRoster"}}, status=refused)
        if self.fail_next and (failure := self.fail_next.pop(0)) is not None:  # None: answer this one
            status, headers = failure if isinstance(failure, tuple) else (failure, {"Retry-After": "0"})
            return web.json_response({"error": {"code": str(status)}}, status=status, headers=headers)
        return None

    async def _send(self, request: web.Request) -> web.Response:
        if not await self._arrived(request, "send"):
            return web.Response(status=503)
        if failure := self._failure(request.match_info["conversation_id"]):
            return failure
        activity = await request.json()
        activity["_conversation"] = request.match_info["conversation_id"]
        activity["_reply_to"] = request.match_info.get("activity_id")  # None: send_to_conversation
        activity["id"] = f"activity-{next(self._ids)}"
        self.limit_violations += activity_violations(activity)
        self.sent.append(activity)
        return web.json_response({"id": activity["id"]})

    async def _update(self, request: web.Request) -> web.Response:
        if not await self._arrived(request, "update"):
            return web.Response(status=503)
        if failure := self._failure(request.match_info["conversation_id"]):
            return failure
        activity = await request.json()
        activity["_conversation"] = request.match_info["conversation_id"]
        activity["_replaces"] = request.match_info["activity_id"]
        self.limit_violations += activity_violations(activity)
        self.updated.append(activity)
        return web.json_response({"id": request.match_info["activity_id"]})

    async def _create(self, request: web.Request) -> web.Response:
        if not await self._arrived(request, "create"):
            return web.Response(status=503)
        if failure := self._failure():
            return failure
        params = await request.json()
        number = next(self._ids)
        conversation_id = (
            f"{params.get('channelData', {}).get('channel', {}).get('id', 'conv')};messageid={number}"
        )
        self.created.append(params)
        first = params.get("activity")
        if first:
            first["_conversation"] = conversation_id
            first["id"] = str(number)
            self.limit_violations += activity_violations(first)
            self.sent.append(first)
        return web.json_response({"id": conversation_id, "activityId": str(number)})

    async def _member(self, request: web.Request) -> web.Response:
        self.member_lookups[request.match_info["member_id"]] += 1
        member = self.members_by_id.get(request.match_info["member_id"])
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(member)

    async def start(self) -> FakeConnector:
        app = web.Application()
        app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", self._member)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self._send)
        app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", self._update)
        app.router.add_post("/v3/conversations", self._create)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        self.release()  # else a held call keeps the server's shutdown waiting for a minute
        if self.server is not None:
            await self.server.close()
