"""Messages the bot starts itself: case threads, notifications, reminders.

Everything goes through stored conversation references (never memory only), within Teams' rate
limits per conversation, with backoff and jitter on 429 / 412 / 502 / 504. 403 (bot removed)
and 404 (conversation gone) are permanent: retrying them forever would only spam the logs.
An idempotency key makes a retried send (after a crash, a lease expiry) a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationParameters, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.bot_adapter import FixedCloudAdapter
from adapters.rate_limiter import ConversationRateLimiter
from domain.ports import DocumentStore, VersionConflict

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE = frozenset({412, 429, 502, 504})
PERMANENT = frozenset({403, 404})


class DeliveryFailed(Exception):
    def __init__(self, message: str, *, permanent: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status


def _status_of(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


class ProactiveSender:
    def __init__(
        self,
        adapter: FixedCloudAdapter,
        references: Any,
        documents: DocumentStore,
        app_id: str,
        *,
        attempts: int = 4,
        base_delay: float = 0.5,
    ) -> None:
        self._adapter = adapter
        self._references = references
        self._documents = documents
        self._app_id = app_id
        self._attempts = attempts
        self._base_delay = base_delay
        self._limiter = ConversationRateLimiter()

    async def _reference(self, key: str) -> ConversationReference:
        raw = await self._references.get(key)
        if raw is None:
            raise DeliveryFailed(f"no conversation reference for {key}", permanent=True)
        reference: ConversationReference = ConversationReference().deserialize(raw)
        return reference

    async def _retrying(self, conversation_id: str, call: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(1, self._attempts + 1):
            await self._limiter.wait(conversation_id)
            try:
                return await call()
            except (HttpOperationError, ClientRequestError) as error:
                status = _status_of(error)
                if status in PERMANENT:
                    raise DeliveryFailed(f"HTTP {status}", permanent=True, status=status) from None
                if (status not in RETRYABLE and status is not None) or attempt == self._attempts:
                    raise DeliveryFailed(f"HTTP {status}", permanent=False, status=status) from None
                delay = self._base_delay * 2 ** (attempt - 1) * (0.5 + random.random())
                log.info("send to a conversation got HTTP %s, retry %d in %.2fs", status, attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _once(self, idempotency_key: str | None, send: Callable[[], Awaitable[Any]]) -> Any:
        """Run `send` unless a send with this key already succeeded; then return its result.

        The marker is written after the send: a crash in between can repeat one message, which
        beats losing it."""
        if idempotency_key is None:
            return await send()
        marker = f"sent:{idempotency_key}"
        found = await self._documents.read([marker])
        if marker in found:
            return found[marker].get("result")
        result = await send()
        with contextlib.suppress(VersionConflict):  # another replica recorded the same send first
            await self._documents.write(
                {marker: {"result": list(result) if isinstance(result, tuple) else result}}
            )
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
        reference = await self._reference(channel_key)
        reference.conversation.id = conversation_id
        result: str | None = await self._once(idempotency_key, lambda: self._send(reference, activity))
        return result

    async def _send(self, reference: ConversationReference, activity: Activity) -> str:
        sent: list[str] = []

        async def logic(context: TurnContext) -> None:
            response = await context.send_activity(activity)
            sent.append(response.id if response else "")

        await self._retrying(
            reference.conversation.id,
            lambda: self._adapter.continue_conversation(reference, logic, self._app_id),
        )
        return sent[0]

    async def update(
        self, channel_key: str, conversation_id: str, activity_id: str, activity: Activity
    ) -> None:
        reference = await self._reference(channel_key)
        reference.conversation.id = conversation_id
        activity.id = activity_id
        activity.reply_to_id = None  # an update replaces the card in place; it answers nothing

        async def logic(context: TurnContext) -> None:
            await context.update_activity(activity)

        await self._retrying(
            conversation_id, lambda: self._adapter.continue_conversation(reference, logic, self._app_id)
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
            created: list[tuple[str, str]] = []

            async def logic(context: TurnContext) -> None:
                created.append((context.activity.conversation.id, context.activity.id))

            await self._retrying(
                channel_id,
                lambda: self._adapter.create_conversation(
                    self._app_id, logic, parameters, reference.channel_id, reference.service_url
                ),
            )
            return created[0]

        conversation_id, activity_id = await self._once(idempotency_key, create)
        return conversation_id, activity_id
