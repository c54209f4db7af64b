"""When the purge runs: the retention in force at run time decides, not the one at scheduling."""

from __future__ import annotations

from tests.privacy.conftest import PATIENT_ID, TeamsChat
from tests.routing.conftest import Team
from tests.support.activities import ANNA, KARIN


async def rejected_case(team: Team):
    await TeamsChat(team, ANNA).file_type_b()
    await team.drain()
    (case,) = await team.bot.services.stores.cases.list()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    await team.click(KARIN, card, "case.reject_not_protected", reason="Ingen markering")
    await team.drain()
    return await team.case(case.id)


async def test_a_purge_postponed_by_a_longer_retention_waits(start_bot, team_settings, clock):
    team = Team(await start_bot(team_settings(case_retention_days=30)))
    assert "central" in await team.link()
    case = await rejected_case(team)
    await team.bot.http.close()
    await team.bot.server.close()
    clock.advance(days=31)
    team = Team(await start_bot(team_settings(case_retention_days=60)))
    await team.drain()
    assert (await team.case(case.id)).patient_id == PATIENT_ID  # kept: the policy changed
    clock.advance(days=30)
    await team.drain()
    assert (await team.case(case.id)).patient_id == ""
