"""Prometheus metrics: every metric of the bot is declared here, in one registry.

Counters are per process (per replica), as Prometheus expects; Prometheus adds the instance.
The outbox gauges are read from the store at scrape time, so every replica reports the same
shared backlog. Other modules call the small hooks below (`delivered`, `delivery_failed`, `dead_lettered`,
`reminder_sent`, `servicenow_*`) instead of touching metric objects. No metric carries text a person typed,
a name, a Patient ID or a case number: labels are activity types, outcomes and job kinds.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web
from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import ActivityTypes
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    ProcessCollector,
    generate_latest,
)

from adapters.logging_setup import log_context
from config import Settings
from domain.ports import DueIndex, StoreUnavailable

Next = Callable[[], Awaitable[None]]

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # memory, CPU, open files of this replica

TURNS = Counter(
    "sid_turns",
    "Turns handled, by activity type and outcome (ok, error, guard_refused, tenant_refused, duplicate, "
    "rate_limited).",
    ["type", "outcome"],
    registry=REGISTRY,
)
TURN_SECONDS = Histogram(
    "sid_turn_duration_seconds",
    "Time from the first middleware to the end of a turn. Teams retries after ~15 s; card actions "
    "should answer within 5 s.",
    ["type"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0),
    registry=REGISTRY,
)
GUARD_REFUSALS = Counter(
    "sid_guard_refusals",
    "Activities the identity guard stopped (a count only: never what or whose).",
    registry=REGISTRY,
)
OUTBOX_DUE = Gauge(
    "sid_outbox_due_items",
    "Outbox items and reminders due now and not claimed (the backlog; shared by all replicas).",
    registry=REGISTRY,
)
OUTBOX_SCHEDULED = Gauge(
    "sid_outbox_scheduled_items", "Every item in the due index, future reminders included.", registry=REGISTRY
)
OUTBOX_OLDEST_AGE = Gauge(
    "sid_outbox_oldest_due_age_seconds",
    "How long the longest-waiting due item has been due; 0 when nothing waits. Rising = stuck.",
    registry=REGISTRY,
)
STORE_UP = Gauge("sid_store_up", "1 when the store answered the last scrape, else 0.", registry=REGISTRY)
# The running version, here and not on the unauthenticated /healthz: a version on a public
# endpoint tells a scanner which known flaws to try; /metrics needs METRICS_TOKEN outside local mode.
BUILD = Info("sid_build", "The version this replica runs (the value is 1).", registry=REGISTRY)
DELIVERY_FAILURES = Counter(
    "sid_delivery_failures",
    "Proactive sends that failed, by kind: permanent (403/404, no reference: not retried) or "
    "transient (429, 412, 5xx, timeouts: retried).",
    ["kind"],
    registry=REGISTRY,
)
DELIVERY_SECONDS = Histogram(
    "sid_delivery_duration_seconds",
    "Proactive calls Teams accepted (its _count), by operation (send, update, create), and how long "
    "each took, the connector's answer included. Not turns: the bot starts no turn to send.",
    ["operation"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0),
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "sid_dead_letters",
    "Outbox items given up after the retry cap, by job kind (each one also posts a note).",
    ["job"],
    registry=REGISTRY,
)
REMINDERS_SENT = Counter(
    "sid_reminders_sent",
    "Reminder items handled (sent to every recipient reachable), by kind.",
    ["kind"],
    registry=REGISTRY,
)

SERVICENOW_CALLS = Counter(
    "sid_servicenow_calls",
    "HTTP calls to ServiceNow, by operation (token, find, get, create); each try counts.",
    ["operation"],
    registry=REGISTRY,
)
SERVICENOW_FAILURES = Counter(
    "sid_servicenow_failures",
    "ServiceNow calls that failed, by kind: permanent (400/401/403/404: a setting or permission, "
    "or a record deleted in ServiceNow; not retried) or transient (429, 5xx, timeouts, refused "
    "connections, an answer without a record: retried).",
    ["kind"],
    registry=REGISTRY,
)
SERVICENOW_TICKETS = Counter(
    "sid_servicenow_tickets",
    "Vendor records, by what the bot learned: created (by the bot), resolved (the vendor's answer "
    "recorded on the case), orphaned (created while an admin typed another number by hand: the "
    "thread asks an admin to close it in ServiceNow).",
    ["outcome"],
    registry=REGISTRY,
)

_TYPES = frozenset(
    {
        ActivityTypes.message,
        ActivityTypes.invoke,
        ActivityTypes.conversation_update,
        ActivityTypes.installation_update,
        ActivityTypes.message_reaction,
        ActivityTypes.event,
    }
)
_OUTCOME = "sid.metrics.outcome"


def delivery_failed(kind: str) -> None:
    """A proactive send failed; `kind` is "permanent" or "transient"."""
    DELIVERY_FAILURES.labels(kind).inc()


def delivered(operation: str, seconds: float) -> None:
    """A proactive call ("send", "update" or "create") that Teams accepted, and its duration."""
    DELIVERY_SECONDS.labels(operation).observe(seconds)


def dead_lettered(job: str) -> None:
    """An outbox item of job kind `job` was given up (dead letter)."""
    DEAD_LETTERS.labels(job).inc()


def reminder_sent(kind: str) -> None:
    REMINDERS_SENT.labels(kind).inc()


def servicenow_call(operation: str) -> None:
    """One HTTP call to ServiceNow: "token", "find", "get" or "create"."""
    SERVICENOW_CALLS.labels(operation).inc()


def servicenow_failed(kind: str) -> None:
    """A ServiceNow call failed; `kind` is "permanent" or "transient"."""
    SERVICENOW_FAILURES.labels(kind).inc()


def servicenow_ticket(outcome: str) -> None:
    """A vendor record was "created", "resolved" (its answer recorded) or "orphaned" (extra)."""
    SERVICENOW_TICKETS.labels(outcome).inc()


def turn_type(context: TurnContext) -> str:
    activity = context.activity
    return str(activity.type) if activity.type in _TYPES else "other"


def conversation_kind(context: TurnContext) -> str:
    conversation = context.activity.conversation
    kind = conversation.conversation_type if conversation is not None else None
    return str(kind) if kind in ("personal", "channel", "groupChat") else "other"


class TurnMetricsMiddleware(Middleware):
    """First in the pipeline: times each turn, counts its outcome and sets the log context
    (activity id, conversation kind) for every line logged during the turn."""

    async def on_turn(self, context: TurnContext, logic: Next) -> None:
        kind, started = turn_type(context), time.perf_counter()
        with log_context(activity_id=str(context.activity.id or ""), conversation=conversation_kind(context)):
            try:
                await logic()
            except BaseException:
                context.turn_state[_OUTCOME] = "error"
                raise
            finally:
                TURNS.labels(kind, context.turn_state.get(_OUTCOME, "ok")).inc()
                TURN_SECONDS.labels(kind).observe(time.perf_counter() - started)


class CountStops(Middleware):
    """Wraps a middleware that may end a turn early (tenant check, guard, de-duplication) and
    records `outcome` for the turn when it did not call the rest of the pipeline."""

    def __init__(self, inner: Middleware, outcome: str) -> None:
        self._inner = inner
        self._outcome = outcome

    async def on_turn(self, context: TurnContext, logic: Next) -> None:
        reached = False

        async def rest() -> None:
            nonlocal reached
            reached = True
            await logic()

        await self._inner.on_turn(context, rest)
        if not reached:
            context.turn_state[_OUTCOME] = self._outcome
            if self._outcome == "guard_refused":
                GUARD_REFUSALS.inc()


def build_info(version: str) -> None:
    """`sid_build_info{version="…"} 1`, set when the app is built."""
    BUILD.info({"version": version})


async def scrape(settings: Settings, authorization: str, due: DueIndex, now: datetime) -> web.Response:
    """GET /metrics. Counts only, but case volumes of protected patients are not for the
    internet: the ingress is public (Teams must reach /api/messages), so outside local mode
    the scraper must send the token, and without METRICS_TOKEN the route does not exist."""
    if not settings.local_mode:
        if not settings.metrics_token:
            raise web.HTTPNotFound()
        expected = f"Bearer {settings.metrics_token}".encode()
        if not hmac.compare_digest(authorization.encode(), expected):
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": "Bearer"})
    return web.Response(body=await render(due, now), headers={"Content-Type": CONTENT_TYPE_LATEST})


async def render(due: DueIndex, now: datetime) -> bytes:
    """The exposition text, with the outbox gauges read from the store first."""
    try:
        backlog = await due.backlog(now)
    except StoreUnavailable:
        STORE_UP.set(0)
        for gauge in (OUTBOX_DUE, OUTBOX_SCHEDULED, OUTBOX_OLDEST_AGE):
            gauge.set(float("nan"))  # unknown, not zero: an alert on "stuck" must not clear
    else:
        STORE_UP.set(1)
        OUTBOX_DUE.set(backlog.due)
        OUTBOX_SCHEDULED.set(backlog.scheduled)
        oldest = backlog.oldest_due_at
        OUTBOX_OLDEST_AGE.set(max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)
    return generate_latest(REGISTRY)
