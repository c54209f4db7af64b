"""Per-user and per-conversation limits on messages and card clicks, with bounded memory.

One user once filed 100 cases in 4 s and nothing slowed them down. Each person and each
conversation gets a fixed window (default a minute) with a cap on turns; past it the user is told
once per window, in Swedish, to wait, and further turns are dropped quietly (answering each one
would spend Teams' own per-conversation send limits). The counters live in this replica only and
are forgotten once their window has passed, so memory follows the active users, not every user
ever seen. The hourly cap on filed cases is kept in the store (CaseService), across replicas.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import ActivityTypes

from adapters.middleware import Next, answer
from messages import text

log = logging.getLogger(__name__)


@dataclass
class _Window:
    started: float
    count: int = 0
    told: bool = False


class FixedWindows:
    """Turn counters per key; an entry whose window ended is dropped on the next sweep."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._windows: OrderedDict[str, _Window] = OrderedDict()  # least recently started first

    def __len__(self) -> int:
        return len(self._windows)

    def hit(self, key: str) -> _Window:
        now = self._clock()
        self._sweep(now)
        current = self._windows.get(key)
        if current is None or now - current.started >= self.window:
            current = self._windows[key] = _Window(now)
            self._windows.move_to_end(key)
        current.count += 1
        return current

    def _sweep(self, now: float) -> None:
        # Entries are ordered by window start, so the expired ones are all at the front.
        while self._windows:
            first = next(iter(self._windows.values()))
            if now - first.started < self.window and len(self._windows) < self.max_keys:
                return
            self._windows.popitem(last=False)


class TurnLimitMiddleware(Middleware):
    """Drops messages and card clicks past a person's or a conversation's limit."""

    _LIMITED = frozenset({ActivityTypes.message, ActivityTypes.invoke})

    def __init__(
        self,
        per_user: FixedWindows,
        per_conversation: FixedWindows,
        refresh_verbs: frozenset[str] = frozenset(),
    ) -> None:
        self.per_user = per_user
        self.per_conversation = per_conversation
        # Teams sends a card-refresh invoke for every card an admin scrolls past: those are not
        # the person's own turns, so they have a separate, ten times larger budget.
        self.refresh_verbs = refresh_verbs
        self.refreshes = FixedWindows(per_user.limit * 10, per_user.window, max_keys=per_user.max_keys)

    async def on_turn(self, context: TurnContext, logic: Next) -> None:
        activity = context.activity
        if activity.type not in self._LIMITED:
            await logic()
            return
        if _verb(activity.value) in self.refresh_verbs:
            refresh = self.refreshes.hit(f"user:{activity.from_property.id}")
            await self._limited(
                context, logic, refresh if refresh.count > self.refreshes.limit else None, "refresh"
            )
            return
        user = self.per_user.hit(f"user:{activity.from_property.id}")
        conversation = self.per_conversation.hit(f"conversation:{activity.conversation.id.split(';')[0]}")
        over = next(
            (
                w
                for w, cap in ((user, self.per_user.limit), (conversation, self.per_conversation.limit))
                if w.count > cap
            ),
            None,
        )
        await self._limited(context, logic, over, "user" if over is user else "conversation")

    async def _limited(self, context: TurnContext, logic: Next, over: _Window | None, what: str) -> None:
        if over is None:
            await logic()
            return
        activity = context.activity
        if over.told and activity.type != ActivityTypes.invoke:
            return  # told once this window; an invoke always needs an answer
        log.warning("turn limit reached (%s; %d in the window); the user was asked to wait", what, over.count)
        over.told = True
        await answer(context, text("error_too_many_turns", activity.locale))


def _verb(value: object) -> str | None:
    action = value.get("action") if isinstance(value, dict) else None
    verb = action.get("verb") if isinstance(action, dict) else None
    return verb if isinstance(verb, str) else None
