"""Two libraries botbuilder-dialogs imports eagerly for prompts this bot never runs, loaded on use.

`import botbuilder.dialogs` imports every prompt: DateTimePrompt pulls in recognizers_date_time
(~7 MB resident: hundreds of regexes and their tables) and recognizers_text pulls in emoji (~5 MB
of emoji tables, for ConfirmPrompt's recogniser). The bot uses waterfalls, TextPrompt and
ChoicePrompt, whose recognisers need neither. `defer()` puts a stand-in for each into
`sys.modules` that holds just the names botbuilder imports from it; the first call through one of
them, or any other attribute, imports the real module, so a future DateTimePrompt still works.
dialogs/__init__.py calls `defer()` before any dialog module imports botbuilder.dialogs.
(Issue 17: RSS after load; tests/unit/test_deferred_imports.py.)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    """A stand-in module: any attribute it lacks imports the real module and comes from there."""

    def load(self) -> ModuleType:
        current = sys.modules.get(self.__name__)
        if current is not None and current is not self:
            return current  # already replaced by the real one
        del sys.modules[self.__name__]
        try:
            return importlib.import_module(self.__name__)
        except BaseException:
            sys.modules[self.__name__] = self
            raise

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # introspection (__file__, __path__...) must not load it
            raise AttributeError(name)
        return getattr(self.load(), name)


class _LazyMapping(Mapping[Any, Any]):
    """A module-level dict of the deferred module, fetched when first read."""

    def __init__(self, module: _Deferred, name: str) -> None:
        self._module = module
        self._name = name

    def _real(self) -> Mapping[Any, Any]:
        real: Mapping[Any, Any] = getattr(self._module.load(), self._name)
        return real

    def __getitem__(self, key: Any) -> Any:
        return self._real()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._real()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._real())

    def __len__(self) -> int:
        return len(self._real())


def defer() -> None:
    """Install the stand-ins unless the real modules are loaded already. Idempotent."""
    if "recognizers_date_time" not in sys.modules:
        stand_in = _Deferred("recognizers_date_time")

        def recognize_datetime(*args: Any, **kwargs: Any) -> Any:
            return stand_in.load().recognize_datetime(*args, **kwargs)

        stand_in.recognize_datetime = recognize_datetime  # type: ignore[attr-defined]
        sys.modules["recognizers_date_time"] = stand_in
    if "emoji" not in sys.modules:
        emoji = _Deferred("emoji")
        emoji.UNICODE_EMOJI = _LazyMapping(emoji, "UNICODE_EMOJI")  # type: ignore[attr-defined]
        sys.modules["emoji"] = emoji
