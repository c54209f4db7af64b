"""Who the central LifeCare SP team is and where it works.

Admins come from the configuration (Teams user ids or Entra object ids, optionally `id=Name`).
Their Teams ids and names, needed for `refresh.userIds` and the reassign list, are learned as
they act and from the channel's members when it is linked, and kept in the document store.
The central channel is configured or linked at runtime (`koppla kanal`); the link wins.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.outbox_scope import batch_forget, batch_read
from adapters.store_keys import DocumentKeys
from config import Settings
from domain.case import Case, OrgKind, Person, Status
from domain.ports import DocumentStore, VersionConflict, channel_reference_key

log = logging.getLogger(__name__)

CENTRAL_CHANNEL_KEY = DocumentKeys.central_channel()
ADMIN_ROSTER_KEY = DocumentKeys.admin_roster()


@dataclass(frozen=True)
class ChannelBinding:
    channel_id: str
    team_id: str = ""

    @property
    def reference_key(self) -> str:
        return channel_reference_key(self.channel_id)


def parse_people(entries: Iterable[str]) -> dict[str, str]:
    """`["29:a=Karin Holm", "0000-aad"]` → {"29:a": "Karin Holm", "0000-aad": ""}."""
    people: dict[str, str] = {}
    for entry in entries:
        key, _, name = entry.partition("=")
        if key.strip():
            people[key.strip()] = name.strip()
    return people


def channel_of_thread(conversation_id: str) -> str:
    """A channel thread's conversation id is "<channel id>;messageid=<root>"."""
    return conversation_id.split(";", 1)[0]


class CentralTeam:
    def __init__(self, settings: Settings, documents: DocumentStore) -> None:
        self._settings = settings
        self._documents = documents
        self._leads = parse_people(settings.admin_lead_ids)
        self._admins = {**parse_people(settings.admin_ids), **self._leads}
        self._forwarders = parse_people(settings.municipal_admin_ids)
        # The configured admins with a Teams id (a bare Entra id needs learning first), made
        # once: every click and card update asks for the admins (a Person each, guard and all).
        self._configured = tuple(
            Person(id=key, name=name or key) for key, name in self._admins.items() if ":" in key
        )

    def is_central_team(self, team_id: str, aad_group_id: str = "") -> bool:
        """With CENTRAL_TEAM_ID set, only that team (its thread id or its Entra group id)."""
        wanted = self._settings.central_team_id
        return not wanted or wanted in {team_id, aad_group_id}

    @property
    def has_admins(self) -> bool:
        return bool(self._admins)

    @staticmethod
    def _listed(person: Person, listed: dict[str, str]) -> bool:
        return any(key and key in listed for key in (person.id, person.aad_id))

    def is_admin(self, person: Person) -> bool:
        return self._listed(person, self._admins)

    def is_lead(self, person: Person) -> bool:
        return self._listed(person, self._leads)

    def may_forward(self, person: Person) -> bool:
        """Forwarding from a municipality's channel: its administrators, or a central admin."""
        return self.is_admin(person) or self._listed(person, self._forwarders)

    # --- where cases go ------------------------------------------------------------------------
    async def central_channel(self) -> ChannelBinding | None:
        doc = await batch_read(self._documents, CENTRAL_CHANNEL_KEY)  # once per outbox batch
        if doc is not None:
            return ChannelBinding(str(doc["channel_id"]), str(doc.get("team_id", "")))
        if self._settings.central_channel_id:
            return ChannelBinding(self._settings.central_channel_id, self._settings.central_team_id)
        return None

    async def bind(self, binding: ChannelBinding, by: Person, at: datetime) -> None:
        doc = {
            "channel_id": binding.channel_id,
            "team_id": binding.team_id,
            "bound_by": by.id,
            "bound_at": at.isoformat(),
        }
        await self._documents.write({CENTRAL_CHANNEL_KEY: doc})
        batch_forget(("document", CENTRAL_CHANNEL_KEY))
        log.info("central channel linked by an admin (team %s)", binding.team_id or "?")

    def municipal_channel(self, case: Case) -> str | None:
        if (
            not self._settings.municipal_channels_enabled
            or case.organisation.kind is not OrgKind.MUNICIPALITY
        ):
            return None
        return self._settings.municipal_channels.get(case.organisation.name)

    async def home_channel(self, case: Case) -> ChannelBinding | None:
        """Where a case without a thread belongs: its municipality's channel while it awaits
        forwarding (when one is configured), otherwise the central channel."""
        if case.status is Status.AWAITING_FORWARD and (channel := self.municipal_channel(case)):
            return ChannelBinding(channel)
        return await self.central_channel()

    # --- the admins' Teams ids and names -----------------------------------------------------
    async def admins(self) -> list[Person]:
        """Admins with a Teams id: configured `29:` ids, then those learned; names where known."""
        return self._with_configured(await self._roster())

    def _with_configured(self, learned: Iterable[Person]) -> list[Person]:
        people = {person.id: person for person in self._configured}
        for person in learned:
            if self.is_admin(person):
                people[person.id] = person
        return sorted(people.values(), key=lambda p: p.name.casefold())

    async def read_with_roster(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """`keys` and the admin roster in one store read (a card click reads its case's place
        beside it); hand the result to `learn(..., read=)`."""
        return await self._documents.read([*keys, ADMIN_ROSTER_KEY])

    async def learn(
        self, people: Iterable[Person], *, read: dict[str, dict[str, Any]] | None = None
    ) -> list[Person]:
        """Remember admins' Teams ids and names; writes only when something is new. Returns the
        admins as `admins()` would, from the same read: a card click needs them anyway, and one
        read of the roster per click instead of three is a round trip saved twice. `read`: what
        `read_with_roster` returned this turn (else the roster is read here)."""
        people = list(people)
        for _ in range(3):
            found = read if read is not None else await self._documents.read([ADMIN_ROSTER_KEY])
            read = None  # a retry after a conflict reads afresh
            doc: dict[str, Any] = found.get(ADMIN_ROSTER_KEY) or {"people": []}
            known = {p["id"]: Person.model_validate(p) for p in doc["people"]}
            fresh = {p.id: p for p in people if p.id and self.is_admin(p) and known.get(p.id) != p}
            if not fresh:
                return self._with_configured(known.values())
            known.update(fresh)
            doc = {**doc, "people": [p.model_dump(mode="json") for p in known.values()]}
            try:
                await self._documents.write({ADMIN_ROSTER_KEY: doc})
                batch_forget(("document", ADMIN_ROSTER_KEY))
                return self._with_configured(known.values())
            except VersionConflict:  # another admin was learned at the same moment: merge again
                continue
        return await self.admins()

    async def _roster(self) -> list[Person]:
        found = await batch_read(self._documents, ADMIN_ROSTER_KEY)  # once per outbox batch
        return [Person.model_validate(p) for p in (found or {}).get("people", [])]
