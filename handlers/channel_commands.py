"""@mentions of the bot in a team channel: `koppla kanal`, `påminnelser`, `hjälp`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from botbuilder.core import TurnContext

from messages import text

ChannelCommand = Callable[[TurnContext], Awaitable[None]]


def command_text(context: TurnContext) -> str:
    """The message without the bot's @mention, trimmed and lower-cased."""
    TurnContext.remove_recipient_mention(context.activity)
    return " ".join((context.activity.text or "").split()).lower()


class ChannelCommands:
    def __init__(self) -> None:
        self._commands: dict[str, ChannelCommand] = {}

    def register(self, names: tuple[str, ...], command: ChannelCommand) -> None:
        for name in names:
            self._commands[name] = command

    async def on_message(self, context: TurnContext) -> None:
        command = self._commands.get(command_text(context))
        if command is not None:
            await command(context)
            return
        await context.send_activity(text("help_channel", context.activity.locale))
