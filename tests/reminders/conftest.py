"""Reminders end to end below HTTP: real stores (SQLite and Redis), the real ProactiveSender and
botbuilder adapter against the fake connector, a FakeClock the tests move through business time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from adapters.bot_adapter import create_adapter
from adapters.outbox_worker import OutboxWorker
from adapters.proactive import ProactiveSender
from app import retry_policy
from config import Settings, load_settings
from domain.case import Action, Case, Organisation, OrgKind, Person
from domain.intake import IntakeDraft
from domain.ports import DueItem, Stores
from domain.reminder_schedule import ReminderPlanner
from domain.services import CaseService, Outbox
from handlers.central_team import CentralTeam
from handlers.delivery import Deliveries, DeliveryProblems
from handlers.reminder_delivery import ReminderDelivery
from tests.conftest import FakeClock
from tests.contract.conftest import backend, open_stores  # noqa: F401  (the shared store fixtures)
from tests.routing.conftest import connector, team, team_settings  # noqa: F401  (the central team over HTTP)
from tests.support.activities import ANNA, BOT, KARIN, LARS, MARIA, TENANT, User
from tests.support.fake_connector import FakeConnector

CENTRAL = "19:central-cases@thread.tacv2"
SUNDSVALL = "19:sundsvall-cases@thread.tacv2"
LEASE = timedelta(minutes=2)


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


async def nothing(item: DueItem) -> None:
    """Routing's outbox items are not under test here."""


@dataclass
class Reminders:
    """One bot replica's reminder machinery over shared stores."""

    stores: Stores
    clock: FakeClock
    connector: FakeConnector
    settings: Settings
    service: CaseService
    planner: ReminderPlanner
    worker: OutboxWorker
    sender: ProactiveSender
    delivery: ReminderDelivery
    threads: dict[str, str] = field(default_factory=dict)

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

    async def post_thread(self, case: Case, channel: str = CENTRAL) -> Case:
        """What routing does once the card is posted: a write that is not an action."""
        case.thread_conversation_id = f"{channel};messageid={len(self.threads) + 100}"
        case.card_activity_id = "card-1"
        self.threads[case.id] = case.thread_conversation_id
        return await self.stores.cases.update(case)

    async def act(self, case_id: str, action: Action, by: User = KARIN, detail: str = "") -> Case:
        case = await self.stores.cases.get(case_id)
        assert case is not None
        saved, _ = await self.service.act(case, action, person(by), CENTRAL, detail=detail)
        return saved

    async def drain(self) -> int:
        return await self.worker.run_until_idle()

    def texts(self, conversation_id: str) -> list[str]:
        return [a.get("text") or "" for a in self.connector.to_conversation(conversation_id)]


@pytest.fixture
def reminder_settings(tmp_path: Path) -> Settings:
    return load_settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        central_channel_id=CENTRAL,
        admin_ids=f"{KARIN.id}=Karin Holm",
        admin_lead_ids=f"{LARS.id}=Lars Ekström",
        municipal_channels_enabled=True,
        municipal_channels=f"Sundsvall={SUNDSVALL}",
    )


@pytest.fixture
async def replica(open_stores, clock: FakeClock, connector: FakeConnector, reminder_settings: Settings):  # noqa: F811
    """Builds replicas that share one store (same SQLite file / Redis prefix) and one connector."""

    async def make(*, lease: timedelta = LEASE) -> Reminders:
        stores: Stores = await open_stores()
        settings = reminder_settings
        for key, conversation, user in (
            (f"channel:{CENTRAL}", CENTRAL, None),
            (f"channel:{SUNDSVALL}", SUNDSVALL, None),
            (f"user:{KARIN.aad_id}", dm(KARIN), KARIN),
            (f"user:{MARIA.aad_id}", dm(MARIA), MARIA),
        ):
            await stores.references.save(key, reference(connector.url, conversation, user))
        planner = ReminderPlanner(stores.due, settings.business_calendar(), settings.reminder_policy())
        worker = OutboxWorker(stores.due, clock, poll_seconds=0, lease=lease, policy=retry_policy(settings))
        sender = ProactiveSender(
            create_adapter(settings), stores.references, stores.markers, "", claim_ttl=lease
        )
        service = CaseService(
            stores.cases,
            stores.audit,
            Outbox(stores.due, clock),
            clock,
            forwarding_municipalities=frozenset({"Sundsvall"}),
            after_change=planner.after_change,
        )
        central_team = CentralTeam(settings, stores.documents)
        problems = DeliveryProblems(stores.documents, stores.cases, sender, central_team, clock)
        worker.on_dead_letter(problems.dead_letter)
        delivery = ReminderDelivery(
            stores.cases, planner, Deliveries(sender, problems), central_team, settings.admin_lead_ids
        )
        worker.register("reminder", delivery)
        worker.register("case_filed", nothing)
        worker.register("case_changed", nothing)
        return Reminders(stores, clock, connector, settings, service, planner, worker, sender, delivery)

    return make


@pytest.fixture
async def reminders(replica) -> Reminders:
    return await replica()
