"""@mentions of the bot in a team channel: `koppla kanal`, `påminnelser`, `hjälp`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from msrest.serialization import Model

from adapters.model_codec import to_json
from domain.case import Person
from domain.clock import Clock
from domain.ports import ConversationReferences, channel_reference_key
from handlers.case_actions import actor_of, channel_id_of, team_id_of
from handlers.central_team import CentralTeam, ChannelBinding
from messages import text

log = logging.getLogger(__name__)

ChannelCommand = Callable[[TurnContext], Awaitable[None]]


def command_text(context: TurnContext) -> str:
    """The message without the bot's @mention, trimmed and lower-cased.

    Not the SDK's `remove_recipient_mention`: it uses each mention's text as a regular expression
    (a forged mention text is then an invalid or catastrophic pattern) and fails on a message
    without text. The mention text is removed literally here."""
    activity = context.activity
    words = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient is not None else None
    for entity in activity.entities or []:
        data = to_json(entity) if isinstance(entity, Model) else entity
        props = {**data, **(getattr(entity, "additional_properties", None) or {})}
        if not isinstance(props, dict) or props.get("type") != "mention":
            continue
        mentioned, mention_text = props.get("mentioned"), props.get("text")
        if isinstance(mentioned, dict) and mentioned.get("id") == bot_id and isinstance(mention_text, str):
            words = words.replace(mention_text, " ") if mention_text else words
    return " ".join(words.split()).lower()


def command_argument(context: TurnContext, names: tuple[str, ...]) -> str:
    """What follows the command's name (`statistik 2026` → "2026"); "" when nothing does."""
    words = command_text(context)
    for name in sorted(names, key=len, reverse=True):
        if words == name or words.startswith(name + " "):
            return words[len(name) :].strip()
    return ""


class ChannelCommands:
    def __init__(self) -> None:
        self._commands: dict[str, ChannelCommand] = {}
        self._with_argument: dict[str, ChannelCommand] = {}

    def register(self, names: tuple[str, ...], command: ChannelCommand, *, argument: bool = False) -> None:
        """`argument`: the command also answers its name followed by more words."""
        for name in names:
            self._commands[name] = command
            if argument:
                self._with_argument[name] = command

    async def on_message(self, context: TurnContext) -> None:
        words = command_text(context)
        command = self._commands.get(words) or self._with_argument.get(words.split(" ", 1)[0])
        if command is not None:
            await command(context)
            return
        await context.send_activity(text("help_channel", context.activity.locale))


class ChannelLink:
    """`@bot koppla kanal`: an admin makes this channel the central one (any channel of the team,
    not only General). Stores the binding and the channel's conversation reference, and learns
    the admins among the team's members for the card's reassign list and refresh ids."""

    NAMES = ("koppla kanal", "link channel")
    MAX_MEMBER_PAGES = 10
    MEMBERS_TIMEOUT_SECONDS = 5.0

    def __init__(self, team: CentralTeam, references: ConversationReferences, clock: Clock) -> None:
        self._team = team
        self._references = references
        self._clock = clock

    async def __call__(self, context: TurnContext) -> None:
        locale = context.activity.locale
        actor = actor_of(context)
        channel_id = channel_id_of(context)
        if not self._team.is_admin(actor):
            log.warning("refused 'koppla kanal' from a non-admin")
            await context.send_activity(text("link_refused", locale))
            return
        team_id = team_id_of(context)
        if not channel_id or not team_id:
            await context.send_activity(text("link_not_channel", locale))
            return
        if not self._team.is_central_team(team_id, _aad_group_id(context)):
            # CENTRAL_TEAM_ID is set: an admin who is also in other teams cannot move the
            # cases (and the patients' Patient IDs) into one of those.
            log.warning("refused 'koppla kanal' in a team other than CENTRAL_TEAM_ID")
            await context.send_activity(text("link_wrong_team", locale))
            return
        reference = to_json(TurnContext.get_conversation_reference(context.activity))
        # The reference is for the channel, not for the thread this command was typed in.
        reference["conversation"] = {**reference.get("conversation", {}), "id": channel_id}
        await self._references.save(channel_reference_key(channel_id), reference)
        await self._team.bind(ChannelBinding(channel_id, team_id), actor, self._clock())
        await self._team.learn([actor, *await self._members(context)])
        await context.send_activity(text("link_done", locale))

    async def _members(self, context: TurnContext) -> list[Person]:
        """The team's members, best effort: the link works without names, they are learned later."""
        people: list[Person] = []
        try:
            async with asyncio.timeout(self.MEMBERS_TIMEOUT_SECONDS):  # the link must not hang on it
                token: str | None = None
                for _ in range(self.MAX_MEMBER_PAGES):
                    page = await TeamsInfo.get_paged_members(context, token, 500)
                    people += [
                        Person(id=m.id, name=m.name or "", aad_id=m.aad_object_id or "")
                        for m in page.members or []
                    ]
                    token = page.continuation_token
                    if not token:
                        break
        except Exception as error:  # the connector may not list members (permissions, a local client)
            log.warning("could not list the team's members: %s", type(error).__name__)
        return people


def _aad_group_id(context: TurnContext) -> str:
    data = context.activity.channel_data
    team = data.get("team") if isinstance(data, dict) else None
    return str(team.get("aadGroupId") or "") if isinstance(team, dict) else ""


async def channel_help(context: TurnContext) -> None:
    await context.send_activity(text("help_channel", context.activity.locale))


HELP_NAMES = ("hjälp", "help", "?")
