"""Picking a municipality over HTTP: every one on a choice list (never cut at Teams' 6 buttons),
typed answers in the forms people write, official names on the summary and the stored case."""

from __future__ import annotations

import json

import pytest

from cards.choice_cards import MAX_CARD_ACTIONS
from tests.dialogs.test_intake_http import card_action_data
from tests.support.activities import MARIA, last_card

SEVEN = [
    "Sundsvalls kommun",
    "Timrå kommun",
    "Härnösands kommun",
    "Kramfors kommun",
    "Sollefteå kommun",
    "Örnsköldsviks kommun",
    "Ånge kommun",
]


def choice_set(card: dict) -> dict:
    (found,) = [block for block in card["body"] if block["type"] == "Input.ChoiceSet"]
    return found


async def test_all_seven_are_offered_on_a_choice_list_within_teams_limits(bot):
    chat = bot.chat(MARIA)
    await chat.say("ny anmälan")
    card = last_card(await chat.send("Kommun"))
    titles = [choice["title"] for choice in choice_set(card)["choices"]]
    assert titles == [f"{n}. {label}" for n, label in enumerate(SEVEN, start=1)]
    assert card["version"] == "1.5" and len(card["actions"]) <= MAX_CARD_ACTIONS
    assert "Sundsvall kommun" not in json.dumps(card, ensure_ascii=False)


async def test_the_seventh_is_picked_from_the_list(bot):
    chat = bot.chat(MARIA)
    await chat.say("ny anmälan")
    card = last_card(await chat.send("Kommun"))
    picked = {**card_action_data(card, "Välj"), "choice": choice_set(card)["choices"][6]["value"]}
    assert "pågående vårdtillfälle" in await chat.say(value=picked)
    for answer in ["nej", "P777"]:
        await chat.say(answer)
    summary = last_card(await chat.send("ja"))
    assert "Ånge kommun" in json.dumps(summary, ensure_ascii=False)
    await chat.say(value=card_action_data(summary, "Skicka"))
    (case,) = await bot.services.stores.cases.list()
    assert (case.organisation.name, case.organisation.display) == ("Ånge", "Ånge kommun")


@pytest.mark.parametrize(
    ("typed", "name", "label"),
    [
        ("Örnsköldsviks kommun", "Örnsköldsvik", "Örnsköldsviks kommun"),
        ("sundsvalls", "Sundsvall", "Sundsvalls kommun"),
        ("Ornskoldsvik", "Örnsköldsvik", "Örnsköldsviks kommun"),
        ("Ö-vik", "Örnsköldsvik", "Örnsköldsviks kommun"),
        ("3", "Härnösand", "Härnösands kommun"),
    ],
)
async def test_typed_answers_are_understood(bot, typed, name, label):
    chat = bot.chat(MARIA)
    await chat.say("ny anmälan")
    await chat.say("kommun")
    assert "pågående vårdtillfälle" in await chat.say(typed)
    for answer in ["nej", "P777"]:
        await chat.say(answer)
    summary = last_card(await chat.send("ja"))
    assert label in json.dumps(summary, ensure_ascii=False)
    await chat.say(value=card_action_data(summary, "Skicka"))
    (case,) = await bot.services.stores.cases.list()
    assert case.organisation.name == name and case.organisation.display == label
    assert f"arbetar inom **{label}**" in await chat.say("ny anmälan")


async def test_an_unknown_answer_asks_again_with_the_list(bot):
    chat = bot.chat(MARIA)
    await chat.say("ny anmälan")
    await chat.say("kommun")
    replies = await chat.send("Umeå")
    assert "Välj ett av alternativen" in replies[0]["text"]
    assert len(choice_set(last_card(replies))["choices"]) == 7


async def test_naming_the_municipality_at_the_first_question_skips_the_list(bot):
    chat = bot.chat(MARIA)
    await chat.say("ny anmälan")
    assert "pågående vårdtillfälle" in await chat.say("Sundsvalls kommun")


async def test_a_deployment_sets_names_and_display_forms(start_bot, settings_for):
    bot = await start_bot(settings_for(municipalities="Sundsvall,Falun=Falu kommun"))
    chat = bot.chat(MARIA)
    await chat.say("ny anmälan")
    card = last_card(await chat.send("kommun"))
    assert [c["title"] for c in choice_set(card)["choices"]] == ["1. Sundsvalls kommun", "2. Falu kommun"]
    assert [c["value"] for c in choice_set(card)["choices"]] == ["Sundsvall", "Falun"]
    assert "pågående vårdtillfälle" in await chat.say("falu")


async def test_an_old_question_card_clicked_after_cancelling_is_stale(bot):
    chat = bot.chat(MARIA)
    await chat.say("ny anmälan")
    card = last_card(await chat.send("Kommun"))
    await chat.say("avbryt")
    stale = await chat.say(value={**card_action_data(card, "Välj"), "choice": "Timrå"})
    assert "inte längre är aktiv" in stale


async def test_in_municipal_channel_mode_the_submitter_is_told_her_municipality_has_it(
    start_bot, settings_for
):
    bot = await start_bot(
        settings_for(
            municipal_channels_enabled=True, municipal_channels="Sundsvall=19:sundsvall@thread.tacv2"
        )
    )
    chat = bot.chat(MARIA)
    for answer in ["ny anmälan", "Kommun", "Sundsvalls kommun", "nej", "P777"]:
        await chat.say(answer)
    summary = last_card(await chat.send("ja"))
    done = await chat.say(value=card_action_data(summary, "Skicka"))
    assert "skickat till **Sundsvalls kommuns förvaltning** för LifeCare SP" in done
    assert "vidare till den centrala LifeCare SP-förvaltningen" in done


async def test_a_remembered_municipality_gets_todays_display_form(start_bot, settings_for):
    first = await start_bot(settings_for(municipalities="Falun"))
    chat = first.chat(MARIA)
    for answer in ["ny anmälan", "kommun", "1", "nej", "P777"]:
        await chat.say(answer)
    await chat.say(value=card_action_data(last_card(await chat.send("ja")), "Skicka"))
    await first.http.close()
    await first.server.close()
    second = await start_bot(settings_for(municipalities="Falun=Falu kommun"))
    assert "arbetar inom **Falu kommun**" in await second.chat(MARIA).say("ny anmälan")
    await second.chat(MARIA).say("avbryt")
    third = await start_bot(settings_for(municipalities="Sundsvall"))  # Falun no longer offered
    assert "regionen** eller i en **kommun" in await third.chat(MARIA).say("ny anmälan")
