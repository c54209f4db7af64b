"""One behaviour for every store: each test runs against SQLite and against a real Redis."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botbuilder.core import ConversationState, MessageFactory, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from adapters.bot_storage import BotStorage
from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person, Status
from domain.clock import STOCKHOLM
from domain.ports import AuditEntry, CaseFilter, Stores, VersionConflict
from tests.contract.conftest import OpenStores

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ANNA = Person(id="29:anna", name="Anna Admin", aad_id="aad-anna")
BO = Person(id="29:bo", name="Bo Berg", aad_id="aad-bo")
SUNDSVALL = Organisation(kind=OrgKind.MUNICIPALITY, name="Sundsvall")
REGION = Organisation(kind=OrgKind.REGION, name="Region Västernorrland")


def new_case(case_id: str, *, at: datetime = T0, org: Organisation = REGION, submitter: Person = BO) -> Case:
    return Case(
        id=case_id,
        kind=CaseKind.A,
        organisation=org,
        patient_id="PAT0001",
        submitter=submitter,
        created_at=at,
        updated_at=at,
    )


# --- documents: the botbuilder Storage contract ------------------------------------------------


async def test_reading_missing_documents_finds_nothing(stores: Stores) -> None:
    assert await stores.documents.read(["nope", "msteams/conversations/x"]) == {}
    assert await stores.documents.read([]) == {}


async def test_written_document_reads_back_with_an_etag(stores: Stores) -> None:
    doc = {"step": 2, "answers": {"org": "Timrå", "list": [1, "två"]}, "none": None}
    await stores.documents.write({"a/b:c;d=1 ä": doc})
    found = await stores.documents.read(["a/b:c;d=1 ä", "missing"])
    assert list(found) == ["a/b:c;d=1 ä"]
    assert found["a/b:c;d=1 ä"].pop("e_tag")
    assert found["a/b:c;d=1 ä"] == doc


async def test_current_etag_writes_and_gets_a_new_etag(stores: Stores) -> None:
    await stores.documents.write({"k": {"n": 1}})
    first = (await stores.documents.read(["k"]))["k"]
    await stores.documents.write({"k": {**first, "n": 2}})
    second = (await stores.documents.read(["k"]))["k"]
    assert second["n"] == 2
    assert second["e_tag"] != first["e_tag"]


async def test_stale_etag_fails_and_changes_nothing(stores: Stores) -> None:
    await stores.documents.write({"k": {"n": 1}})
    stale = (await stores.documents.read(["k"]))["k"]
    await stores.documents.write({"k": {**stale, "n": 2}})
    with pytest.raises(VersionConflict):
        await stores.documents.write({"k": {**stale, "n": 3}})
    assert (await stores.documents.read(["k"]))["k"]["n"] == 2


async def test_star_and_missing_etags_overwrite(stores: Stores) -> None:
    await stores.documents.write({"k": {"n": 1}})
    await stores.documents.write({"k": {"n": 2, "e_tag": "*"}})
    assert (await stores.documents.read(["k"]))["k"]["n"] == 2
    await stores.documents.write({"k": {"n": 3}})
    assert (await stores.documents.read(["k"]))["k"]["n"] == 3


async def test_etag_of_a_deleted_document_is_stale(stores: Stores) -> None:
    await stores.documents.write({"k": {"n": 1}})
    read = (await stores.documents.read(["k"]))["k"]
    await stores.documents.delete(["k"])
    with pytest.raises(VersionConflict):
        await stores.documents.write({"k": {**read, "n": 2}})
    assert await stores.documents.read(["k"]) == {}


async def test_a_batch_with_one_stale_etag_writes_nothing(stores: Stores) -> None:
    await stores.documents.write({"a": {"n": 1}, "b": {"n": 1}})
    read = await stores.documents.read(["a", "b"])
    await stores.documents.write({"b": {**read["b"], "n": 2}})
    with pytest.raises(VersionConflict):
        await stores.documents.write({"a": {**read["a"], "n": 9}, "b": {**read["b"], "n": 9}})
    after = await stores.documents.read(["a", "b"])
    assert (after["a"]["n"], after["b"]["n"]) == (1, 2)


async def test_delete_removes_documents_and_ignores_missing_ones(stores: Stores) -> None:
    await stores.documents.write({"a": {"n": 1}, "b": {"n": 2}})
    await stores.documents.delete(["a", "never-written"])
    assert list(await stores.documents.read(["a", "b"])) == ["b"]


# --- cases ----------------------------------------------------------------------------------------


async def test_case_numbers_count_per_stockholm_year(stores: Stores) -> None:
    first = await stores.cases.create(new_case("c1"))
    second = await stores.cases.create(new_case("c2"))
    # 23:30 UTC on New Year's Eve is already 2027 in Sweden: a new year starts again at 0001.
    new_year = await stores.cases.create(new_case("c3", at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)))
    third = await stores.cases.create(new_case("c4", at=datetime(2026, 6, 1, 12, 0, tzinfo=STOCKHOLM)))
    assert [c.number for c in (first, second, new_year, third)] == [
        "SID-2026-0001",
        "SID-2026-0002",
        "SID-2027-0001",
        "SID-2026-0003",
    ]


async def test_created_case_reads_back_by_id_and_number(stores: Stores) -> None:
    created = await stores.cases.create(new_case("c1"))
    assert created.version == 0
    assert await stores.cases.get("c1") == created
    assert await stores.cases.get_by_number("SID-2026-0001") == created
    assert await stores.cases.get("c2") is None
    assert await stores.cases.get_by_number("SID-2026-0002") is None


async def test_creating_an_existing_id_conflicts_without_using_a_number(stores: Stores) -> None:
    await stores.cases.create(new_case("c1"))
    with pytest.raises(VersionConflict):
        await stores.cases.create(new_case("c1"))
    assert (await stores.cases.create(new_case("c2"))).number == "SID-2026-0002"


async def test_naive_creation_time_is_refused(stores: Stores) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await stores.cases.create(new_case("c1", at=datetime(2026, 3, 2, 8, 0)))


async def test_update_checks_and_bumps_the_version(stores: Stores) -> None:
    case = await stores.cases.create(new_case("c1"))
    case.apply(Action.TAKE, ANNA, T0 + timedelta(minutes=1))
    updated = await stores.cases.update(case)
    assert (updated.version, updated.assignee, updated.number) == (1, ANNA, "SID-2026-0001")
    assert await stores.cases.get("c1") == updated
    updated.apply(Action.RECORD_CALL, ANNA, T0 + timedelta(minutes=2))
    assert (await stores.cases.update(updated)).version == 2


async def test_stale_update_conflicts_and_changes_nothing(stores: Stores) -> None:
    created = await stores.cases.create(new_case("c1"))
    mine, theirs = created.model_copy(deep=True), created.model_copy(deep=True)
    theirs.apply(Action.TAKE, BO, T0)
    winner = await stores.cases.update(theirs)
    mine.apply(Action.TAKE, ANNA, T0)
    with pytest.raises(VersionConflict):
        await stores.cases.update(mine)
    assert await stores.cases.get("c1") == winner
    assert await stores.cases.list(CaseFilter(assignee_id=ANNA.id)) == []


async def test_updating_an_unknown_case_conflicts(stores: Stores) -> None:
    with pytest.raises(VersionConflict):
        await stores.cases.update(new_case("ghost"))
    assert await stores.cases.get("ghost") is None


async def _ids(stores: Stores, **where: Any) -> list[str]:
    return [case.id for case in await stores.cases.list(CaseFilter(**where))]


async def test_list_filters_and_orders_oldest_first(stores: Stores) -> None:
    anna = Person(id="29:anna-submitter", name="Anna S")
    await stores.cases.create(new_case("late", at=T0 + timedelta(hours=2), org=SUNDSVALL))
    await stores.cases.create(new_case("early", at=T0, submitter=anna))
    taken = await stores.cases.create(new_case("mid", at=T0 + timedelta(hours=1)))
    taken.apply(Action.TAKE, ANNA, T0)
    await stores.cases.update(taken)
    withdrawn = await stores.cases.create(new_case("gone", at=T0 + timedelta(hours=3)))
    withdrawn.apply(Action.WITHDRAW, BO, T0)
    await stores.cases.update(withdrawn)

    assert await _ids(stores) == ["early", "mid", "late", "gone"]
    assert await _ids(stores, open_only=True) == ["early", "mid", "late"]
    assert await _ids(stores, status=Status.WITHDRAWN) == ["gone"]
    assert await _ids(stores, status=Status.RECEIVED) == ["early", "mid", "late"]
    assert await _ids(stores, organisation="Sundsvall") == ["late"]
    assert await _ids(stores, organisation=REGION.name, open_only=True) == ["early", "mid"]
    assert await _ids(stores, submitter_id=anna.id) == ["early"]
    assert await _ids(stores, submitter_id=BO.id, open_only=True) == ["mid", "late"]
    assert await _ids(stores, assignee_id=ANNA.id) == ["mid"]
    assert await _ids(stores, assignee_id="29:nobody") == []


async def test_list_follows_status_and_assignee_changes(stores: Stores) -> None:
    case = await stores.cases.create(new_case("c1"))
    case.apply(Action.TAKE, ANNA, T0)
    case = await stores.cases.update(case)
    case.apply(Action.RECORD_CALL, ANNA, T0)
    case.apply(Action.REASSIGN, ANNA, T0, target=BO)
    case = await stores.cases.update(case)
    assert await _ids(stores, status=Status.RECEIVED) == []
    assert await _ids(stores, status=Status.CALLED_SUBMITTER) == ["c1"]
    assert await _ids(stores, assignee_id=ANNA.id) == []
    assert await _ids(stores, assignee_id=BO.id) == ["c1"]
    case.apply(Action.UNASSIGN, BO, T0)
    await stores.cases.update(case)
    assert await _ids(stores, assignee_id=BO.id) == []


# --- audit and conversation references -------------------------------------------------------


async def test_audit_keeps_entries_per_case_in_order(stores: Stores) -> None:
    entries = [
        AuditEntry(case_id="c1", at=T0 + timedelta(seconds=i), actor=ANNA, what=f"step{i}") for i in range(5)
    ]
    for entry in entries[:3]:
        await stores.audit.append(entry)
    await stores.audit.append(AuditEntry(case_id="c2", at=T0, actor=BO, what="other", detail="x"))
    for entry in entries[3:]:
        await stores.audit.append(entry)
    assert await stores.audit.entries("c1") == entries
    assert [e.what for e in await stores.audit.entries("c2")] == ["other"]
    assert await stores.audit.entries("c3") == []


async def test_references_are_saved_replaced_and_read(stores: Stores) -> None:
    reference = {"serviceUrl": "https://smba.example/emea/", "conversation": {"id": "a:1", "tenantId": "t"}}
    assert await stores.references.get("user:aad-anna") is None
    await stores.references.save("user:aad-anna", reference)
    assert await stores.references.get("user:aad-anna") == reference
    await stores.references.save("user:aad-anna", {**reference, "serviceUrl": "https://new/"})
    assert (await stores.references.get("user:aad-anna") or {})["serviceUrl"] == "https://new/"


# --- due index --------------------------------------------------------------------------------


async def test_claim_takes_due_items_in_due_order_up_to_the_limit(stores: Stores) -> None:
    await stores.due.schedule("later", T0 + timedelta(minutes=5), {"n": 3})
    await stores.due.schedule("b", T0 + timedelta(minutes=1), {"n": 2})
    await stores.due.schedule("a", T0.astimezone(STOCKHOLM), {"n": 1, "case": "c1"})
    await stores.due.schedule("c", T0 + timedelta(minutes=1), {"n": 4})
    claimed = await stores.due.claim_due(T0 + timedelta(minutes=1), limit=2, lease=timedelta(minutes=10))
    assert [(i.item_id, i.due_at, i.payload) for i in claimed] == [
        ("a", T0, {"n": 1, "case": "c1"}),
        ("b", T0 + timedelta(minutes=1), {"n": 2}),
    ]
    assert claimed[0].due_at.utcoffset() == timedelta(0)
    rest = await stores.due.claim_due(T0 + timedelta(minutes=1), limit=10, lease=timedelta(minutes=10))
    assert [i.item_id for i in rest] == ["c"]
    assert await stores.due.claim_due(T0 + timedelta(minutes=1), limit=0, lease=timedelta(minutes=1)) == []


async def test_a_claim_hides_the_item_until_its_lease_ends(stores: Stores) -> None:
    lease = timedelta(minutes=10)
    await stores.due.schedule("r1", T0, {"case": "c1"})
    (first,) = await stores.due.claim_due(T0, 10, lease)
    assert await stores.due.claim_due(T0 + lease - timedelta(seconds=1), 10, lease) == []
    (second,) = await stores.due.claim_due(T0 + lease, 10, lease)
    assert (second.item_id, second.due_at) == ("r1", T0)
    assert second.claim_token != first.claim_token
    assert await stores.due.complete(first) is False  # expired, and someone else holds it now
    assert await stores.due.complete(second) is True
    assert await stores.due.claim_due(T0 + timedelta(days=1), 10, lease) == []


async def test_completing_within_the_lease_removes_the_item(stores: Stores) -> None:
    await stores.due.schedule("r1", T0, {})
    (item,) = await stores.due.claim_due(T0, 10, timedelta(minutes=1))
    assert await stores.due.complete(item) is True
    assert await stores.due.complete(item) is False
    assert await stores.due.claim_due(T0 + timedelta(days=1), 10, timedelta(minutes=1)) == []


async def test_scheduling_an_id_again_moves_it_and_voids_old_claims(stores: Stores) -> None:
    await stores.due.schedule("r1", T0, {"v": 1})
    (old,) = await stores.due.claim_due(T0, 10, timedelta(minutes=1))
    await stores.due.schedule("r1", T0 + timedelta(hours=1), {"v": 2})
    assert await stores.due.complete(old) is False
    assert await stores.due.claim_due(T0 + timedelta(minutes=59), 10, timedelta(minutes=1)) == []
    (moved,) = await stores.due.claim_due(T0 + timedelta(hours=1), 10, timedelta(minutes=1))
    assert (moved.item_id, moved.due_at, moved.payload) == ("r1", T0 + timedelta(hours=1), {"v": 2})


async def test_cancel_removes_an_item_and_ignores_unknown_ids(stores: Stores) -> None:
    await stores.due.schedule("r1", T0, {})
    await stores.due.schedule("r2", T0, {})
    await stores.due.cancel("r1")
    await stores.due.cancel("never-scheduled")
    assert [i.item_id for i in await stores.due.claim_due(T0, 10, timedelta(minutes=1))] == ["r2"]


async def test_backlog_counts_claimable_and_scheduled_items_and_the_oldest_claimable(stores: Stores) -> None:
    empty = await stores.due.backlog(T0)
    assert (empty.due, empty.scheduled, empty.oldest_due_at) == (0, 0, None)
    await stores.due.schedule("old", T0 - timedelta(minutes=5), {"kind": "x"})
    await stores.due.schedule("new", T0 - timedelta(minutes=1), {"kind": "x"})
    await stores.due.schedule("later", T0 + timedelta(days=1), {"kind": "x"})
    backlog = await stores.due.backlog(T0)
    assert (backlog.due, backlog.scheduled, backlog.oldest_due_at) == (2, 3, T0 - timedelta(minutes=5))
    await stores.due.claim_due(T0, 1, timedelta(minutes=10))  # "old" is claimed: no longer waiting
    claimed = await stores.due.backlog(T0)
    assert (claimed.due, claimed.scheduled, claimed.oldest_due_at) == (1, 3, T0 - timedelta(minutes=1))


# --- seen activities --------------------------------------------------------------------------


async def test_an_activity_is_first_seen_once_until_its_ttl_ends(stores: Stores) -> None:
    ttl = timedelta(milliseconds=150)
    assert await stores.seen.first_seen("act-1", timedelta(hours=1)) is True
    assert await stores.seen.first_seen("act-1", timedelta(hours=1)) is False
    assert await stores.seen.first_seen("act-2", ttl) is True
    assert await stores.seen.first_seen("act-2", ttl) is False
    await asyncio.sleep(0.3)  # the one real wait in the suite: both backends expire by wall clock
    assert await stores.seen.first_seen("act-2", ttl) is True
    assert await stores.seen.first_seen("act-1", timedelta(hours=1)) is False


async def test_first_seen_then_read_returns_the_documents_only_the_first_time(stores: Stores) -> None:
    await stores.documents.write({"state/a": {"step": 2}})
    expected = await stores.documents.read(["state/a", "state/missing"])
    first, found = await stores.seen.first_seen_then_read(
        "act-9", timedelta(hours=1), ["state/a", "state/missing"]
    )
    assert first is True
    assert found == expected and "state/missing" not in found
    again, nothing = await stores.seen.first_seen_then_read("act-9", timedelta(hours=1), ["state/a"])
    assert (again, nothing) == (False, {})
    assert await stores.seen.first_seen("act-9", timedelta(hours=1)) is False  # one mark for both


# --- BotStorage under botbuilder's ConversationState ------------------------------------------


def _context(conversation_id: str = "conv-1") -> TurnContext:
    activity = Activity(
        type="message",
        channel_id="msteams",
        conversation=ConversationAccount(id=conversation_id),
        from_property=ChannelAccount(id="29:user"),
        recipient=ChannelAccount(id="28:bot"),
    )
    return TurnContext(TestAdapter(), activity)


async def _load(stores: Stores) -> tuple[ConversationState, TurnContext]:
    state = ConversationState(BotStorage(stores.documents))
    context = _context()
    await state.load(context)
    return state, context


async def test_conversation_state_survives_a_new_instance(open_stores: OpenStores) -> None:
    state, context = await _load(await open_stores())
    await state.create_property("intake").set(context, {"org": "Kramfors", "step": 2})
    await state.save_changes(context)

    state, context = await _load(await open_stores())  # another replica, same store
    assert await state.create_property("intake").get(context) == {"org": "Kramfors", "step": 2}


async def test_stale_conversation_state_write_fails(stores: Stores) -> None:
    state, context = await _load(stores)
    await state.create_property("n").set(context, 0)
    await state.save_changes(context)
    (state_a, context_a), (state_b, context_b) = await _load(stores), await _load(stores)
    await state_a.create_property("n").set(context_a, 1)
    await state_a.save_changes(context_a)
    await state_b.create_property("n").set(context_b, 2)
    with pytest.raises(VersionConflict):
        await state_b.save_changes(context_b)
    state, context = await _load(stores)
    assert await state.create_property("n").get(context) == 1


async def test_deleted_conversation_state_is_gone(stores: Stores) -> None:
    state, context = await _load(stores)
    await state.create_property("n").set(context, 1)
    await state.save_changes(context)
    await state.delete(context)
    state, context = await _load(stores)
    assert await state.create_property("n").get(context) is None


async def test_a_waterfall_dialog_resumes_across_turns_and_instances(open_stores: OpenStores) -> None:
    replicas = [await open_stores(), await open_stores()]
    turns = 0

    async def ask_org(step: WaterfallStepContext) -> Any:
        prompt = PromptOptions(prompt=MessageFactory.text("Vilken organisation?"))
        return await step.prompt("text", prompt)

    async def ask_patient(step: WaterfallStepContext) -> Any:
        step.values["org"] = step.result
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Patient-ID?")))

    async def finish(step: WaterfallStepContext) -> Any:
        await step.context.send_activity(f"{step.values['org']}/{step.result}")
        return await step.end_dialog()

    async def logic(context: TurnContext) -> None:
        nonlocal turns
        state = ConversationState(BotStorage(replicas[turns % 2].documents))  # alternate replicas
        turns += 1
        dialogs = DialogSet(state.create_property("DialogState"))
        dialogs.add(TextPrompt("text"))
        dialogs.add(WaterfallDialog("intake", [ask_org, ask_patient, finish]))
        dialog_context = await dialogs.create_context(context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog("intake")
        await state.save_changes(context)

    adapter = TestAdapter(logic)
    flow = await adapter.send("hej")
    flow = await flow.assert_reply("Vilken organisation?")
    flow = await flow.send("Ånge")
    flow = await flow.assert_reply("Patient-ID?")
    flow = await flow.send("PAT42")
    await flow.assert_reply("Ånge/PAT42")
