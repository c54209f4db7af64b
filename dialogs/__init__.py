"""The bot's dialogs: one ComponentDialog per file; personal_chat.py routes 1:1 messages.

Every module here imports botbuilder.dialogs, which loads the recognisers of every prompt it
ships; the two that only prompts this bot never runs need are deferred first (~12 MB resident).
"""

from dialogs.deferred_imports import defer

defer()
