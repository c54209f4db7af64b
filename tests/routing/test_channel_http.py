"""The central channel: linked by an admin with `@bot koppla kanal`, nobody else; cases wait
(and are not lost) until there is one."""

from __future__ import annotations

import logging

import pytest

from config import SettingsError
from handlers.central_team import CENTRAL_CHANNEL_KEY
from tests.routing.conftest import CENTRAL, CENTRAL_TEAM, ERIK, Team
from tests.support.activities import ANNA, KARIN, LARS


async def test_only_an_admin_can_link_the_channel(start_bot, team_settings):
    team = Team(await start_bot(team_settings()))
    reply = await team.say(ERIK, "koppla kanal")
    assert "Bara förvaltningens administratörer" in reply
    assert await team.bot.services.stores.documents.read([CENTRAL_CHANNEL_KEY]) == {}


async def test_an_admin_known_by_entra_id_links_any_channel_and_its_reference_is_kept(
    start_bot, team_settings
):
    team = Team(await start_bot(team_settings()))
    other = "19:not-general@thread.tacv2"
    assert "centrala ärendekanalen" in await team.say(LARS, "link channel", channel=other)
    stored = await team.bot.services.stores.documents.read([CENTRAL_CHANNEL_KEY])
    assert stored[CENTRAL_CHANNEL_KEY]["channel_id"] == other
    assert stored[CENTRAL_CHANNEL_KEY]["team_id"] == CENTRAL_TEAM
    reference = await team.bot.services.stores.references.get(f"channel:{other}")
    assert reference is not None and reference["conversation"]["id"] == other  # the channel, not a thread


async def test_with_central_team_id_set_the_channel_links_only_in_that_team(start_bot, team_settings):
    team = Team(await start_bot(team_settings(central_team_id=CENTRAL_TEAM)))
    reply = await team.say(
        KARIN, "koppla kanal", channel="19:elsewhere@thread.tacv2", team="19:other-team@thread.tacv2"
    )
    assert "bara kopplas i den centrala" in reply
    assert await team.bot.services.stores.documents.read([CENTRAL_CHANNEL_KEY]) == {}
    assert "centrala ärendekanalen" in await team.link()


async def test_linking_learns_the_admins_among_the_teams_members(team):
    # Lars is configured by his Entra id only: his Teams id and name come from the member list.
    case = await team.file(ANNA)
    await team.drain()
    card = await team.click(KARIN, await team.view(KARIN, await team.case(case.id)), "case.take")
    assert card["refresh"]["userIds"] == ["29:karin", "29:lars"]
    reassign = next(a for a in card["actions"] if a.get("title") == "Ge till annan")
    assert reassign["card"]["body"][0]["choices"] == [{"title": "Lars Ekström", "value": "29:lars"}]


async def test_linking_works_when_the_members_cannot_be_listed(start_bot, team_settings, caplog):
    team = Team(await start_bot(team_settings()))
    team.connector.members_status = 403  # type: ignore[attr-defined]
    assert "centrala ärendekanalen" in await team.link()
    assert "could not list the team's members" in caplog.text
    case = await team.file(ANNA)
    await team.drain()
    card = await team.view(KARIN, await team.case(case.id))
    assert card["refresh"]["userIds"] == ["29:karin"]  # Lars (Entra id only) is learned when he acts


async def test_help_in_the_channel(team):
    assert "koppla kanal" in await team.say(ERIK, "hjälp")


async def test_a_case_filed_before_any_channel_is_linked_waits_and_is_posted_after(
    start_bot, team_settings, caplog
):
    team = Team(await start_bot(team_settings()))
    case = await team.file(ANNA)
    with caplog.at_level(logging.WARNING):
        assert await team.drain() == 0
    assert "koppla kanal" in caplog.text
    assert team.connector.created == []
    await team.link()
    team.bot.clock.advance(seconds=20)  # "not ready yet" retries in 15 s, not after the lease
    assert await team.drain() == 1
    posted = await team.case(case.id)
    assert posted.thread_conversation_id.startswith(CENTRAL)
    assert len(team.submitter_messages(ANNA)) == 1


def test_municipal_channels_must_name_known_municipalities(settings_for):
    settings = settings_for(municipal_channels="Sundsvall=19:a@thread.tacv2, Ånge=19:b@thread.tacv2")
    assert settings.municipal_channels == {"Sundsvall": "19:a@thread.tacv2", "Ånge": "19:b@thread.tacv2"}
    with pytest.raises(SettingsError, match="Stockholm"):
        settings_for(municipal_channels="Stockholm=19:c@thread.tacv2")
    with pytest.raises(SettingsError, match="Municipality="):
        settings_for(municipal_channels="Sundsvall")


def test_admin_ids_and_the_servicenow_pattern_are_read_from_settings(settings_for):
    settings = settings_for(admin_ids="29:karin=Karin Holm, 0000-aad", servicenow_pattern=r"INC\d{7}")
    assert settings.admin_ids == ["29:karin=Karin Holm", "0000-aad"]
    assert settings.servicenow_pattern == r"INC\d{7}"
    with pytest.raises(SettingsError, match="servicenow_pattern"):
        settings_for(servicenow_pattern="(")
