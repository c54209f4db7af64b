"""Replies are addressed on a shallow copy: the caller's activity (a prompt's lives in the dialog
state) stays as it was, and the reply that goes out carries the addressing."""

from __future__ import annotations

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from adapters.reply_copies import install_shallow_reply_copies, reply_copy


async def test_a_sent_reply_leaves_the_callers_activity_and_card_untouched() -> None:
    install_shallow_reply_copies()
    sent: list[Activity] = []
    adapter = TestAdapter()

    async def capture(context: TurnContext, activities: list[Activity], next_send):
        sent.extend(activities)
        return await next_send()

    incoming = Activity(
        type=ActivityTypes.message,
        id="in-1",
        text="hej",
        channel_id="msteams",
        service_url="https://smba.example/",
        from_property=ChannelAccount(id="29:anna"),
        recipient=ChannelAccount(id="28:bot"),
        conversation=ConversationAccount(id="a:anna"),
        locale="sv-SE",
    )
    context = TurnContext(adapter, incoming)
    context.on_send_activities(capture)
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Sammanfattning"}]}
    reply = MessageFactory.attachment(CardFactory.adaptive_card(card))
    before = dict(vars(reply))
    await context.send_activity(reply)

    assert vars(reply) == before  # not addressed, no id or input hint added
    assert reply.conversation is None and reply.recipient is None
    (out,) = sent
    assert out is not reply
    assert out.conversation.id == "a:anna" and out.recipient.id == "29:anna" and out.reply_to_id == "in-1"
    assert out.attachments[0].content == card


def test_anything_but_an_activity_is_still_deep_copied() -> None:
    value = {"nested": [1, {"two": 2}]}
    copied = reply_copy(value)
    assert copied == value and copied["nested"] is not value["nested"]
