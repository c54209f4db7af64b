"""The one place that builds real dependencies and hands them to the handlers."""

from __future__ import annotations

import gc
import logging
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from botbuilder.core import TurnContext

from adapters.bot_adapter import FixedCloudAdapter, create_adapter
from adapters.bot_state import TurnStates
from adapters.metrics import CountStops, TurnMetricsMiddleware
from adapters.middleware import (
    DeduplicationMiddleware,
    IdentityGuardMiddleware,
    LanguageMiddleware,
    TenantMiddleware,
    pinned_locale,
)
from adapters.model_codec import to_json
from adapters.outbox_scope import BatchReferences
from adapters.outbox_worker import OutboxWorker, RetryPolicy
from adapters.proactive import ProactiveSender
from adapters.reply_copies import install_shallow_reply_copies
from adapters.servicenow import ServiceNowClient
from adapters.servicenow_callback import ServiceNowCallback
from adapters.stores import open_stores
from adapters.turn_limits import FixedWindows, TurnLimitMiddleware
from cards.case_verbs import REFRESH
from config import Settings
from dialogs.personal_chat import PersonalChat
from domain.clock import Clock, offset_clock
from domain.ports import (
    Stores,
    StoreUnavailable,
    channel_reference_key,
    conversation_reference_key,
    user_reference_key,
)
from domain.queue import CaseQueue
from domain.reminder_schedule import ReminderPlanner
from domain.retention import PostedCards, RetentionPlanner
from domain.services import CaseService, Outbox
from domain.stats_report import StatisticsService
from handlers.card_actions import CardActions
from handlers.case_actions import CaseActions
from handlers.central_team import CentralTeam
from handlers.channel_commands import ChannelCommands, ChannelLink
from handlers.overview_command import OverviewCommand
from handlers.reminder_command import OverdueCommand
from handlers.stats_command import StatsCommand
from handlers.triggers import build_triggers
from jobs.case_places import CasePlaces
from jobs.case_threads import CaseThreads
from jobs.context import JobContext
from jobs.delivery import Deliveries, DeliveryProblems
from jobs.digest_job import WeeklyDigest
from jobs.intake_expiry_job import IntakeExpiry
from jobs.reminder_delivery import ReminderDelivery
from jobs.retention_job import PurgeJob
from jobs.routing import Routing
from jobs.servicenow_job import ServiceNowJobs

log = logging.getLogger(__name__)


def conversation_key(context: TurnContext) -> str:
    """Where a conversation's reference is kept: per user for 1:1 chats, per channel otherwise."""
    activity = context.activity
    if activity.conversation.conversation_type == "personal":
        return user_reference_key(activity.from_property.id, activity.from_property.aad_object_id or "")
    channel = (
        (activity.channel_data or {}).get("channel") if isinstance(activity.channel_data, dict) else None
    )
    if isinstance(channel, dict) and channel.get("id"):
        return channel_reference_key(channel["id"])
    return conversation_reference_key(activity.conversation.id.split(";")[0])


@dataclass
class App:
    settings: Settings
    clock: Clock
    stores: Stores
    adapter: FixedCloudAdapter
    states: TurnStates
    personal_chat: PersonalChat
    channel_commands: ChannelCommands
    card_actions: CardActions
    cases: CaseService
    worker: OutboxWorker
    sender: ProactiveSender
    planner: ReminderPlanner
    problems: DeliveryProblems
    purge: PurgeJob
    places: CasePlaces
    statistics: StatisticsService
    digest: WeeklyDigest
    servicenow: ServiceNowJobs | None = None  # SERVICENOW_INSTANCE_URL set
    servicenow_callback: ServiceNowCallback | None = None  # ...and SERVICENOW_CALLBACK_SECRET
    _saved_references: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    async def remember_conversation(self, context: TurnContext) -> None:
        activity = context.activity
        key = conversation_key(context)
        # A channel message arrives in a thread (";messageid=..."); the channel's reference
        # must point at the channel itself, or top-level posts would land in that thread.
        conversation_id = (
            activity.conversation.id if key.startswith("user:") else activity.conversation.id.split(";")[0]
        )
        # Every field the reference serialises, compared as plain values taken from the activity:
        # building the reference (three copies) and serialising it cost more than the rest of
        # this check, and are needed only when something changed (almost never per message).
        fingerprint = (
            activity.service_url,
            activity.channel_id,
            activity.locale,
            *(
                dict(vars(part)) if part is not None else None
                for part in (activity.from_property, activity.recipient)
            ),
            {**vars(activity.conversation), "id": conversation_id},
        )
        if self._saved_references.get(key) == fingerprint:
            return  # unchanged since this replica last saved it: skip a store write per message
        reference = TurnContext.get_conversation_reference(activity)
        reference.conversation.id = conversation_id
        reference.activity_id = None  # differs per message and proactive sends do not use it
        await self.stores.references.save(key, to_json(reference))
        if key.startswith("user:"):
            await self.problems.forget(key)  # they can be reached again (they wrote to the bot)
        if len(self._saved_references) >= 10_000:
            self._saved_references.clear()
        self._saved_references[key] = fingerprint

    async def save_state(self, context: TurnContext) -> None:
        await self.states.save(context)  # both states, one store write (none if unchanged)

    async def start(self) -> None:
        """Start background work (outbox delivery, reminders) once the app serves."""
        freeze_startup_heap()
        hand_over_the_gil_sooner()
        try:
            await self.purge.catch_up()
        except StoreUnavailable as error:  # the bot still starts; the next start catches up
            log.warning("retention catch-up skipped, store unavailable: %s", error)
        await self.statistics.backfill_at_start()  # cases filed before the statistics existed
        if self.servicenow is not None:
            try:
                await self.servicenow.catch_up()
            except StoreUnavailable as error:
                log.warning("ServiceNow poll catch-up skipped, store unavailable: %s", error)
        try:
            await self.digest.plan()  # every replica plans the same item (named by its ISO week)
        except StoreUnavailable as error:  # the next start plans it
            log.warning("weekly digest not planned, store unavailable: %s", error)
        if self.settings.outbox_poll_seconds > 0:
            self.worker.start()

    async def close(self) -> None:
        """Bounded: the worker stops within its timeout; the rest closes whatever it did."""
        try:
            await self.worker.stop()
        finally:
            try:
                if self.servicenow is not None:
                    await self.servicenow.close()
            finally:
                try:
                    await self.adapter.transport.close()  # after the worker: its sends are done
                finally:
                    await self.stores.close()


def freeze_startup_heap() -> None:
    """Once per process, before serving: move what is alive at start (the imported modules and
    the app's graph, ~125,000 objects) out of the cyclic garbage collector's reach. They live as
    long as the process, yet every full collection walked them all on the event loop's thread:
    a 100-150 ms stall every so often (bench/README.md, "Open work at scale")."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


THREAD_SWITCH_SECONDS = 0.001


def hand_over_the_gil_sooner() -> None:
    """The SQLite store's threads (a batch's COMMIT, scans) need the GIL back after each
    statement (sqlite3 lets go of it around every one). While the event loop thread runs Python,
    a thread that wants the GIL back waits up to the switch interval, 5 ms by default, each time:
    a card click's store round trips took 10-20 ms on a busy loop, hundreds in the tails, when
    all of them ran on the store's thread. 1 ms bounds that wait; the loop thread gives the GIL
    up more often only while another thread is waiting for it."""
    if sys.getswitchinterval() > THREAD_SWITCH_SECONDS:
        sys.setswitchinterval(THREAD_SWITCH_SECONDS)


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        attempts=settings.outbox_retry_attempts,
        max_age=timedelta(minutes=settings.outbox_retry_max_age_minutes),
        base=timedelta(seconds=settings.outbox_retry_base_seconds),
    )


async def build_app_services(settings: Settings, *, clock: Clock | None = None) -> App:
    """Everything the app runs on; called by bot.create_app only."""
    if clock is None:  # the real clock, shifted in local mode for drills (CLOCK_OFFSET_HOURS)
        clock = offset_clock(settings.clock_offset_hours)
        if settings.clock_offset_hours:
            log.warning("CLOCK_OFFSET_HOURS=%g: the bot's clock is shifted", settings.clock_offset_hours)
    stores = await open_stores(settings, clock)
    adapter = create_adapter(settings)
    install_shallow_reply_copies()  # replies are addressed on a copy; no deep copy of each card
    adapter.use(TurnMetricsMiddleware())  # first: times every turn and sets the log context
    if settings.language != "auto":
        adapter.use(LanguageMiddleware(settings.language))
    if not settings.local_mode:
        adapter.use(CountStops(TenantMiddleware(settings.allowed_tenant_ids), "tenant_refused"))
    guard = IdentityGuardMiddleware()
    adapter.use(CountStops(guard, "guard_refused"))
    states = TurnStates(stores.documents)  # read together (with the turn's mark), saved together
    adapter.use(CountStops(DeduplicationMiddleware(stores.seen, prefetch=states), "duplicate"))
    adapter.use(
        CountStops(
            TurnLimitMiddleware(
                FixedWindows(settings.turns_per_user_minute or 10**9, 60),
                FixedWindows(settings.turns_per_conversation_minute or 10**9, 60),
                refresh_verbs=frozenset({REFRESH}),
            ),
            "rate_limited",
        )
    )

    lease = timedelta(seconds=settings.outbox_lease_seconds)
    worker = OutboxWorker(
        stores.due,
        clock,
        poll_seconds=settings.outbox_poll_seconds,
        lease=lease,
        policy=retry_policy(settings),
    )
    references = BatchReferences(stores.references)  # jobs read them once per outbox batch
    sender = ProactiveSender(
        adapter,
        references,
        stores.markers,
        settings.app_id,
        timeout=settings.proactive_send_timeout_seconds,
        claim_ttl=lease,
        locale=pinned_locale(settings.language),  # as LanguageMiddleware pinned it for proactive turns
    )
    outbox = Outbox(stores.due, clock, worker.wake)
    forwarding = frozenset(settings.municipal_channels if settings.municipal_channels_enabled else ())
    planner = ReminderPlanner(stores.due, settings.business_calendar(), settings.reminder_policy())
    retention = RetentionPlanner(stores.due, timedelta(days=settings.case_retention_days))
    team = CentralTeam(settings, stores.documents)
    problems = DeliveryProblems(stores.documents, stores.cases, sender, team, clock)
    places = CasePlaces(stores.documents)
    jobs = JobContext(  # what every outbox job shares
        stores=stores,
        references=references,
        team=team,
        sender=sender,
        deliveries=Deliveries(sender, problems),
        places=places,
        settings=settings,
        clock=clock,
    )
    servicenow = ServiceNowJobs(jobs, ServiceNowClient(settings)) if settings.servicenow_enabled else None
    case_service = CaseService(
        stores.cases,
        stores.audit,
        outbox,
        clock,
        forwarding_municipalities=forwarding,
        plan=planner.planned,
        intakes_per_hour=settings.intakes_per_user_hour,
        after_change=retention.after_change,  # a missed one is caught up at start
        calendar=planner.calendar,
        jobs=servicenow.planned if servicenow is not None else None,
    )
    worker.on_dead_letter(problems.dead_letter)
    if servicenow is not None:
        servicenow.service = case_service
        servicenow.register(worker)
        worker.on_dead_letter(servicenow.dead_letter_then(problems.dead_letter))
    threads = CaseThreads(jobs)
    Routing(jobs, threads).register(worker)
    reminders = ReminderDelivery(jobs, planner)
    worker.register("reminder", reminders, prefetch=reminders.prefetch)
    posted_cards = PostedCards(stores.documents)
    purge = PurgeJob(jobs, retention, threads, posted_cards)
    purge.register(worker)
    expiry = IntakeExpiry(jobs)
    expiry.register(worker)
    queue = CaseQueue(stores.cases, planner.calendar, planner.policy)
    overdue = OverdueCommand(queue, team, clock, problems)
    statistics = StatisticsService(stores.stats, planner.calendar, clock)
    actions = CaseActions(case_service, team, places, settings, clock)
    digest = WeeklyDigest(jobs, queue, statistics)
    digest.register(worker)
    card_actions, channel_commands = build_triggers(
        actions,
        ChannelLink(team, stores.references, clock),
        overdue,
        StatsCommand(statistics, team, settings, planner.calendar),
        OverviewCommand(queue, team, places, clock, actions.refuse_forged),
    )
    if not team.has_admins:
        log.warning("ADMIN_IDS is empty: nobody can link the central channel or act on cases")
    personal_chat = PersonalChat(
        states.conversation,
        states.user,
        case_service,
        settings,
        clock,
        posted_cards=posted_cards,
        expiry=expiry,
    )
    guard.after_refusal = personal_chat.ask_again  # a refused answer: the question comes again
    return App(
        settings=settings,
        clock=clock,
        stores=stores,
        adapter=adapter,
        states=states,
        personal_chat=personal_chat,
        channel_commands=channel_commands,
        card_actions=card_actions,
        cases=case_service,
        worker=worker,
        sender=sender,
        planner=planner,
        problems=problems,
        purge=purge,
        places=places,
        statistics=statistics,
        servicenow=servicenow,
        servicenow_callback=(
            ServiceNowCallback(settings.servicenow_callback_secret, servicenow.nudge, adapter.refusals)
            if servicenow is not None and settings.servicenow_callback_secret
            else None
        ),
        digest=digest,
    )
