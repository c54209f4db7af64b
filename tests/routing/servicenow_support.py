"""Helpers for the ServiceNow tests (the stand-in and store fixtures are in conftest.py): a team
whose bot is configured for the stand-in, and a case walked to the step "send to the vendor"."""

from __future__ import annotations

from typing import Any

from domain.case import Case
from tests.routing.conftest import Team
from tests.support.activities import ANNA, KARIN
from tests.support.servicenow_standin import CLIENT_ID, CLIENT_SECRET, ServiceNowStandIn

TO_PROCESS_CLOSED = [
    "case.take",
    "case.record_call",
    "case.record_address_update",
    "case.confirm_protected",
    "case.record_process_closed",
]


def servicenow_settings(standin: ServiceNowStandIn, **overrides: Any) -> dict[str, Any]:
    return {
        "servicenow_instance_url": standin.url,
        "servicenow_client_id": CLIENT_ID,
        "servicenow_client_secret": CLIENT_SECRET,
        "servicenow_assignment_group": "LifeCare SP Leverantör",
        "servicenow_category": "software",
        "servicenow_timeout_seconds": 1,
        **overrides,
    }


async def start_team(start_bot: Any, team_settings: Any, **settings: Any) -> Team:
    team = Team(await start_bot(team_settings(**settings)))
    assert "central" in await team.link()
    return team


async def to_process_closed(team: Team) -> tuple[Case, dict[str, Any]]:
    """A type A case, filed and walked by Karin to "send to the vendor": (case, her card)."""
    case = await team.file(ANNA)
    await team.drain()
    card = await team.view(KARIN, case)
    for verb in TO_PROCESS_CLOSED:
        card = await team.click(KARIN, card, verb)
    await team.drain()
    return case, card


def updated_cards(team: Team) -> list[str]:
    return [str(a.get("attachments")) for a in team.connector.updated]
