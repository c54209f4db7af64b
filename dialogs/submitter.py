"""Who is filing: the person behind a 1:1 message, with her UPN from Teams when Teams gives it.

The UPN comes from Teams' member info (a connector call: an HTTP round trip to Teams and a
connector client's (de)serialisation, up to UPN_LOOKUP_SECONDS of waiting) and is only needed
for the case card's call link. A person files a few cases at most in a row, so each replica
remembers the answer for a while instead of asking Teams on every *Skicka*: a UPN for an hour,
a failed lookup (no member info, no permission, a timeout) for ten minutes, so a connector that
cannot answer is not asked, and waited for, on each case.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from domain.case import Person

log = logging.getLogger(__name__)

UPN_LOOKUP_SECONDS = 2.0
UPN_KEPT_SECONDS = 3600.0  # a UPN changes with a name change, rarely; the card then shows the old
FAILURE_KEPT_SECONDS = 600.0
MAX_PEOPLE = 10_000  # bounded memory: forget everyone when full (they are asked again)


def submitter_of(context: TurnContext) -> Person:
    user = context.activity.from_property
    return Person(id=user.id, name=user.name or "", aad_id=user.aad_object_id or "")


class UpnLookup:
    """The submitter with her UPN (Teams documents the call link as `users=<UPN>`); best effort:
    without it the link uses the Entra id."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._known: dict[str, tuple[float, str]] = {}  # person id -> (valid until, UPN or "")

    async def submitter(self, context: TurnContext) -> Person:
        person = submitter_of(context)
        now = self._clock()
        known = self._known.get(person.id)
        if known is not None and known[0] > now:
            upn = known[1]
        else:
            upn = await self._ask_teams(context, person.id)
            if len(self._known) >= MAX_PEOPLE:
                self._known.clear()
            kept = UPN_KEPT_SECONDS if upn else FAILURE_KEPT_SECONDS
            self._known[person.id] = (now + kept, upn)
        # Validated, not model_copy: Person drops a UPN that holds an identity number.
        return Person.model_validate({**person.model_dump(), "upn": upn}) if upn else person

    @staticmethod
    async def _ask_teams(context: TurnContext, person_id: str) -> str:
        try:
            async with asyncio.timeout(UPN_LOOKUP_SECONDS):
                member = await TeamsInfo.get_member(context, person_id)
        except Exception as error:  # a connector without member info, a timeout, no permission
            log.info("no UPN for the submitter (%s); the call link uses the Entra id", type(error).__name__)
            return ""
        return str(getattr(member, "user_principal_name", "") or "")
