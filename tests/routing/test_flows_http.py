"""Type A and type B carried from filing to closed over real HTTP: the intake (or the service),
the outbox posting the thread, admins clicking through steps 3.3 / 4.3, the submitter told."""

from __future__ import annotations

from domain.case import Action, Status
from tests.routing.conftest import (
    CENTRAL,
    CENTRAL_TEAM,
    SARA,
    SUNDSVALL,
    SUNDSVALL_TEAM,
    Team,
    channel_activity,
    verbs_of,
)
from tests.support.activities import ANNA, KARIN, LARS, MARIA, last_card

STEPS_A = [
    ("case.record_call", {}),
    ("case.record_address_update", {}),
    ("case.confirm_protected", {}),
    ("case.record_process_closed", {}),
    ("case.record_sent_to_vendor", {"servicenow": "INC0012345"}),
    ("case.record_vendor_confirmed", {}),  # the vendor's confirmation closes the case
]


async def file_type_a_through_the_intake(team: Team) -> str:
    chat = team.bot.chat(ANNA)
    await chat.say("hej")
    for answer in ["ny anmälan", "Region Västernorrland", "nej", "P12345"]:
        await chat.send(answer)
    summary = last_card(await chat.send("ja"))
    submit = next(a for a in summary["actions"] if a.get("title") == "Skicka")
    done = await chat.say(value=submit["data"])
    assert "SID-2026-0001" in done
    (case,) = await team.bot.services.stores.cases.list()
    return case.id


async def test_type_a_from_the_intake_to_closed(team):
    case_id = await file_type_a_through_the_intake(team)
    await team.drain()
    case = await team.case(case_id)
    assert case.thread_conversation_id.startswith(f"{CENTRAL};messageid=")
    (posted,) = team.connector.created
    assert posted["channelData"]["channel"]["id"] == CENTRAL
    assert team.submitter_messages(ANNA) == [
        "Ditt ärende **SID-2026-0001** har tagits emot av LifeCare SP-förvaltningen."
    ]

    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    for verb, inputs in STEPS_A:
        assert verb in verbs_of(card)
        card = await team.click(KARIN, card, verb, **inputs)
    assert "actions" not in card and "Avslutat – leverantören har raderat" in str(card)
    await team.drain()

    case = await team.case(case_id)
    assert case.status is Status.CLOSED and case.servicenow_number == "INC0012345"
    assert [e.action for e in case.events] == [
        Action.TAKE,
        Action.RECORD_CALL,
        Action.RECORD_ADDRESS_UPDATE,
        Action.CONFIRM_PROTECTED,
        Action.RECORD_PROCESS_CLOSED,
        Action.RECORD_SENT_TO_VENDOR,
        Action.RECORD_VENDOR_CONFIRMED,
    ]
    replies = team.thread_texts(case)[1:]  # after the card itself
    assert replies[0] == "**Karin Holm** tog ärendet."
    assert "**Karin Holm** skickade ärendet till leverantören (INC0012345)." in replies
    assert len(replies) == 7
    assert replies[-1] == (
        "**Karin Holm** noterade att leverantören har raderat uppgifterna – ärendet är avslutat."
    )
    messages = team.submitter_messages(ANNA)
    assert messages[1:] == [
        "Ditt ärende **SID-2026-0001** handläggs nu av Karin Holm.",
        "Ärende **SID-2026-0001** är klart: leverantören har raderat patientens uppgifter ur LifeCare SP.",
    ]
    assert not any("P12345" in m for m in messages)
    final = team.connector.updated[-1]["attachments"][0]["content"]
    assert "actions" not in final and "refresh" not in final
    audit = await team.bot.services.stores.audit.entries(case_id)
    assert [e.what for e in audit] == ["filed", *[e.action.value for e in case.events]]


async def test_type_b_skips_the_call_and_another_admin_can_take_over(team):
    case = await team.file(ANNA, episode="VT-2026-77")
    await team.drain()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    assert "case.record_call" not in verbs_of(card) and "case.record_address_update" in verbs_of(card)

    lars_view = await team.view(LARS, case)
    assert verbs_of(lars_view) == {"case.take"} and "**Karin Holm** har ärendet" in str(lars_view)
    card = await team.click(LARS, lars_view, "case.take")
    for verb, inputs in STEPS_A[1:]:
        card = await team.click(LARS, card, verb, **inputs)
    await team.drain()

    case = await team.case(case.id)
    assert case.status is Status.CLOSED and case.assignee is not None and case.assignee.id == LARS.id
    assert "**Lars Ekström** tog ärendet." in team.thread_texts(case)
    taken = [m for m in team.submitter_messages(ANNA) if "handläggs nu" in m]
    assert taken == ["Ditt ärende **SID-2026-0001** handläggs nu av Karin Holm."]  # told once


async def test_a_rejected_case_tells_the_submitter_what_to_do_without_the_patient_id(team):
    case = await team.file(ANNA, episode="VT-1")
    await team.drain()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    card = await team.click(
        KARIN,
        card,
        "case.reject_not_protected",
        reason="Ingen sekretessmarkering på p12345 i folkbokföringen",
    )
    assert "Avslutat – patienten har inte skyddad identitet" in str(card)
    await team.drain()
    rejected = team.submitter_messages(ANNA)[-1]
    assert rejected.startswith("Ärende **SID-2026-0001** är avslutat")
    assert "ny anmälan" in rejected and "Ingen sekretessmarkering på […] i folkbokföringen" in rejected
    assert "12345" not in rejected
    case = await team.case(case.id)
    assert "avslutade ärendet: patienten har inte skyddad identitet" in team.thread_texts(case)[-1]


async def test_a_withdrawn_case_is_announced_in_its_thread(team):
    case = await team.file(ANNA)
    await team.drain()
    await team.bot.chat(ANNA).say(value={"my_cases": "confirm", "number": case.number})
    await team.drain()
    case = await team.case(case.id)
    assert case.status is Status.WITHDRAWN
    assert team.thread_texts(case)[-1] == "**Anna Lindqvist** drog tillbaka ärendet."
    final = team.connector.updated[-1]["attachments"][0]["content"]
    assert "actions" not in final and "Tillbakadraget" in str(final)


async def test_a_municipal_case_goes_through_its_municipality_and_is_forwarded(start_bot, team_settings):
    settings = team_settings(
        municipal_channels_enabled=True,
        municipal_channels=f"Sundsvall={SUNDSVALL}",
        municipal_admin_ids=SARA.id,
    )
    team = Team(await start_bot(settings))
    await team.link()
    # The bot learns the municipality's channel when someone there speaks to it once.
    assert "Skyddad ID" in await team.say(SARA, "hjälp", channel=SUNDSVALL, team=SUNDSVALL_TEAM)
    case = await team.file(MARIA, municipality="Sundsvall")
    assert case.status is Status.AWAITING_FORWARD
    await team.drain()
    assert team.submitter_messages(MARIA) == [
        "Ditt ärende **SID-2026-0001** har tagits emot av **Sundsvalls kommuns förvaltning** för "
        "LifeCare SP. De skickar det vidare till den centrala LifeCare SP-förvaltningen – du får besked "
        "här när det är gjort."
    ]
    case = await team.case(case.id)
    municipal_thread = case.thread_conversation_id
    assert municipal_thread.startswith(SUNDSVALL)

    card = await team.view(SARA, case)
    assert verbs_of(card) == {"case.forward"}
    forwarded = await team.click(SARA, card, "case.forward")
    assert "skickat vidare" in str(forwarded) and "actions" not in forwarded
    await team.drain()

    case = await team.case(case.id)
    assert case.status is Status.RECEIVED and case.thread_conversation_id.startswith(CENTRAL)
    assert team.submitter_messages(MARIA)[1:] == [
        "Ditt ärende **SID-2026-0001** är skickat vidare från Sundsvalls kommuns förvaltning till den "
        "centrala LifeCare SP-förvaltningen, som handlägger det nu."
    ]
    assert team.connector.to_conversation(municipal_thread)[-1]["text"] == (
        "**Sara Berg** skickade ärendet vidare till central förvaltning."
    )
    assert any(u["_conversation"] == municipal_thread for u in team.connector.updated)
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    assert "case.record_call" in verbs_of(card)
    status, body = await team.invoke(
        KARIN, "case.take", {"case_id": case.id, "version": 1}, conversation=municipal_thread
    )
    assert status == 200 and "Inte tillåtet" in str(body["value"])


async def test_a_configured_channel_is_used_once_the_app_is_installed_in_its_team(start_bot, team_settings):
    team = Team(await start_bot(team_settings(central_channel_id=CENTRAL, central_team_id=CENTRAL_TEAM)))
    install = channel_activity(
        KARIN,
        team.connector.url,
        CENTRAL_TEAM,
        CENTRAL_TEAM,  # installing in a team arrives from its General channel
        CENTRAL_TEAM,
        type="conversationUpdate",
        membersAdded=[{"id": "28:skyddad-id-bot"}],
    )
    status, _ = await team.post(install)
    assert status in (200, 201)
    case = await team.file(ANNA)
    await team.drain()
    case = await team.case(case.id)
    assert case.thread_conversation_id.startswith(f"{CENTRAL};")
