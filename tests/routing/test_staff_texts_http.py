"""What staff and admins read, over HTTP: the call link by UPN, names shown as text."""

from __future__ import annotations

from messages import literal
from tests.routing.conftest import find_action
from tests.routing.test_flows_http import file_type_a_through_the_intake
from tests.support.activities import ANNA, KARIN, User, last_card
from tests.support.numbers import personnummer

ODD_KARIN = User("29:karin", "**Karin** [Klicka](https://evil.example)", "aad-karin")


async def test_the_case_card_calls_the_submitter_by_her_upn(team):
    team.connector.members_by_id[ANNA.id] = {
        "id": ANNA.id,
        "name": ANNA.name,
        "aadObjectId": ANNA.aad_id,
        "userPrincipalName": "anna.lindqvist@rvn.example",
    }
    case_id = await file_type_a_through_the_intake(team)
    await team.drain()
    (posted,) = team.connector.created
    assert "l/call/0/0?users=anna.lindqvist@rvn.example" in str(posted["activity"])
    assert (await team.case(case_id)).submitter.upn == "anna.lindqvist@rvn.example"


async def test_without_member_info_the_call_link_uses_the_entra_id(team):
    await file_type_a_through_the_intake(team)
    await team.drain()
    (posted,) = team.connector.created
    assert "l/call/0/0?users=aad-anna" in str(posted["activity"])


async def _file_twice_through_the_intake(team) -> list[str]:
    chat = team.bot.chat(ANNA)
    await chat.say("hej")
    for organisation, patient in (("Region Västernorrland", "P12345"), ("ja", "P12346")):
        for answer in ["ny anmälan", organisation, "nej", patient]:
            await chat.send(answer)
        summary = last_card(await chat.send("ja"))
        submit = next(a for a in summary["actions"] if a.get("title") == "Skicka")
        assert "SID-2026-" in await chat.say(value=submit["data"])
    return [case.id for case in await team.bot.services.stores.cases.list()]


async def test_teams_is_asked_for_the_upn_once_for_a_persons_cases_in_a_row(team):
    team.connector.members_by_id[ANNA.id] = {
        "id": ANNA.id,
        "name": ANNA.name,
        "aadObjectId": ANNA.aad_id,
        "userPrincipalName": "anna.lindqvist@rvn.example",
    }
    first, second = await _file_twice_through_the_intake(team)
    assert team.connector.member_lookups[ANNA.id] == 1
    for case_id in (first, second):
        assert (await team.case(case_id)).submitter.upn == "anna.lindqvist@rvn.example"


async def test_a_failed_upn_lookup_is_not_repeated_on_her_next_case(team):
    first, second = await _file_twice_through_the_intake(team)
    assert team.connector.member_lookups[ANNA.id] == 1  # the 404 is remembered for a while
    for case_id in (first, second):
        assert (await team.case(case_id)).submitter.upn == ""


async def test_an_admins_name_with_markup_is_shown_as_text_in_thread_and_notification(team):
    case = await team.file(ANNA)
    await team.drain()
    card = await team.click(ODD_KARIN, await team.view(ODD_KARIN, case), "case.take")
    assert ODD_KARIN.name not in str(card)
    await team.drain()
    case = await team.case(case.id)
    reply = team.thread_texts(case)[-1]
    assert reply == f"**{literal(ODD_KARIN.name)}** tog ärendet."
    assert "[Klicka](" not in reply
    taken = team.submitter_messages(ANNA)[-1]
    assert taken.endswith(f"handläggs nu av {literal(ODD_KARIN.name)}.") and "[Klicka](" not in taken


async def test_a_personnummer_in_the_admins_reason_is_refused_in_words_for_the_admin(team):
    case = await team.file(ANNA, episode="VT-1")
    await team.drain()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    data = {**find_action(card, "case.reject_not_protected")["data"]}
    number = personnummer("121212", "121")
    status, body = await team.invoke(KARIN, "case.reject_not_protected", {**data, "reason": f"pnr {number}"})
    assert status == 200 and body["type"] == "application/vnd.microsoft.activity.message"
    refusal = body["value"]
    assert "personnummer" in refusal and "Fyll i kortet igen" in refusal
    assert "**" not in refusal and "ringer dig" not in refusal and number not in refusal
    assert (await team.case(case.id)).is_open  # nothing changed
