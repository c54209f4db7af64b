"""botbuilder's `Storage` on top of our DocumentStore, so ConversationState and UserState (and the
dialog stacks inside them) persist in Redis or SQLite with eTag checks.

botbuilder keeps live objects (DialogState, DialogInstance) in state, so values are flattened to
JSON with jsonpickle on the way in and restored on the way out, as botbuilder's own Cosmos DB and
Blob storages do. The eTag rules match `MemoryStorage` and `BotState.save_changes`: a state read
from storage carries "e_tag"; writing it back after someone else wrote raises (our
`VersionConflict`, which propagates out of `save_changes` to the turn's error handler); "*" and
a missing e_tag overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botbuilder.core import Storage
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from adapters import state_codec
from domain.ports import DocumentStore


def flatten(value: object) -> dict[str, Any]:
    try:
        flat = state_codec.flatten(value)  # jsonpickle's format, ~10x faster for bot state
    except state_codec.Unsupported:
        flat = Pickler().flatten(value, reset=True)
    if not isinstance(flat, dict):
        raise TypeError(f"bot state must be a dict or an object, not {type(value).__name__}")
    return flat


def restore(document: dict[str, Any]) -> Any:
    try:
        return state_codec.restore(document)
    except state_codec.Unsupported:
        # safe=True: never eval py/repr entries, should a document ever carry one.
        return Unpickler(safe=True).restore(document, reset=True)


class BotStorage(Storage):
    """Adapts a DocumentStore to botbuilder. Keys are botbuilder's own ("msteams/conversations/…");
    the DocumentStore namespaces them."""

    def __init__(self, documents: DocumentStore) -> None:
        super().__init__()
        self._documents = documents

    async def read(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys or [])
        if not keys:
            return {}
        found = await self._documents.read(keys)
        return {key: restore(document) for key, document in found.items()}

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        if changes:
            await self._documents.write({key: flatten(value) for key, value in changes.items()})

    async def delete(self, keys: Iterable[str]) -> None:
        # BotState.delete passes a set, not a list.
        keys = list(keys or [])
        if keys:
            await self._documents.delete(keys)
