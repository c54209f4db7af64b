"""Proactive work that cannot be delivered, through the production app (create_app): it never
takes the user-facing error path, permanent failures become one *leveransproblem* note, transient
ones are retried a bounded number of times and then dead-lettered — no loops, no generic error."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from domain.reminder_schedule import plan_reminder
from tests.routing.conftest import CENTRAL, Team
from tests.support.activities import ANNA, KARIN, User, personal_activity

GENERIC_ERRORS = ("Något gick fel", "Something went wrong")


def dm(user: User) -> str:
    return f"a:personal-{user.id}"


def everything_posted(team: Team) -> list[str]:
    activities = [*team.connector.sent, *team.connector.updated, *team.connector.created]
    return [str(a.get("text") or "") + str(a.get("activity") or "") for a in activities]


async def drain_for(team: Team, rounds: int, minutes: float = 11) -> None:
    for _ in range(rounds):
        await team.drain()
        team.bot.clock.advance(minutes=minutes)


async def test_a_1to1_chat_answering_403_gets_one_note_and_no_error_text(team: Team, caplog):
    caplog.set_level(logging.INFO)
    await team.bot.chat(KARIN).say("hej")  # Karin's 1:1 reference exists
    team.connector.refuse = {"a:": 403}  # then both remove the bot: every 1:1 chat answers 403
    install = personal_activity(ANNA, team.connector.url, type="installationUpdate", action="add")
    status, _ = await team.post(install)  # the greeting goes to the connector and gets 403
    assert status < 500
    case = await team.file(ANNA)  # Anna's "hej" is answered in the HTTP response (expectReplies)
    await drain_for(team, 2)
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    assert card
    await drain_for(team, 2)
    fresh = await team.case(case.id)
    reminder = plan_reminder(fresh, team.bot.services.planner.calendar, team.bot.services.planner.policy)
    assert reminder is not None and reminder.kind.value == "step_idle"
    team.bot.clock.now = max(team.bot.clock.now, reminder.due_at)
    await drain_for(team, 6, minutes=60 * 24)  # the whole idle period: reminder after reminder

    assert 1 <= team.connector.calls[dm(KARIN)] <= 3
    assert 1 <= team.connector.calls[dm(ANNA)] <= 3
    noted = [a for a in team.connector.sent if "Leveransproblem" in (a.get("text") or "")]
    assert {a["_conversation"] for a in noted} == {CENTRAL}
    notes = [a["text"] for a in noted]
    assert any(ANNA.name in n and case.number in n for n in notes)
    assert any(KARIN.name in n for n in notes)
    assert len(notes) == 2  # once per person, not per message
    assert not [t for t in everything_posted(team) if any(e in t for e in GENERIC_ERRORS)]
    assert "unhandled error" not in caplog.text
    listing = await team.say(KARIN, "påminnelser")
    assert "Leveransproblem" in listing and ANNA.name in listing and KARIN.name in listing


@pytest.mark.parametrize("how", ["refused", "timing out"])
async def test_a_dead_connector_is_tried_a_bounded_number_of_times_then_dead_lettered(
    start_bot, team_settings, how: str, caplog
):
    team = Team(await start_bot(team_settings(proactive_send_timeout_seconds=0.3)))
    assert "central" in await team.link()
    case = await team.file(ANNA)
    if how == "refused":
        await team.connector.close()  # nothing listens: connection refused
    else:
        team.connector.hold()  # accepts and never answers: every call times out
    attempts = team.bot.settings.outbox_retry_attempts
    await drain_for(team, attempts + 4)
    dead = [r for r in caplog.records if "dead-lettered" in r.getMessage()]
    assert [r.levelname for r in dead] == ["ERROR"]
    assert f"after {attempts} attempts" in dead[0].getMessage()
    retried = [r for r in caplog.records if "case_filed" in r.getMessage() and "next in" in r.getMessage()]
    assert len(retried) == attempts - 1
    due = team.bot.services.stores.due
    later = await due.claim_due(team.bot.clock() + timedelta(days=30), 10, timedelta(minutes=1))
    kinds = [item.payload["kind"] for item in later if item.payload["kind"] != "digest"]
    assert kinds == ["reminder"]  # the case waits; no retry left (the next weekly digest waits too)
    assert "unhandled error" not in caplog.text
    team.connector.release()
    problems = await team.bot.services.problems.recent()
    assert [p["kind"] for p in problems] == ["dead_letter"] and problems[0]["case_number"] == case.number
