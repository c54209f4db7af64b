"""Reminders end to end through the production app: `create_app` on real stores (SQLite and
Redis), its worker, sender and botbuilder adapter against the fake connector, and a FakeClock the
tests move through business time. Several replicas share one store (same SQLite file or Redis
prefix) and one connector. Tests override settings, the clock and the connector's URL, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from adapters.outbox_worker import OutboxWorker
from adapters.store_keys import KeyBuilder
from config import Settings
from domain.case import Action, Case, Organisation, OrgKind, Person
from domain.intake import IntakeDraft
from domain.ports import Stores
from domain.reminder_schedule import ReminderPlanner
from domain.services import CaseService
from tests.conftest import FakeClock, RunningBot
from tests.contract.conftest import _delete_prefix, backend  # noqa: F401  (the backend parameter)
from tests.routing.conftest import PostedCase, connector, team, team_settings, with_place  # noqa: F401  (the central team over HTTP)
from tests.support.activities import ANNA, BOT, KARIN, LARS, MARIA, TENANT, User
from tests.support.fake_connector import FakeConnector

CENTRAL = "19:central-cases@thread.tacv2"
SUNDSVALL = "19:sundsvall-cases@thread.tacv2"
LEASE = timedelta(minutes=2)
REMINDER_MARKS = ("⏰", "🔺")  # every reminder and escalation text starts with one (messages/sv.py)


def person(user: User) -> Person:
    return Person(id=user.id, name=user.name, aad_id=user.aad_id)


def reference(service_url: str, conversation_id: str, user: User | None = None) -> dict[str, Any]:
    account = ChannelAccount(id=user.id, name=user.name, aad_object_id=user.aad_id) if user else None
    return ConversationReference(
        channel_id="msteams",
        service_url=service_url,
        bot=ChannelAccount(id=BOT["id"], name=BOT["name"]),
        user=account,
        conversation=ConversationAccount(id=conversation_id, tenant_id=TENANT),
    ).serialize()


def dm(user: User) -> str:
    """The 1:1 conversation id the fake connector records a user's messages under."""
    return f"a:personal-{user.id}"


def is_reminder(activity: dict[str, Any]) -> bool:
    return str(activity.get("text") or "").startswith(REMINDER_MARKS)


@dataclass
class Reminders:
    """One replica of the production app, seen from the reminders' side."""

    bot: RunningBot

    @property
    def stores(self) -> Stores:
        stores: Stores = self.bot.services.stores
        return stores

    @property
    def clock(self) -> FakeClock:
        return self.bot.clock

    @property
    def connector(self) -> FakeConnector:
        return self.bot.connector

    @property
    def settings(self) -> Settings:
        return self.bot.settings

    @property
    def service(self) -> CaseService:
        service: CaseService = self.bot.services.cases
        return service

    @property
    def worker(self) -> OutboxWorker:
        worker: OutboxWorker = self.bot.services.worker
        return worker

    @property
    def planner(self) -> ReminderPlanner:
        planner: ReminderPlanner = self.bot.services.planner
        return planner

    async def file(
        self, user: User = ANNA, *, municipality: str | None = None, episode: str | None = None
    ) -> Case:
        org = (
            Organisation(kind=OrgKind.MUNICIPALITY, name=municipality)
            if municipality
            else Organisation(kind=OrgKind.REGION, name="Region Västernorrland")
        )
        draft = IntakeDraft.start(self.clock(), org).model_copy(
            update={
                "has_episode": episode is not None,
                "documented": True if episode else None,
                "patient_id": "P12345",
                "episode_id": episode,
                "protected_confirmed": True,
            }
        )
        case, created = await self.service.file(draft, person(user), dm(user))
        assert created
        return case

    async def post_thread(self, case: Case) -> PostedCase:
        """Let routing post the case card (its thread in the case's home channel) right now."""
        await self.drain()
        posted = await self.case(case.id)
        assert posted.thread_conversation_id
        return posted

    async def case(self, case_id: str) -> PostedCase:
        """The case as stored, with where routing posted it."""
        found = await self.stores.cases.get(case_id)
        assert found is not None
        return await with_place(self.bot.services, found)

    async def act(self, case_id: str, action: Action, by: User = KARIN, detail: str = "") -> PostedCase:
        case = await self.stores.cases.get(case_id)
        assert case is not None
        saved, _ = await self.service.act(case, action, person(by), CENTRAL, detail=detail)
        return await with_place(self.bot.services, saved)

    async def drain(self) -> int:
        handled: int = await self.worker.run_until_idle()
        return handled

    def texts(self, conversation_id: str) -> list[str]:
        """The reminders (and escalations) that reached a conversation, oldest first."""
        return [
            a.get("text") or "" for a in self.connector.to_conversation(conversation_id) if is_reminder(a)
        ]

    def notes(self) -> list[str]:
        return [
            a.get("text") or ""
            for a in self.connector.to_conversation(CENTRAL)
            if "Leveransproblem" in (a.get("text") or "")
        ]

    def reminders_sent(self) -> list[dict[str, Any]]:
        return [a for a in self.connector.sent if is_reminder(a)]


@pytest.fixture
def reminder_settings(settings_for):
    def make(**overrides: Any) -> Settings:
        settings: Settings = settings_for(
            central_channel_id=CENTRAL,
            admin_ids=f"{KARIN.id}=Karin Holm",
            admin_lead_ids=f"{LARS.id}=Lars Ekström",
            municipal_channels_enabled=True,
            municipal_channels=f"Sundsvall={SUNDSVALL}",
            outbox_poll_seconds=0,
            **overrides,
        )
        return settings

    return make


@pytest.fixture
async def replica(
    backend: str,  # noqa: F811  (the parameter imported above)
    request: pytest.FixtureRequest,
    start_bot,
    connector: FakeConnector,  # noqa: F811
    reminder_settings,
):
    """Starts replicas of the production app that share one store and one connector."""
    store: dict[str, Any] = {}
    if backend == "redis":
        store = {
            "redis_url": request.getfixturevalue("redis_url"),
            "redis_key_prefix": f"sidtest-{uuid4().hex[:12]}",
        }

    async def make(*, lease: timedelta = LEASE) -> Reminders:
        bot = await start_bot(reminder_settings(outbox_lease_seconds=lease.total_seconds(), **store))
        references = bot.services.stores.references
        for key, conversation, user in (
            (f"channel:{CENTRAL}", CENTRAL, None),
            (f"channel:{SUNDSVALL}", SUNDSVALL, None),
            (f"user:{ANNA.aad_id}", dm(ANNA), ANNA),
            (f"user:{KARIN.aad_id}", dm(KARIN), KARIN),
            (f"user:{MARIA.aad_id}", dm(MARIA), MARIA),
        ):
            await references.save(key, reference(connector.url, conversation, user))
        return Reminders(bot)

    yield make
    if store:
        await _delete_prefix(store["redis_url"], KeyBuilder(prefix=store["redis_key_prefix"]))


@pytest.fixture
async def reminders(replica) -> Reminders:
    return await replica()
