"""The outbox's conversation references: read once per batch, a save in the batch seen at once."""

from __future__ import annotations

from adapters.outbox_scope import BatchReferences, batch_scope
from domain.ports import Stores

REFERENCE = {
    "channelId": "msteams",
    "serviceUrl": "https://smba.trafficmanager.net/emea/",
    "conversation": {"id": "19:central@thread.tacv2", "isGroup": True},
    "bot": {"id": "28:bot", "name": "Skyddad ID"},
}


async def test_a_batch_parses_a_reference_once_and_sees_its_own_save(stores: Stores) -> None:
    references = BatchReferences(stores.references)
    await stores.references.save("channel:central", REFERENCE)
    with batch_scope():
        first = await references.parsed("channel:central")
        assert first is not None and first.conversation.id == "19:central@thread.tacv2"
        assert await references.parsed("channel:central") is first  # shared within the batch
        await references.save(
            "channel:central", {**REFERENCE, "conversation": {"id": "19:moved@thread.tacv2"}}
        )
        moved = await references.parsed("channel:central")
        assert moved is not None and moved.conversation.id == "19:moved@thread.tacv2"
        raw = await references.get("channel:central")
        assert raw is not None and raw["conversation"]["id"] == "19:moved@thread.tacv2"
    assert await references.parsed("channel:missing") is None
