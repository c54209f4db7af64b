"""Everything Teams can trigger, in one table: the Action.Execute verbs of the case card and what
an @mention of the bot in a channel can say. bot.py hands a card action to `card_actions` and a
channel message to `channel_commands`, both filled from the tables below, so any behaviour is
two hops from bot.py. (The 1:1 chat is dialogs/personal_chat.py; the outbox jobs are in jobs/.)
"""

from __future__ import annotations

from cards.case_verbs import REFRESH, VERBS
from handlers.card_actions import CardActions, Handler
from handlers.case_actions import CaseActions
from handlers.channel_commands import HELP_NAMES, ChannelCommand, ChannelCommands, ChannelLink, channel_help
from handlers.overview_command import OverviewCommand
from handlers.reminder_command import OverdueCommand
from handlers.stats_command import StatsCommand


def card_verbs(actions: CaseActions) -> dict[str, Handler]:
    """Verb → handler, for every verb a case card sends (cards/case_verbs.py)."""
    return {REFRESH: actions.refresh, **{verb: actions.handler(action) for verb, action in VERBS.items()}}


def channel_words(
    link: ChannelLink, overdue: OverdueCommand, overview: OverviewCommand
) -> dict[tuple[str, ...], ChannelCommand]:
    """What may follow `@bot` in a channel → its command; anything else gets the channel help."""
    return {
        ChannelLink.NAMES: link,  # koppla kanal: make this the central channel (admins)
        OverdueCommand.NAMES: overdue,  # påminnelser: what is overdue, delivery problems
        OverviewCommand.NAMES: overview,  # översikt: every open case, a page at a time (admins)
        HELP_NAMES: channel_help,
    }


def channel_words_with_argument(stats: StatsCommand) -> dict[tuple[str, ...], ChannelCommand]:
    """Commands that take more words after their name (`statistik 2026-11`)."""
    return {
        StatsCommand.NAMES: stats,  # statistik [period]: filed, outcomes, lead times (admins)
    }


def build_triggers(
    actions: CaseActions,
    link: ChannelLink,
    overdue: OverdueCommand,
    stats: StatsCommand,
    overview: OverviewCommand,
) -> tuple[CardActions, ChannelCommands]:
    cards = CardActions()
    cards.on_refused = actions.refuse_forged
    for verb, handler in card_verbs(actions).items():
        cards.register(verb, handler)
    cards.register_page(OverviewCommand.VERB, overview.page)  # the overview card's paging
    commands = ChannelCommands()
    for names, command in channel_words(link, overdue, overview).items():
        commands.register(names, command)
    for names, command in channel_words_with_argument(stats).items():
        commands.register(names, command, argument=True)
    return cards, commands
