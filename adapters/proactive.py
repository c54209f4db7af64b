"""Messages the bot starts itself: case threads, notifications, reminders, card updates.

Everything goes through stored conversation references (never memory only) and within Teams'
rate limits per conversation. Each call is made ONCE here: a failure is classified (`classify`,
the one place that decides) and raised as DeliveryFailed — permanent (403, 404, "bot not in
conversation", no stored reference) or transient (429 with its Retry-After, 412, 5xx, timeouts,
refused connections). Retrying is the outbox worker's job alone (adapters/outbox_worker.py).

A send with an idempotency key claims a marker before it goes out and marks it done after, so
two replicas (or two outbox items) never both post it; see `_once` for what stays at-least-once.

The calls themselves go straight to the connector client (connector_calls.py): no bot turn, no
middleware, the same requests Teams received when botbuilder ran a proactive turn for each.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from botbuilder.schema import Activity, ChannelAccount, ConversationParameters, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters import metrics
from adapters.bot_adapter import FixedCloudAdapter
from adapters.connector_calls import ConnectorCalls
from adapters.outbox_scope import BatchReferences, current_item
from adapters.outbox_worker import CallFailed, RetryLater
from adapters.rate_limiter import ConversationRateLimiter
from domain.ports import SENT_MARKER_TTL, SendMarkers

log = logging.getLogger(__name__)
T = TypeVar("T")

PERMANENT = frozenset({400, 403, 404, 410})
PERMANENT_CODES = frozenset({"BotNotInConversationRoster", "ConversationNotFound", "BotDisabledByAdmin"})
DONE_TTL = SENT_MARKER_TTL  # longer than any retry of the job that sent it can run


class DeliveryFailed(CallFailed):
    """A proactive call failed; `permanent` says whether trying again can help."""

    def count(self, kind: str) -> None:
        metrics.delivery_failed(kind)


class SendInFlight(RetryLater):
    """Another replica (or outbox item) holds this send's claim right now: look again shortly;
    by then it is done (and this send is skipped) or the claim has expired."""


def _retry_after(response: Any) -> float | None:
    value = (getattr(response, "headers", None) or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error_code(error: HttpOperationError) -> str:
    inner = getattr(getattr(error, "error", None), "error", None)
    code = getattr(inner, "code", None)
    if code:
        return str(code)
    text = getattr(getattr(error, "response", None), "text", "") or ""
    if callable(text):  # connector_transport's response (a method, as msrest's); requests' is a str
        try:
            text = text()
        except (UnicodeDecodeError, ValueError):
            text = ""
    text = str(text)
    return next((known for known in PERMANENT_CODES if known in text), "")


def classify(error: BaseException) -> DeliveryFailed:
    """The one place that decides whether a failed proactive call may be tried again."""
    if isinstance(error, DeliveryFailed):
        return error
    if isinstance(error, HttpOperationError):
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
        code = _error_code(error)
        permanent = status in PERMANENT or code in PERMANENT_CODES
        described = f"HTTP {status}" + (f" {code}" if code and code != str(status) else "")
        return DeliveryFailed(
            described, permanent=permanent, status=status, retry_after=_retry_after(response)
        )
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return DeliveryFailed("timed out", permanent=False)
    if isinstance(error, ClientRequestError | ConnectionError | OSError):
        return DeliveryFailed(f"connection failed ({type(error).__name__})", permanent=False)
    # Anything else came from our own code or the SDK: not a delivery verdict, but retrying is
    # bounded by the worker's caps, so treat it as transient and let it dead-letter visibly.
    return DeliveryFailed(f"{type(error).__name__}: {error}", permanent=False)


class ProactiveSender:
    def __init__(
        self,
        adapter: FixedCloudAdapter,
        references: BatchReferences,
        markers: SendMarkers,
        app_id: str,
        *,
        timeout: float = 20.0,
        claim_ttl: timedelta = timedelta(minutes=2),
        locale: str | None = None,
    ) -> None:
        # The adapter's authentication makes the clients (app credentials, serviceUrl allow-list);
        # `locale` is LANGUAGE's pinned one (middleware.pinned_locale), None for "auto".
        self._connector = ConnectorCalls(
            adapter.bot_framework_authentication, app_id, adapter.transport, locale
        )
        self._references = references
        self._markers = markers
        self._timeout = timeout
        self._claim_ttl = claim_ttl  # the outbox lease: a dead claimer blocks a send this long
        self._limiter = ConversationRateLimiter()
        # A new thread is a new conversation: it counts against the app's 30 requests / s per
        # tenant, not against the channel's per-conversation windows.
        self._creates = ConversationRateLimiter(windows=((1.0, 30),))

    async def _reference(self, key: str, conversation_id: str | None = None) -> ConversationReference:
        """The reference kept under `key`, parsed once per outbox batch and shared, so never
        changed here (ConnectorCalls addresses copies); with `conversation_id` a copy addressed
        to that conversation (a thread of the channel)."""
        reference = await self._references.parsed(key)
        if reference is None:
            raise DeliveryFailed(f"no conversation reference for {key}", permanent=True)
        if conversation_id is None:
            return reference
        addressed = copy.copy(reference)
        addressed.conversation = copy.copy(reference.conversation)
        addressed.conversation.id = conversation_id
        return addressed

    async def _call(self, operation: str, conversation_id: str | None, call: Callable[[], Awaitable[T]]) -> T:
        """One attempt, classified. The timeout also bounds a connector that never answers."""
        await self._record_sent()
        if conversation_id is not None:
            await self._limiter.wait(conversation_id)
        started = time.perf_counter()
        try:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for loses a cancellation (the
            # worker being stopped) that arrives as the call finishes (CPython gh-86296).
            async with asyncio.timeout(self._timeout):
                result = await call()
        except Exception as error:
            raise classify(error) from None
        metrics.delivered(operation, time.perf_counter() - started)
        return result

    async def _record_sent(self) -> None:
        """Record the running item's earlier sends before any other call to Teams goes out. A send
        with a key records them with its claim (`_once`); a card update or a send without a key
        has no claim, and a replica killed while it was in flight would leave them unrecorded, so
        they would go out again once their claims expired (a repeated "taken" notice, when the
        kill caught the card update that follows it)."""
        scope = current_item()
        if scope is None or not scope.sent:
            return
        pending = scope.take_sent()
        try:
            for key, result in pending.items():
                await self._markers.done(key, result, DONE_TTL)
        except BaseException:
            scope.sent.update(pending)  # still to be recorded, with the item's settlement
            raise

    async def _once(self, idempotency_key: str | None, send: Callable[[], Awaitable[Any]]) -> Any:
        """Run `send` unless a send with this key is done (then return its result) or in flight.

        Claim first (one round trip that also tells a done send from one in flight), send, then
        mark done — in an outbox job, with the item's settlement, the job's next claim or just
        before its next call to Teams (`_record_sent`, outbox_scope.py), so no other call comes
        between. A failed send releases its claim so a retry may send. At-least-once remains in
        two windows: a replica killed after Teams accepted the message but before `done` was
        written (the claim expires after `claim_ttl`, a retry sends again), and a call that timed
        out although Teams had accepted it."""
        if idempotency_key is None:
            return await send()
        scope = current_item()
        pending = scope.take_sent() if scope is not None else {}
        try:
            claim = await self._markers.claim_or_lookup(
                idempotency_key, self._claim_ttl, done=pending, done_ttl=DONE_TTL
            )
        except BaseException:
            if scope is not None:
                scope.sent.update(pending)  # still to be recorded, with the item's settlement
            raise
        if claim.token is None:
            if claim.found is not None and claim.found[0] == "done":
                return claim.found[1]
            raise SendInFlight("the same message is being sent elsewhere", delay=timedelta(seconds=5))
        try:
            result = await send()
        except asyncio.CancelledError:
            # Shutting down: free the claim if the store still answers (else it expires after
            # `claim_ttl`), but the cancellation must reach the worker, never a store error.
            try:
                await self._markers.release(idempotency_key, claim.token)
            except Exception as error:
                log.warning("send %s cancelled; its claim stays until it expires: %s", idempotency_key, error)
            raise
        except BaseException:
            await self._markers.release(idempotency_key, claim.token)
            raise
        stored = list(result) if isinstance(result, tuple) else result
        if scope is not None:
            scope.sent[idempotency_key] = stored
        else:
            await self._markers.done(idempotency_key, stored, DONE_TTL)
        return result

    async def send(
        self, reference_key: str, activity: Activity, *, idempotency_key: str | None = None
    ) -> str | None:
        """Send `activity` to the conversation stored under `reference_key`; its id."""
        reference = await self._reference(reference_key)
        result: str | None = await self._once(idempotency_key, lambda: self._send(reference, activity))
        return result

    async def reply_in_thread(
        self,
        channel_key: str,
        conversation_id: str,
        activity: Activity,
        *,
        idempotency_key: str | None = None,
    ) -> str | None:
        reference = await self._reference(channel_key, conversation_id)
        result: str | None = await self._once(idempotency_key, lambda: self._send(reference, activity))
        return result

    async def _send(self, reference: ConversationReference, activity: Activity) -> str | None:
        return await self._call(
            "send", reference.conversation.id, lambda: self._connector.send(reference, activity)
        )

    async def update(
        self, channel_key: str, conversation_id: str, activity_id: str, activity: Activity
    ) -> None:
        """Replace the card `activity_id` of a thread with `activity`."""
        reference = await self._reference(channel_key, conversation_id)
        await self._call(
            "update", conversation_id, lambda: self._connector.update(reference, activity_id, activity)
        )

    async def start_thread(
        self, channel_key: str, activity: Activity, *, idempotency_key: str | None = None
    ) -> tuple[str, str]:
        """Post `activity` as a new thread in a channel: (conversation id, activity id)."""
        reference = await self._reference(channel_key)
        channel_id = channel_key.split(":", 1)[1]
        parameters = ConversationParameters(
            is_group=True,
            bot=ChannelAccount(id=reference.bot.id, name=reference.bot.name),
            channel_data={"channel": {"id": channel_id}},
            activity=activity,
            tenant_id=reference.conversation.tenant_id,
        )

        async def create() -> tuple[str, str]:
            await self._creates.wait(str(reference.conversation.tenant_id or ""))
            return await self._call(
                "create", None, lambda: self._connector.create(reference.service_url or "", parameters)
            )

        conversation_id, activity_id = await self._once(idempotency_key, create)
        return conversation_id, activity_id
