"""What the outbox jobs share, built once in app.py: each job takes a `JobContext` plus only
what is its own (a planner, the case queue, the ServiceNow client), so the wiring lists the
shared dependencies once instead of once per job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from botbuilder.schema import Activity

from config import Settings
from domain.clock import Clock
from domain.ports import ConversationReferences, Stores
from handlers.central_team import CentralTeam
from jobs.case_places import CasePlaces
from jobs.delivery import Deliveries
from jobs.delivery import Sender as Replies


class Sender(Replies, Protocol):
    """What the jobs need of adapters.proactive.ProactiveSender: sending and replying (all that
    jobs/delivery.py needs), and starting and updating a case's thread."""

    async def start_thread(
        self, channel_key: str, activity: Activity, *, idempotency_key: str | None = None
    ) -> tuple[str, str]: ...
    async def update(
        self, channel_key: str, conversation_id: str, activity_id: str, activity: Activity
    ) -> None: ...


@dataclass(frozen=True)
class JobContext:
    stores: Stores
    # The same references, read once per outbox batch (adapters.outbox_scope.BatchReferences).
    references: ConversationReferences
    team: CentralTeam
    sender: Sender
    deliveries: Deliveries  # the jobs' one failure path; `deliveries.problems` records them
    places: CasePlaces
    settings: Settings
    clock: Clock
