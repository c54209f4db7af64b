"""The 1:1 conversation reference the bot keeps for proactive messages follows what Teams sends."""

from __future__ import annotations

from domain.ports import user_reference_key
from tests.support.activities import ANNA


async def test_a_persons_reference_is_kept_and_follows_her_new_locale(start_bot, settings_for):
    bot = await start_bot(settings_for())
    references = bot.services.stores.references
    key = user_reference_key(ANNA.id, ANNA.aad_id)
    await bot.chat(ANNA).say("hjälp")
    await bot.chat(ANNA).say("hjälp")  # unchanged: the kept one stands
    kept = await references.get(key)
    assert kept is not None and kept["locale"] == "sv-SE"
    assert kept["conversation"]["id"] == f"a:personal-{ANNA.id}" and kept["user"]["id"] == ANNA.id
    assert "activityId" not in kept  # differs per message; proactive sends do not use it
    await bot.chat(ANNA, locale="en-US").say("help")
    changed = await references.get(key)
    assert changed is not None and changed["locale"] == "en-US"
    assert {k: v for k, v in changed.items() if k != "locale"} == {
        k: v for k, v in kept.items() if k != "locale"
    }
