"""The Table API query the bot builds: `^` is ServiceNow's condition separator, and its
encoded-query syntax has no escape for it, so a value holding one is refused before any call
(a value like `INC1^NQactive=true` would otherwise ask for every active record)."""

from __future__ import annotations

import pytest

from adapters.servicenow import ServiceNowFailed, encoded_query
from tests.routing.conftest import CENTRAL
from tests.routing.servicenow_support import servicenow_settings, start_team, to_process_closed
from tests.support.activities import KARIN
from tests.support.servicenow_standin import ServiceNowStandIn


def test_conditions_are_joined_with_the_and_separator():
    assert encoded_query({"correlation_id": "c-1", "number": "INC0012345"}) == (
        "correlation_id=c-1^number=INC0012345"
    )


@pytest.mark.parametrize(
    "equals",
    [
        {"number": "INC1^NQactive=true"},
        {"number": "^"},
        {"correlation_id": "ok", "number": "INC1^ORnumber=INC2"},
        {"number^NQactive": "true"},
        {"": "INC1"},
    ],
)
def test_a_caret_or_an_odd_field_name_is_refused_for_good(equals):
    with pytest.raises(ServiceNowFailed) as refused:
        encoded_query(equals)
    assert refused.value.permanent
    assert "NQ" not in str(refused.value) and "INC1" not in str(refused.value)  # no value is echoed


async def test_a_number_holding_the_separator_is_never_sent_as_a_query(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    """A pattern loose enough to let `^` through (a misconfiguration): the case keeps the number
    an admin typed, but the poll's query is refused before any call, as a permanent failure (one
    leveransproblem note), not read as two conditions."""
    settings = servicenow_settings(servicenow, servicenow_pattern=r"INC\d{7}(\^NQ[A-Z=]+)?")
    team = await start_team(start_bot, team_settings, **settings)
    case, card = await to_process_closed(team)
    typed = "INC0099999^NQACTIVE=TRUE"
    await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow=typed)
    assert (await team.case(case.id)).servicenow_number == typed
    for _ in range(3):  # past the first poll, 30 office minutes on
        team.bot.clock.advance(minutes=15)
        await team.drain()
    assert servicenow.calls == []  # no query, not even a token
    notes = [
        a["text"]
        for a in team.connector.to_conversation(CENTRAL)
        if "Leveransproblem" in (a.get("text") or "")
    ]
    assert len(notes) == 1 and case.number in notes[0]
