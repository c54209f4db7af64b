"""One person or one conversation cannot flood the bot; nobody files unlimited cases."""

from __future__ import annotations

from tests.dialogs.test_intake_http import answer_until_summary, card_action_data
from tests.routing.conftest import ADMIN_IDS, Team
from tests.support.activities import ANNA, KARIN, MARIA

INTAKE = ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"]
AGAIN = ["ny anmälan", "ja", "nej", "P12345", "ja"]  # the organisation is remembered


async def test_a_flooding_user_is_told_once_and_others_are_not_affected(start_bot, settings_for):
    bot = await start_bot(settings_for(turns_per_user_minute=5))
    anna = bot.chat(ANNA)
    replies = [await anna.send("hjälp") for _ in range(9)]
    answered = [r for r in replies[:5] if r]
    assert len(answered) == 5 and all("vänta en minut" not in str(r).lower() for r in answered)
    assert "Vänta en minut" in str(replies[5])
    assert replies[6:] == [[], [], []]  # dropped quietly: no reply per flooded message
    assert "personnummer" in await bot.chat(MARIA).say("hjälp")


async def test_the_intake_cap_keeps_the_draft_and_lets_it_through_after_the_hour(start_bot, settings_for):
    bot = await start_bot(settings_for(intakes_per_user_hour=2))
    chat = bot.chat(ANNA)
    for answers in (INTAKE, AGAIN):
        card = await answer_until_summary(chat, answers)
        assert "är skickat" in await chat.say(value=card_action_data(card, "Skicka"))
    card = await answer_until_summary(chat, AGAIN)
    refused = await chat.say(value=card_action_data(card, "Skicka"))
    assert "2 anmälningar den senaste timmen" in refused
    assert len(await bot.services.stores.cases.list()) == 2

    bot.clock.advance(minutes=61)
    assert "är skickat" in await chat.say(value=card_action_data(card, "Skicka"))
    assert len(await bot.services.stores.cases.list()) == 3


async def test_card_refreshes_have_their_own_larger_budget(start_bot, settings_for):
    team = Team(
        await start_bot(settings_for(admin_ids=ADMIN_IDS, outbox_poll_seconds=0, turns_per_user_minute=3))
    )
    assert "central" in await team.link()
    case = await team.file(ANNA)
    await team.drain()
    stored = await team.case(case.id)
    for _ in range(30):  # an admin scrolling past cards: Teams refreshes each one (3 x 10 allowed)
        card = await team.view(KARIN, stored)
        assert card.get("type") == "AdaptiveCard" and "Vänta" not in str(card)
    assert "Vänta en minut" in str(
        await team.invoke(KARIN, "case.refresh", {"case_id": case.id, "version": 0})
    )
