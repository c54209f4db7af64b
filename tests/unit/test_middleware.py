"""Middleware at the SDK edge, with botbuilder's own TestAdapter."""

from __future__ import annotations

from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ConversationAccount

from adapters.middleware import IdentityGuardMiddleware, TenantMiddleware
from tests.support.numbers import personnummer

NUMBER = personnummer("121212", "121")


async def run_turn(middleware, activity: Activity) -> tuple[bool, list[Activity]]:
    reached: list[bool] = []

    async def logic(context: TurnContext) -> None:
        reached.append(True)

    adapter = TestAdapter(logic)
    adapter.template.conversation = activity.conversation  # TestAdapter overwrites the activity's
    adapter.use(middleware)
    await adapter.process_activity(activity, logic)
    return bool(reached), list(adapter.activity_buffer)


def message(tenant: str = "tenant-vnl", **fields) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        text=fields.pop("text", "hej"),
        locale="sv-SE",
        conversation=ConversationAccount(id="a:1", conversation_type="personal", tenant_id=tenant),
        **fields,
    )


async def test_tenant_allowed_passes():
    reached, replies = await run_turn(TenantMiddleware(["tenant-vnl"]), message())
    assert reached and replies == []


async def test_other_tenant_is_refused_in_swedish():
    reached, replies = await run_turn(TenantMiddleware(["tenant-vnl"]), message(tenant="evil"))
    assert not reached
    assert "Region Västernorrlands" in replies[0].text


async def test_an_event_named_like_a_proactive_turn_is_tenant_checked_too():
    """The bot runs no proactive turns (connector_calls.py), so no event is exempt: one named
    ContinueConversation from another tenant is refused like any other activity."""
    event = Activity(
        type=ActivityTypes.event,
        name="ContinueConversation",
        conversation=ConversationAccount(id="x", tenant_id="evil"),
    )
    reached, replies = await run_turn(TenantMiddleware(["tenant-vnl"]), event)
    assert not reached and replies == []  # an event gets no answer, only the refusal


async def test_guard_ignores_teams_identifiers_but_not_names():
    digits = NUMBER.replace("-", "")
    ids = {"team": {"id": f"19:ab{digits}cd@thread.tacv2"}, "tenant": {"id": "t"}}
    reached, _ = await run_turn(IdentityGuardMiddleware(), message(channel_data=ids))
    assert reached
    named = {"team": {"id": "19:x", "name": f"Team {NUMBER}"}}
    activity = message(channel_data=named)
    reached, replies = await run_turn(IdentityGuardMiddleware(), activity)
    assert reached and replies == []  # a team's name is masked, not refused
    assert activity.channel_data["team"] == {"id": "19:x", "name": "Team [dold]"}


async def test_language_can_be_pinned_to_swedish():
    from adapters.middleware import LanguageMiddleware

    english = message()
    english.locale = "en-US"
    seen: list[str] = []

    async def logic(context: TurnContext) -> None:
        seen.append(context.activity.locale)

    adapter = TestAdapter(logic)
    adapter.use(LanguageMiddleware("sv"))
    await adapter.process_activity(english, logic)
    assert seen == ["sv-SE"]


async def test_card_values_are_scanned_whole_even_under_an_identifier_like_key():
    reached, replies = await run_turn(IdentityGuardMiddleware(), message(text="", value={"id": NUMBER}))
    assert not reached and "personnummer" in replies[0].text
