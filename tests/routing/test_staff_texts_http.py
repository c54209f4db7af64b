"""What staff and admins read, over HTTP: the call link by UPN, names shown as text."""

from __future__ import annotations

from messages import literal
from tests.routing.test_flows_http import file_type_a_through_the_intake
from tests.support.activities import ANNA, User

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
