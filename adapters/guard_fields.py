"""What of an inbound activity the identity guard masks, and what it scans to refuse.

Names are masked in place (display names of the sender, the bot and members added or removed, a
chat's or channel's name, Teams' channelData, mentions): a person whose Teams name holds an
identity number must still be able to use the bot, and the number must never reach a case, an
audit entry, a stored conversation reference, a card or a log. What people type (text, card
values, attachments) is scanned whole; a number there refuses the turn (the middleware).

msrest's `Entity.serialize()` keeps only `type`: a mention's `text` and `mentioned` live in
`additional_properties`, so that is what is read and masked here.
"""

from __future__ import annotations

import html
from typing import Any

from botbuilder.schema import Activity

from domain.identity_guard import mask_name

# Keys whose values are Teams-generated identifiers, not text a person typed. A GUID or thread id
# can hold a ten-digit run that passes the checks; masking or scanning them would break routing
# or lock a whole channel out.
IDENTIFIER_KEYS = frozenset({"id", "aadObjectId", "aadGroupId", "tenantId", "itemid", "mri"})


def _masked_tree(value: Any) -> Any:
    """Every string leaf masked; identifiers kept as they are."""
    if isinstance(value, str):
        return mask_name(value)
    if isinstance(value, dict):
        return {k: v if k in IDENTIFIER_KEYS else _masked_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked_tree(item) for item in value]
    return value


class _Masker:
    """Masks names in one activity and remembers what it changed (for one log line)."""

    def __init__(self) -> None:
        self.masked: list[str] = []
        self.texts: list[tuple[str, str]] = []  # (original, masked) "<at>Name</at>" of mentions
        self.names: list[tuple[str, str]] = []  # (original, masked) names of the mentioned

    def tree(self, where: str, value: Any) -> Any:
        masked = _masked_tree(value)
        if masked != value:
            self.masked.append(where)
        return masked

    def account(self, where: str, account: Any) -> None:
        if account is None:
            return
        if isinstance(getattr(account, "name", None), str):
            account.name = self.tree(where, account.name)
        if getattr(account, "properties", None):
            account.properties = self.tree(where, account.properties)
        if getattr(account, "additional_properties", None):
            account.additional_properties = self.tree(where, account.additional_properties)

    def entity(self, entity: Any) -> None:
        extra = getattr(entity, "additional_properties", None)
        if isinstance(extra, dict) and extra:
            masked = self.tree("entities", extra)
            self._remember(self.texts, extra.get("text"), masked.get("text"))
            self._remember(self.names, _name_of(extra.get("mentioned")), _name_of(masked.get("mentioned")))
            entity.additional_properties = masked
        if isinstance(getattr(entity, "text", None), str):  # a Mention built in code, not parsed
            original = entity.text
            entity.text = self.tree("entities", original)
            self._remember(self.texts, original, entity.text)
        mentioned = getattr(entity, "mentioned", None)
        if mentioned is not None and not isinstance(mentioned, dict):
            original = mentioned.name
            self.account("entities", mentioned)
            self._remember(self.names, original, mentioned.name)

    @staticmethod
    def _remember(pairs: list[tuple[str, str]], original: Any, masked: Any) -> None:
        if isinstance(original, str) and isinstance(masked, str) and original != masked:
            pairs.append((original, masked))


def _name_of(mentioned: Any) -> Any:
    return mentioned.get("name") if isinstance(mentioned, dict) else None


def mask_names(activity: Activity) -> list[str]:
    """Mask identity numbers in every name the activity carries, in place.

    Returns:
        Which kinds of field held one (for a log line that never holds the content).
    """
    masker = _Masker()
    masker.account("from", activity.from_property)
    masker.account("recipient", activity.recipient)
    masker.account("conversation", activity.conversation)
    for member in [*(activity.members_added or []), *(activity.members_removed or [])]:
        masker.account("members", member)
    if activity.relates_to is not None:
        for part in ("user", "bot", "conversation"):
            masker.account("relatesTo", getattr(activity.relates_to, part, None))
    if isinstance(activity.topic_name, str):
        activity.topic_name = masker.tree("topicName", activity.topic_name)
    if activity.channel_data:
        activity.channel_data = masker.tree("channelData", activity.channel_data)
    for entity in activity.entities or []:
        masker.entity(entity)
    _mask_mentions_in_content(activity, masker)
    return sorted(set(masker.masked))


def mask_accounts(*accounts: Any) -> None:
    """Mask identity numbers in the names of these accounts (a proactive activity's from,
    recipient and conversation, as the guard masked them on botbuilder's continuation event)."""
    masker = _Masker()
    for account in accounts:
        masker.account("account", account)


def _mask_mentions_in_content(activity: Activity, masker: _Masker) -> None:
    """A mention is also in the text (`<at>Name</at>`) and its name in the HTML copy Teams
    attaches: mask them there too, or the text scan would refuse a name, not something typed.
    Only the mention markup is rewritten; the same number typed elsewhere is still refused."""
    for original, masked in masker.texts:
        if isinstance(activity.text, str):
            activity.text = activity.text.replace(original, masked)
    for attachment in activity.attachments or []:
        if isinstance(attachment.content, str) and attachment.content_type == "text/html":
            for original, masked in masker.texts + masker.names:
                escaped = html.escape(original, quote=False)
                attachment.content = attachment.content.replace(
                    f">{escaped}<", f">{html.escape(masked, quote=False)}<"
                )


def inbound_fields(activity: Activity) -> list[Any]:
    """Every field of an inbound activity that can carry text a person typed or pasted."""
    fields: list[Any] = [activity.text, activity.summary, activity.speak, activity.label, activity.value]
    fields.extend(highlight.text for highlight in activity.text_highlights or [])
    for attachment in activity.attachments or []:
        fields += [attachment.content, attachment.name]
    # Card values are scanned whole (an input may be named "id"); fields the schema does not
    # know are kept by msrest in additional_properties and scanned too, identifiers aside.
    fields.append(
        {k: v for k, v in (activity.additional_properties or {}).items() if k not in IDENTIFIER_KEYS}
    )
    return fields
