"""`@bot påminnelser` and the reminder wiring through the real app over HTTP."""

from __future__ import annotations

from tests.routing.conftest import SUNDSVALL, SUNDSVALL_TEAM, Team
from tests.support.activities import ANNA, KARIN


async def test_nothing_is_overdue_at_first(team: Team):
    await team.file(ANNA)
    await team.drain()
    assert "Inget är försenat" in await team.say(KARIN, "påminnelser")


async def test_lists_overdue_cases_most_overdue_first_and_reminds_the_thread(team: Team):
    older = await team.file(ANNA)
    team.bot.clock.advance(hours=1)
    newer = await team.file(ANNA)
    await team.drain()
    team.bot.clock.advance(hours=5)  # 16:00 in Stockholm: filed 10:00 and 11:00, both past 4 office hours

    answer = await team.say(KARIN, "påminnelser")
    assert "Försenade ärenden (2)" in answer
    assert answer.index(older.number) < answer.index(newer.number)
    assert "ingen handläggare" in answer and "P12345" not in answer
    assert f"- **{older.number}** – ingen handläggare · 2,0 arbetstimmar över tiden" in answer
    assert "· – ·" not in answer  # no placeholder where nobody holds the case

    await team.drain()  # the worker of the real app delivers the reminders into the case threads
    for case in (older, newer):
        reminders = [t for t in team.thread_texts(await team.case(case.id)) if "⏰" in t]
        assert len(reminders) == 1 and case.number in reminders[0]


async def test_only_in_the_central_channel(team: Team):
    answer = await team.say(KARIN, "påminnelser", channel=SUNDSVALL, team=SUNDSVALL_TEAM)
    assert "bara i förvaltningens kanal" in answer


async def test_a_held_case_names_its_assignee_in_the_list(team: Team):
    case = await team.file(ANNA)
    await team.drain()
    await team.click(KARIN, await team.view(KARIN, case), "case.take")
    team.bot.clock.advance(days=3)
    answer = await team.say(KARIN, "påminnelser")
    assert f"**{case.number}** – nästa steg väntar · Karin Holm · " in answer
