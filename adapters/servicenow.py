"""ServiceNow's Table API: create the vendor's record, find it again, read the vendor's answer.

Each call is made once and its failure classified here (`ServiceNowFailed`): 401 (after one
fresh OAuth token), 403, 400 and 404 are permanent — a setting or a permission is wrong, and
retrying cannot help; 429 (with its Retry-After), 408, 5xx, timeouts and refused connections
are transient, and the outbox worker retries them under its one policy. Nothing here logs a
request body, a description or a Patient ID: only method, path and status.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from adapters import metrics
from adapters.outbox_worker import CallFailed
from config import Settings

log = logging.getLogger(__name__)

PERMANENT = frozenset({400, 401, 403, 404, 405, 410, 422})
FIELDS = "sys_id,number,state,close_notes,correlation_id"


class ServiceNowFailed(CallFailed):
    """A ServiceNow call failed; `permanent` says whether trying again can help."""

    def count(self, kind: str) -> None:
        metrics.servicenow_failed(kind)


@dataclass(frozen=True)
class Record:
    sys_id: str
    number: str
    state: str
    close_notes: str = ""

    @classmethod
    def of(cls, row: object) -> Record:
        if not isinstance(row, dict) or not row.get("sys_id") or not row.get("number"):
            raise ServiceNowFailed("ServiceNow answered without a record", permanent=False)
        return cls(
            sys_id=str(row["sys_id"]),
            number=str(row["number"]),
            state=str(row.get("state") or ""),
            close_notes=str(row.get("close_notes") or ""),
        )


def _retry_after(headers: Any) -> float | None:
    try:
        value = headers.get("Retry-After")
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def classify(status: int, headers: Any = None) -> ServiceNowFailed:
    """The one place that decides whether a refused ServiceNow call may be tried again."""
    return ServiceNowFailed(
        f"ServiceNow HTTP {status}",
        permanent=status in PERMANENT,
        status=status,
        retry_after=_retry_after(headers),
    )


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


def encoded_query(equals: dict[str, str]) -> str:
    """`name=value` conditions joined by `^`, ServiceNow's AND. A `^` inside a value would start
    a condition of its own (`^NQ…` even a second query that matches other records), and the
    encoded-query syntax documents no escape for it, so such a value is refused, not escaped:
    a permanent failure on the jobs' one path, and no call is made. The values are case ids and
    numbers checked against SERVICENOW_PATTERN today; this holds whatever a caller passes."""
    for name, value in equals.items():
        if not _FIELD_NAME.fullmatch(name) or "^" in value:
            raise ServiceNowFailed("ServiceNow query refused: a field or value is not plain", permanent=True)
    return "^".join(f"{name}={value}" for name, value in equals.items())


def _basic_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class ServiceNowClient:
    """One instance's Table API, with OAuth client credentials or basic auth."""

    def __init__(self, settings: Settings) -> None:
        self._base = settings.servicenow_instance_url.rstrip("/")
        self._table = settings.servicenow_table
        self._timeout = aiohttp.ClientTimeout(total=settings.servicenow_timeout_seconds)
        self._client_id = settings.servicenow_client_id
        self._client_secret = settings.servicenow_client_secret
        self._basic = (
            _basic_header(settings.servicenow_user, settings.servicenow_password)
            if not self._client_id
            else None
        )
        self._token: tuple[str, float] | None = None  # (access token, monotonic expiry)
        self._token_lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout, raise_for_status=False)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- the Table API ---------------------------------------------------------------------------
    async def find(self, **equals: str) -> Record | None:
        """The first record whose fields equal `equals` (e.g. correlation_id=..., number=...)."""
        query = encoded_query(equals)
        params = {"sysparm_query": query, "sysparm_fields": FIELDS, "sysparm_limit": "1"}
        body = await self._call("find", "GET", f"/api/now/table/{self._table}", params=params)
        rows = body.get("result")
        if not isinstance(rows, list):
            raise ServiceNowFailed("ServiceNow answered a query without a result list", permanent=False)
        return Record.of(rows[0]) if rows else None

    async def get(self, sys_id: str) -> Record | None:
        try:
            body = await self._call(
                "get", "GET", f"/api/now/table/{self._table}/{sys_id}", params={"sysparm_fields": FIELDS}
            )
        except ServiceNowFailed as failure:
            if failure.status == 404:  # deleted in ServiceNow, or another table
                return None
            raise
        return Record.of(body.get("result"))

    async def create(self, fields: dict[str, str]) -> Record:
        body = await self._call(
            "create", "POST", f"/api/now/table/{self._table}", params={"sysparm_fields": FIELDS}, json=fields
        )
        return Record.of(body.get("result"))

    # --- one call, authenticated and classified ------------------------------------------------
    async def _call(self, operation: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        fresh = False
        while True:
            headers = {"Accept": "application/json"}
            if self._basic is None:
                headers["Authorization"] = f"Bearer {await self._access_token(renew=fresh)}"
            else:
                headers["Authorization"] = self._basic
            status, answer_headers, body = await self._request(
                operation, method, path, headers=headers, **kwargs
            )
            if status == 401 and self._basic is None and not fresh:
                fresh = True  # an expired or revoked token: one new one, then 401 is final
                continue
            if status >= 300:
                log.warning("ServiceNow %s %s answered %d", method, path.split("?")[0], status)
                raise classify(status, answer_headers)
            if not isinstance(body, dict):
                raise ServiceNowFailed("ServiceNow answered without JSON", permanent=False, status=status)
            return body

    async def _request(self, operation: str, method: str, path: str, **kwargs: Any) -> tuple[int, Any, Any]:
        metrics.servicenow_call(operation)
        try:
            async with self._http().request(method, self._base + path, **kwargs) as response:
                body = await response.json(content_type=None) if response.status < 300 else None
                return response.status, response.headers, body
        except TimeoutError:
            raise ServiceNowFailed("ServiceNow timed out", permanent=False) from None
        except ValueError:  # a 2xx whose body is not JSON (a proxy's page)
            raise ServiceNowFailed("ServiceNow answered without JSON", permanent=False) from None
        except (aiohttp.ClientError, OSError) as error:
            raise ServiceNowFailed(
                f"ServiceNow unreachable ({type(error).__name__})", permanent=False
            ) from None

    async def _access_token(self, *, renew: bool) -> str:
        async with self._token_lock:
            if self._token is not None and not renew and time.monotonic() < self._token[1]:
                return self._token[0]
            form = {
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            }
            status, headers, body = await self._request("token", "POST", "/oauth_token.do", data=form)
            if status >= 300:
                log.warning("ServiceNow refused the OAuth token request with %d", status)
                raise classify(status, headers)
            token = body.get("access_token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise ServiceNowFailed("ServiceNow's token answer has no access_token", permanent=False)
            lifetime = float(body.get("expires_in") or 1800)
            self._token = (token, time.monotonic() + max(30.0, lifetime - 60))
            return token
