"""Conversation and user state in one store read and at most one store write per turn.

botbuilder's ConversationState and UserState each read their own document on first use and
write it at the end of the turn if `CachedBotState.is_changed` says so. That costs two reads and
up to two writes per message, plus jsonpickle four times per state: a "hash" of the state when it
is read, another when it is saved, the flattening for the write, and the hash again after it.

`TurnStates` keeps botbuilder's classes and accessors (dialogs use them unchanged) but:
- the first access to either state reads both documents in one `DocumentStore.read`;
- `save` flattens each state once, compares that with the document it was read as (a dict
  compare in C, no extra jsonpickle), and writes only the changed ones, all in one
  `DocumentStore.write` (one transaction / one Lua script, with the usual eTag checks).

The de-duplication middleware may fetch both documents in the same store call as its mark
(`prefetch_keys` / `adopt`): a personal-chat message then costs no separate state read.

Behaviour is botbuilder's, with one deliberate difference: a state that is empty is not read
again on every access (stock BotState re-reads it each time), since within a turn nothing else
writes it.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import BotState, ConversationState, TurnContext, UserState
from botbuilder.core.bot_state import CachedBotState
from botbuilder.schema import ActivityTypes

from adapters.bot_storage import BotStorage, flatten, restore
from domain.ports import DocumentStore


class _Cached(CachedBotState):
    """botbuilder's per-turn cache entry; `hash` holds the flattened state as last read or
    written (jsonpickle's flatten of a restored document gives that document back)."""

    def __init__(self, state: dict[str, Any] | None, stored: dict[str, Any] | None) -> None:
        self.state = state if state is not None else {}
        self.hash = stored

    @property
    def is_changed(self) -> bool:
        return bool(self.hash != flatten(self.state))


class TurnStates:
    """The bot's ConversationState and UserState, loaded together and saved together."""

    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents
        storage = BotStorage(documents)
        self.conversation: ConversationState = _PooledConversationState(storage, self)
        self.user: UserState = _PooledUserState(storage, self)
        self._states: tuple[BotState, ...] = (self.conversation, self.user)

    async def load(self, context: TurnContext, only: BotState | None = None) -> None:
        """Read every state of this turn not read yet (or just `only`) in one store call."""
        keys: dict[str, BotState] = {}
        for state in (only,) if only is not None else self._states:
            if only is None and state.get_cached_state(context) is not None:
                continue
            try:
                keys[state.get_storage_key(context)] = state
            except (TypeError, AttributeError):
                if state is only:  # botbuilder's own error (no conversation, no sender)
                    raise
        found = await self._documents.read(list(keys)) if keys else {}
        self._cache(context, keys, found)

    def prefetch_keys(self, context: TurnContext) -> list[str]:
        """The documents a personal-chat message will read (its dialog and the person's
        remembered answers), for the middleware to fetch with its de-duplication mark."""
        activity = context.activity
        if activity.type != ActivityTypes.message or activity.conversation is None:
            return []
        if activity.conversation.conversation_type != "personal":
            return []  # channel commands and card clicks keep no bot state
        return list(self._uncached(context))

    def adopt(self, context: TurnContext, found: dict[str, dict[str, Any]]) -> None:
        """Cache the documents `prefetch_keys` named, as `load` would have read them."""
        self._cache(context, self._uncached(context), found)

    def _uncached(self, context: TurnContext) -> dict[str, BotState]:
        keys: dict[str, BotState] = {}
        for state in self._states:
            if state.get_cached_state(context) is not None:
                continue
            try:
                keys[state.get_storage_key(context)] = state
            except (TypeError, AttributeError):  # no conversation or sender: load reports it
                continue
        return keys

    @staticmethod
    def _cache(context: TurnContext, keys: dict[str, BotState], found: dict[str, dict[str, Any]]) -> None:
        for key, state in keys.items():
            document = found.get(key)
            cached = _Cached(restore(document) if document else None, document)
            context.turn_state[state._context_service_key] = cached  # botbuilder keeps the cache there

    async def save(self, context: TurnContext, *, force: bool = False, only: BotState | None = None) -> None:
        """Write the states that changed this turn (all, with `force`) in one store call."""
        changes: dict[str, dict[str, Any]] = {}
        written: list[tuple[CachedBotState, dict[str, Any]]] = []
        for state in (only,) if only is not None else self._states:
            cached = state.get_cached_state(context)
            if cached is None:
                continue  # never touched this turn
            flat = flatten(cached.state)
            if force or flat != cached.hash:  # a stock CachedBotState's str hash never equals
                changes[state.get_storage_key(context)] = flat
                written.append((cached, flat))
        if changes:
            await self._documents.write(changes)
        for cached, flat in written:
            cached.hash = flat


class _Pooled:
    """What both pooled states change in BotState: load and save go through their TurnStates."""

    _pool: TurnStates

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        state: Any = self
        if force:
            await self._pool.load(turn_context, only=state)
        elif state.get_cached_state(turn_context) is None:
            await self._pool.load(turn_context)
            if state.get_cached_state(turn_context) is None:  # no key: botbuilder's own error
                await self._pool.load(turn_context, only=state)

    async def save_changes(self, turn_context: TurnContext, force: bool = False) -> None:
        state: Any = self
        await self._pool.save(turn_context, force=force, only=state)


class _PooledConversationState(_Pooled, ConversationState):
    def __init__(self, storage: BotStorage, pool: TurnStates) -> None:
        super().__init__(storage)
        self._pool = pool


class _PooledUserState(_Pooled, UserState):
    def __init__(self, storage: BotStorage, pool: TurnStates) -> None:
        super().__init__(storage)
        self._pool = pool
