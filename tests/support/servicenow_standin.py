"""A local stand-in for a ServiceNow instance, over real HTTP: the parts of the Table API the bot
uses, and its error answers.

- `POST /oauth_token.do` (client credentials, form-encoded) → `access_token`, `expires_in`;
  wrong client → 401 `{"error": "access_denied"}`.
- `GET /api/now/table/{table}?sysparm_query=a=b^c=d&sysparm_limit=n` → `{"result": [...]}`.
- `GET /api/now/table/{table}/{sys_id}` → `{"result": {...}}`, 404 `No Record found`.
- `POST /api/now/table/{table}` (JSON) → 201 with the record (a sys_id, the next INC number,
  state 1 New).
- Every table call needs a valid bearer token or the basic credentials: 401 otherwise.

Failures for tests: `fail_next` answers the next calls with a status (and headers, e.g.
Retry-After); `lose_next_create` stores the record but answers 503 (a reply lost on the way);
`hang_next` keeps the next calls waiting longer than the bot's timeout; `hold_creates` stores a
created record, sets `create_held` and answers only once the test sets `hold_creates` (something
happens in the bot while its create is under way); `revoke_tokens()` makes issued tokens expire. `resolve()` is the vendor closing the record with close notes.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

CLIENT_ID = "skyddad-id-bot"
CLIENT_SECRET = "s3cret-for-tests"
USER = "svc-skyddad-id"
PASSWORD = "pw-for-tests"


@dataclass
class ServiceNowStandIn:
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # sys_id → record
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of every call
    created_bodies: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    lose_next_create: int = 0
    hang_next: int = 0
    hang_seconds: float = 5.0
    hold_creates: asyncio.Event | None = None
    create_held: asyncio.Event = field(default_factory=asyncio.Event)
    tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    server: TestServer | None = None
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(10001))

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> ServiceNowStandIn:
        app = web.Application()
        app.router.add_post("/oauth_token.do", self._token)
        app.router.add_get("/api/now/table/{table}", self._query)
        app.router.add_get("/api/now/table/{table}/{sys_id}", self._get)
        app.router.add_post("/api/now/table/{table}", self._create)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    # --- what tests do ----------------------------------------------------------------------------
    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def resolve(self, number: str, close_notes: str, state: str = "6") -> None:
        record = self.by_number(number)
        record.update(state=state, close_notes=close_notes)

    def by_number(self, number: str) -> dict[str, Any]:
        return next(r for r in self.records.values() if r["number"] == number)

    def add(self, table: str, number: str, **fields: Any) -> dict[str, Any]:
        """A record someone made by hand in ServiceNow."""
        sys_id = secrets.token_hex(16)
        self.records[sys_id] = {"sys_id": sys_id, "number": number, "state": "1", "_table": table, **fields}
        return self.records[sys_id]

    def creates(self) -> int:
        return sum(1 for method, _ in self.calls if method == "POST" and "/api/now/table/" in _)

    # --- the API ------------------------------------------------------------------------------------
    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        form = await request.post()
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
        ):
            return web.json_response({"error": "access_denied"}, status=401)
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return web.json_response({"access_token": token, "token_type": "Bearer", "expires_in": 1799})

    async def _gate(self, request: web.Request) -> web.Response | None:
        """Auth, then any failure the test asked for; None = go on."""
        self.calls.append((request.method, request.path))
        if self.hang_next:
            self.hang_next -= 1
            await asyncio.sleep(self.hang_seconds)
        header = request.headers.get("Authorization", "")
        authorised = header.startswith("Bearer ") and header[7:] in self.tokens
        if header.startswith("Basic "):
            authorised = base64.b64decode(header[6:]).decode() == f"{USER}:{PASSWORD}"
        if not authorised:
            return _error(401, "User Not Authenticated", "Required to provide Auth information")
        if self.fail_next:
            status, headers = self.fail_next.pop(0)
            return _error(status, "Injected failure", "stand-in", headers)
        return None

    async def _query(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        table = request.match_info["table"]
        conditions = [
            part.split("=", 1) for part in request.query.get("sysparm_query", "").split("^") if part
        ]
        found = [
            _public(r)
            for r in self.records.values()
            if r["_table"] == table and all(str(r.get(k, "")) == v for k, v in conditions)
        ]
        limit = int(request.query.get("sysparm_limit", "10000"))
        return web.json_response({"result": found[:limit]})

    async def _get(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        record = self.records.get(request.match_info["sys_id"])
        if record is None or record["_table"] != request.match_info["table"]:
            return _error(
                404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
            )
        return web.json_response({"result": _public(record)})

    async def _create(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        body = await request.json()
        if not isinstance(body, dict):
            return _error(400, "Invalid body", "expected an object")
        self.created_bodies.append(body)
        sys_id = secrets.token_hex(16)
        number = f"INC{next(self._numbers):07d}"
        record = {
            **body,
            "sys_id": sys_id,
            "number": number,
            "state": "1",
            "close_notes": "",
            "_table": request.match_info["table"],
        }
        self.records[sys_id] = record
        if self.hold_creates is not None:
            self.create_held.set()
            await self.hold_creates.wait()
        if self.lose_next_create:
            self.lose_next_create -= 1
            return _error(503, "Service Unavailable", "the record was stored, the answer lost")
        return web.json_response({"result": _public(record)}, status=201)


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _error(status: int, message: str, detail: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"message": message, "detail": detail}, "status": "failure"}
    return web.json_response(body, status=status, headers=headers or {})
