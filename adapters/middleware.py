"""Middleware that runs before the bot sees an activity: tenant check, identity guard, retries.

Order matters: the tenant check and the identity guard run first, so a refused activity never
reaches state, storage or a log line; de-duplication only records activity ids.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from botbuilder.core import InvokeResponse, Middleware, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from adapters.guard_fields import inbound_fields, mask_names
from domain.identity_guard import scan_value
from domain.ports import SeenActivities
from messages import text

log = logging.getLogger(__name__)

Next = Callable[[], Awaitable[None]]
PINNED_LOCALES = {"sv": "sv-SE", "en": "en-US"}


def pinned_locale(language: str) -> str | None:
    """The locale LANGUAGE pins replies to (proactive sends too), None for "auto"."""
    return PINNED_LOCALES.get(language)


def _channel_tenant(activity: Activity) -> str:
    if activity.conversation is not None and activity.conversation.tenant_id:
        return str(activity.conversation.tenant_id)
    tenant = (activity.channel_data or {}).get("tenant") if isinstance(activity.channel_data, dict) else None
    return str(tenant.get("id", "")) if isinstance(tenant, dict) else ""


async def answer(context: TurnContext, message: str) -> None:
    """Tell the user something; for an invoke also answer it, so Teams shows the text and the
    card stays as it was instead of showing an error."""
    if context.activity.type == ActivityTypes.invoke:
        body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": message}
        await context.send_activity(
            Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body))
        )
    else:
        await context.send_activity(message)


class LanguageMiddleware(Middleware):
    """Pins the reply language when configured (the Agents Playground always says en-US)."""

    def __init__(self, language: str) -> None:
        self._locale = PINNED_LOCALES[language]

    async def on_turn(self, context: TurnContext, logic: Next) -> None:
        context.activity.locale = self._locale
        await logic()


class TenantMiddleware(Middleware):
    """JWT validation never checks the tenant (see PLATFORM-NOTES); we do, with credentials on."""

    def __init__(self, allowed_tenant_ids: list[str]) -> None:
        self._allowed = frozenset(allowed_tenant_ids)

    async def on_turn(self, context: TurnContext, logic: Next) -> None:
        tenant = _channel_tenant(context.activity)
        # Every turn is inbound (proactive sends run no turn: connector_calls.py), so none is exempt.
        if tenant in self._allowed:
            await logic()
            return
        log.warning("refused activity from tenant %r (type %s)", tenant, context.activity.type)
        if context.activity.type in (ActivityTypes.message, ActivityTypes.invoke):
            await answer(context, text("error_tenant", context.activity.locale))


def refusal_key(activity: Activity) -> str:
    """Who reads the refusal: staff in their 1:1 chat; an admin on a case card (an invoke, shown
    by Teams as plain text, so no markdown) or in a channel, who is never 'phoned by förvaltningen'."""
    if activity.type == ActivityTypes.invoke:
        return "guard_refused_card"
    conversation_type = activity.conversation.conversation_type if activity.conversation else None
    return "guard_refused" if conversation_type in (None, "personal") else "guard_refused_channel"


class IdentityGuardMiddleware(Middleware):
    """Masks identity numbers in names; stops any activity whose typed content carries one.

    `after_refusal` runs once the refusal is sent (the content is gone by then): the 1:1 chat
    uses it to ask its open question again.
    """

    def __init__(self, after_refusal: Callable[[TurnContext], Awaitable[None]] | None = None) -> None:
        self.after_refusal = after_refusal

    async def on_turn(self, context: TurnContext, logic: Next) -> None:
        masked = mask_names(context.activity)
        if masked:  # the fields, never their content
            log.info("identity guard masked a number in %s", ", ".join(masked))
        hit = next((h for h in map(scan_value, inbound_fields(context.activity)) if h), None)
        if hit is None:
            await logic()
            return
        # Log the fact, never the content: kind and activity type only.
        log.info("identity guard refused an activity (%s, %s)", hit.kind, context.activity.type)
        _forget_content(context.activity)
        await answer(context, text(refusal_key(context.activity), context.activity.locale))
        if self.after_refusal is not None:
            await self.after_refusal(context)


def _forget_content(activity: Activity) -> None:
    # Nothing downstream runs, but drop the text anyway so no error path can log it.
    activity.text = activity.summary = activity.speak = None
    activity.value = None
    activity.attachments = []
    activity.entities = []


class DeduplicationMiddleware(Middleware):
    """Teams re-delivers an activity (same id) when a turn is slow; act on it once."""

    _DEDUPLICATED = frozenset(
        {ActivityTypes.message, ActivityTypes.conversation_update, ActivityTypes.installation_update}
    )

    def __init__(
        self, seen: SeenActivities, ttl: timedelta = timedelta(hours=24), prefetch: Prefetch | None = None
    ) -> None:
        self._seen = seen
        self._ttl = ttl
        self._prefetch = prefetch

    async def on_turn(self, context: TurnContext, logic: Next) -> None:
        activity = context.activity
        if activity.id and activity.type in self._DEDUPLICATED:
            key = f"{activity.conversation.id if activity.conversation else ''}|{activity.id}"
            documents = self._prefetch.prefetch_keys(context) if self._prefetch is not None else []
            if documents:  # the turn's state comes back with the mark (one round trip on Redis)
                first, found = await self._seen.first_seen_then_read(key, self._ttl, documents)
            else:
                first, found = await self._seen.first_seen(key, self._ttl), {}
            if not first:
                log.info("dropped a re-delivered %s activity", activity.type)
                return
            if documents and self._prefetch is not None:
                self._prefetch.adopt(context, found)
        await logic()


class Prefetch(Protocol):
    """Documents a turn will read, fetched together with its de-duplication mark (TurnStates)."""

    def prefetch_keys(self, context: TurnContext) -> list[str]: ...

    def adopt(self, context: TurnContext, found: dict[str, dict[str, Any]]) -> None: ...
