"""Stale cards, double clicks, races, refusals and bad inputs, as Action.Execute invokes over HTTP.

Whatever goes wrong, the answer is a card (HTTP 200) and the case is unchanged."""

from __future__ import annotations

import asyncio

import pytest

from domain.case import Action, Case, Status
from domain.intake import new_case_id
from tests.routing.conftest import CENTRAL, ERIK, Team, find_action, verbs_of
from tests.support.activities import ANNA, KARIN, LARS, personal_activity

STALE = "Kortet var inaktuellt"
REFUSED = "Inte tillåtet"


@pytest.fixture
async def posted(team: Team) -> Case:
    case = await team.file(ANNA)
    await team.drain()
    return await team.case(case.id)


async def taken(team: Team, case: Case) -> dict:
    return await team.click(KARIN, await team.view(KARIN, case), "case.take")


async def audit_whats(team: Team, case_id: str) -> list[str]:
    return [f"{e.what}:{e.detail}" for e in await team.bot.services.stores.audit.entries(case_id)]


async def test_a_stale_card_is_refreshed_with_a_note_and_changes_nothing(team, posted):
    old_card = await team.view(LARS, posted)
    await taken(team, posted)
    card = await team.click(LARS, old_card, "case.take")
    assert STALE in card["body"][0]["text"]
    assert "**Karin Holm** har ärendet" in str(card)  # the current state
    case = await team.case(posted.id)
    assert case.assignee is not None and case.assignee.id == KARIN.id and len(case.events) == 1


async def test_a_double_click_records_the_step_once(team, posted):
    card = await taken(team, posted)
    first = await team.click(KARIN, card, "case.record_call")
    second = await team.click(KARIN, card, "case.record_call")
    # The second answer replaces the first on screen: it shows the result of her click (which
    # may be a retry after a lost answer), not "nothing changed".
    assert STALE not in str(first) and STALE not in str(second)
    assert str(second) == str(first)
    await team.drain()
    case = await team.case(posted.id)
    assert [e.action for e in case.events] == [Action.TAKE, Action.RECORD_CALL]
    assert team.thread_texts(case).count("**Karin Holm** har ringt anmälaren.") == 1


async def test_another_admins_click_on_an_old_card_is_stale(team, posted):
    card = await taken(team, posted)
    await team.click(KARIN, card, "case.record_call")
    late = await team.click(LARS, card, "case.record_call")
    assert STALE in str(late)
    assert [e.action for e in (await team.case(posted.id)).events] == [Action.TAKE, Action.RECORD_CALL]


async def test_the_holder_clicking_take_on_the_shared_card_gets_her_steps_and_nothing_is_audited(
    team, posted
):
    shared = await team.view(LARS, posted)  # the card as anyone but the holder sees it
    await taken(team, posted)
    case = await team.case(posted.id)
    shared_data = find_action(shared, "case.take")["data"] | {"version": case.version}
    status, body = await team.invoke(KARIN, "case.take", shared_data)
    assert status == 200 and "case.record_call" in verbs_of(body["value"])
    assert await audit_whats(team, posted.id) == ["filed:", "take:Karin Holm"]


async def test_two_admins_racing_for_a_case_get_one_winner(team, posted):
    data = find_action(await team.view(KARIN, posted), "case.take")["data"]
    results = await asyncio.gather(
        team.invoke(KARIN, "case.take", data), team.invoke(LARS, "case.take", data)
    )
    cards = [str(body["value"]) for status, body in results if status == 200]
    assert len(cards) == 2
    winners = [c for c in cards if "Du har ärendet" in c]
    losers = [c for c in cards if "hann före" in c or STALE in c]
    assert len(winners) == 1 and len(losers) == 1
    case = await team.case(posted.id)
    assert [e.action for e in case.events] == [Action.TAKE]


async def test_a_click_sends_nothing_itself_the_outbox_does(team, posted):
    before = (len(team.connector.sent), len(team.connector.updated), len(team.connector.created))
    await taken(team, posted)
    assert (len(team.connector.sent), len(team.connector.updated), len(team.connector.created)) == before
    await team.drain()
    assert len(team.connector.sent) > before[0] and len(team.connector.updated) > before[1]


async def test_a_non_admin_is_refused_with_an_audit_entry(team, posted):
    card = await team.view(ERIK, posted)  # the shared card, not a refusal: a refresh only reads
    assert verbs_of(card) == {"case.take"} and REFUSED not in str(card)
    refused = await team.click(ERIK, card, "case.take")
    assert REFUSED in str(refused) and "administratörer" in str(refused) and "P12345" not in str(refused)
    case = await team.case(posted.id)
    assert case.assignee is None and case.events == [] and case.version == posted.version
    assert "refused:not_admin:case.take" in await audit_whats(team, posted.id)


@pytest.mark.parametrize("where", ["personal chat", "another thread", "another channel"])
async def test_a_click_from_anywhere_but_the_cases_thread_is_refused(team, posted, where):
    data = find_action(await team.view(KARIN, posted), "case.take")["data"]
    if where == "personal chat":
        activity = personal_activity(
            KARIN,
            team.connector.url,
            type="invoke",
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": "case.take", "data": data}},
        )
        status, body = await team.post(activity)
    elif where == "another thread":
        status, body = await team.invoke(KARIN, "case.take", data, conversation=f"{CENTRAL};messageid=999")
    else:
        other = "19:other@thread.tacv2"
        status, body = await team.invoke(KARIN, "case.take", data, conversation=f"{other};messageid=1")
    assert status == 200 and REFUSED in str(body["value"]) and "tråd" in str(body["value"])
    assert (await team.case(posted.id)).events == []
    assert any(w.startswith("refused:wrong_conversation") for w in await audit_whats(team, posted.id))


async def test_a_forged_case_id_is_refused_and_audited(team, posted):
    status, body = await team.invoke(
        KARIN,
        "case.take",
        {"case_id": "no-such-case", "version": 0},
        conversation=posted.thread_conversation_id,
    )
    assert status == 200 and "Ärendet finns inte" in str(body["value"])
    assert await audit_whats(team, "-") == ["refused:no_such_case:case.take"]
    assert await audit_whats(team, "no-such-case") == []  # a forged id is not kept


async def test_a_forged_verb_changes_nothing(team, posted):
    data = {"case_id": posted.id, "version": 0}
    status, body = await team.invoke(KARIN, "case.delete_everything", data)
    assert status == 200 and "en åtgärd jag inte känner till" in str(body["value"])
    assert "refused:unknown_verb:case.delete_everything" in await audit_whats(team, posted.id)
    # A real verb the card never offered: out of order, or a step on someone else's case.
    status, body = await team.invoke(KARIN, "case.close", data)
    assert "Det går inte att göra just nu" in str(body["value"])
    await taken(team, posted)
    status, body = await team.invoke(LARS, "case.record_call", {"case_id": posted.id, "version": 1})
    assert "Det går inte att göra just nu" in str(body["value"])
    case = await team.case(posted.id)
    assert [e.action for e in case.events] == [Action.TAKE]
    whats = await audit_whats(team, posted.id)
    assert "refused:not_allowed:case.close" in whats and "refused:not_allowed:case.record_call" in whats


async def test_the_servicenow_number_must_match_the_configured_format(team, posted):
    card = await taken(team, posted)
    for verb in ["case.record_call", "case.record_address_update", "case.confirm_protected"]:
        card = await team.click(KARIN, card, verb)
    card = await team.click(KARIN, card, "case.record_process_closed")
    bad = await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow="12345")
    assert "ser inte ut som ett ServiceNow-nummer" in str(bad)
    assert (await team.case(posted.id)).status is Status.PROCESS_CLOSED
    good = await team.click(KARIN, bad, "case.record_sent_to_vendor", servicenow=" ritm0012345 ")
    assert "RITM0012345" in str(good)
    assert (await team.case(posted.id)).servicenow_number == "RITM0012345"


async def test_not_protected_needs_a_reason(team):
    case = await team.file(ANNA, episode="VT-1")
    await team.drain()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    card = await team.click(KARIN, card, "case.reject_not_protected", reason="   ")
    assert "Skriv ett skäl" in str(card)
    assert (await team.case(case.id)).status is Status.ADDRESS_UPDATED


async def test_reassign_to_an_admin_from_the_list_then_unassign(team, posted):
    card = await taken(team, posted)
    bad = await team.click(KARIN, card, "case.reassign", assignee=ERIK.id)
    assert "Välj en administratör" in str(bad)
    card = await team.click(KARIN, bad, "case.reassign", assignee=LARS.id)
    assert "**Lars Ekström** har ärendet" in str(card)
    card = await team.click(LARS, await team.view(LARS, posted), "case.unassign")
    await team.drain()
    case = await team.case(posted.id)
    assert case.assignee is None and verbs_of(card) == {"case.take"}
    assert team.thread_texts(case)[-2:] == [
        "**Karin Holm** gav ärendet till Lars Ekström.",
        "**Lars Ekström** släppte ärendet.",
    ]


async def test_a_refresh_from_elsewhere_is_refused_and_shows_nothing_of_the_case(team, posted):
    data = {"case_id": posted.id, "version": 0}
    status, body = await team.invoke(KARIN, "case.refresh", data, conversation=f"{CENTRAL};messageid=42")
    assert status == 200 and REFUSED in str(body["value"]) and "P12345" not in str(body["value"])


def test_case_ids_carry_no_digits_the_identity_guard_could_mistake_for_a_number():
    # A hex uuid4 holds a run like "5803779973" (month 03, day 77, valid check digit) about once
    # in 3,800 cases; the guard scans card data, so every click on such a card would be refused.
    ids = [new_case_id() for _ in range(5_000)]
    assert not any(character.isdigit() for case_id in ids for character in case_id)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "data",
    [
        [],
        "case",
        7,
        None,
        {"version": 0},
        {"case_id": ["x"], "version": 0},
        {"case_id": "CASE", "version": 0.5},
        {"case_id": "CASE", "version": "0"},
        {"case_id": "CASE", "version": True},
        {"case_id": "CASE", "version": None},
        {"case_id": "CASE", "version": 0, "reason": 12},
        {"case_id": "CASE", "version": 0, "assignee": {"id": "29:x"}},
        {"case_id": "CASE", "version": 0, "servicenow": ["INC0012345"]},
    ],
)
async def test_card_data_of_the_wrong_shape_is_refused_and_audited(team, posted, data):
    if isinstance(data, dict) and data.get("case_id") == "CASE":
        data = {**data, "case_id": posted.id}
    status, body = await team.invoke(KARIN, "case.take", data, conversation=posted.thread_conversation_id)
    assert status == 200 and "uppgifter jag inte kan läsa" in str(body["value"])
    assert await audit_whats(team, "-") == ["refused:invalid_data:case.take"]
    case = await team.case(posted.id)
    assert case.events == [] and case.assignee is None
