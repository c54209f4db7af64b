"""The guard masks names (people, chats, teams, mentions) and refuses typed numbers.

Activities are parsed from Teams-shaped JSON the way the SDK parses them, so unknown fields land
where msrest puts them (`additional_properties`), and run through botbuilder's TestAdapter.
"""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity, ChannelAccount, Mention

from adapters.guard_fields import mask_names
from adapters.middleware import IdentityGuardMiddleware
from tests.support.numbers import personnummer
from tests.unit.test_middleware import run_turn

NUMBER = personnummer("121212", "121")
DIGITS = NUMBER.replace("-", "")
NAMED = f"Anna {NUMBER}"
SPLIT = f"12-12-12-{NUMBER[-4:]}"  # the same number, every date part apart


def teams(**fields: Any) -> Activity:
    body = {
        "type": "message",
        "id": "1",
        "text": "hej",
        "locale": "sv-SE",
        "from": {"id": "29:anna", "name": "Anna Lindqvist", "aadObjectId": "aad-anna"},
        "recipient": {"id": "28:bot", "name": "Skyddad ID"},
        "conversation": {"id": "a:1", "conversationType": "personal", "tenantId": "t"},
        **fields,
    }
    return Activity().deserialize(body)


def holds_number(value: Any) -> bool:
    return DIGITS in str(value).replace("-", "")


async def test_a_display_name_with_a_number_is_masked_and_the_turn_goes_on():
    activity = teams(**{"from": {"id": "29:anna", "name": NAMED, "aadObjectId": "aad-anna"}})
    assert mask_names(activity) == ["from"]
    assert activity.from_property.name == "Anna [dold]"
    assert activity.from_property.id == "29:anna"
    reached, replies = await run_turn(
        IdentityGuardMiddleware(), teams(**{"from": {"id": "29:a", "name": NAMED}})
    )
    assert reached and replies == []  # TestAdapter replaces `from`; the HTTP tests see the name


def test_a_name_with_a_split_number_is_masked_too():
    activity = teams(**{"from": {"id": "29:anna", "name": f"Anna ({SPLIT})"}})
    mask_names(activity)
    assert activity.from_property.name == "Anna ([dold])"


def test_chat_team_channel_and_member_names_are_masked_identifiers_kept():
    activity = teams(
        type="conversationUpdate",
        conversation={
            "id": f"19:{DIGITS}@thread.v2",
            "conversationType": "groupChat",
            "name": f"Vård {NUMBER}",
        },
        membersAdded=[{"id": "29:x", "name": NAMED}],
        membersRemoved=[{"id": "29:y", "name": NAMED, "userPrincipalName": f"{DIGITS}@vnl.se"}],
        topicName=f"Ärende {NUMBER}",
        channelData={
            "team": {"id": f"19:{DIGITS}@thread.tacv2", "name": f"Team {NUMBER}"},
            "channel": {"id": "19:c", "name": f"Kanal {NUMBER}"},
            "onBehalfOf": [{"itemid": 0, "mentionType": "person", "displayName": NAMED}],
        },
    )
    assert mask_names(activity) == ["channelData", "conversation", "members", "topicName"]
    assert activity.conversation.name == "Vård [dold]"
    assert activity.conversation.id == f"19:{DIGITS}@thread.v2"  # an identifier, never touched
    assert activity.members_added[0].name == activity.members_removed[0].name == "Anna [dold]"
    assert not holds_number(activity.members_removed[0].additional_properties)
    assert activity.channel_data["team"] == {"id": f"19:{DIGITS}@thread.tacv2", "name": "Team [dold]"}
    assert not holds_number(activity.channel_data["channel"]) and not holds_number(activity.topic_name)
    assert not holds_number(activity.channel_data["onBehalfOf"])


def test_a_group_chat_reference_keeps_the_masked_name():
    from botbuilder.core import TurnContext

    activity = teams(conversation={"id": "19:g@thread.v2", "conversationType": "groupChat", "name": SPLIT})
    mask_names(activity)
    reference = TurnContext.get_conversation_reference(activity).serialize()
    assert not holds_number(reference) and reference["conversation"]["name"] == "[dold]"


async def test_a_mention_of_someone_whose_name_holds_a_number_is_masked_everywhere():
    mention = f"<at>{NAMED}</at>"
    activity = teams(
        conversation={"id": "19:c@thread.tacv2;messageid=1", "conversationType": "channel", "tenantId": "t"},
        text=f"<at>Skyddad ID</at> {mention} hjälp",
        entities=[
            {
                "type": "mention",
                "text": "<at>Skyddad ID</at>",
                "mentioned": {"id": "28:bot", "name": "Skyddad ID"},
            },
            {"type": "mention", "text": mention, "mentioned": {"id": "29:anna", "name": NAMED}},
            {"type": "clientInfo", "locale": "sv-SE", "country": "SE", "platform": "Web"},
        ],
        attachments=[
            {
                "contentType": "text/html",
                "content": f'<div><span itemtype="http://schema.skype.com/Mention" itemid="1">{NAMED}</span> hjälp</div>',
            }
        ],
    )
    reached, replies = await run_turn(IdentityGuardMiddleware(), activity)
    assert reached and replies == []
    assert activity.text == "<at>Skyddad ID</at> <at>Anna [dold]</at> hjälp"
    anna = activity.entities[1].additional_properties
    assert anna == {"text": "<at>Anna [dold]</at>", "mentioned": {"id": "29:anna", "name": "Anna [dold]"}}
    assert not holds_number(activity.attachments[0].content)
    assert activity.entities[2].additional_properties["country"] == "SE"


def test_a_mention_built_in_code_is_masked():
    activity = teams(text=f"<at>{NAMED}</at> hej")
    activity.entities = [
        Mention(mentioned=ChannelAccount(id="29:anna", name=NAMED), text=f"<at>{NAMED}</at>", type="mention")
    ]
    mask_names(activity)
    assert (
        activity.entities[0].text == "<at>Anna [dold]</at>"
        and activity.entities[0].mentioned.name == "Anna [dold]"
    )
    assert activity.text == "<at>Anna [dold]</at> hej"


async def test_the_same_number_typed_beside_a_mention_is_still_refused():
    mention = f"<at>{NAMED}</at>"
    activity = teams(
        text=f"{mention} har pnr {SPLIT}",
        entities=[{"type": "mention", "text": mention, "mentioned": {"id": "29:anna", "name": NAMED}}],
    )
    reached, replies = await run_turn(IdentityGuardMiddleware(), activity)
    assert not reached and "personnummer" in replies[0].text


async def test_typed_text_with_a_split_number_is_refused_not_masked():
    reached, replies = await run_turn(IdentityGuardMiddleware(), teams(text=f"Patienten {SPLIT}"))
    assert not reached and "personnummer" in replies[0].text


async def test_fields_the_schema_does_not_know_are_scanned():
    reached, replies = await run_turn(IdentityGuardMiddleware(), teams(note=f"pnr {NUMBER}"))
    assert not reached and "personnummer" in replies[0].text


async def test_an_attachment_name_is_scanned():
    attachment = {
        "contentType": "application/pdf",
        "name": f"remiss {SPLIT}.pdf",
        "contentUrl": "https://x/1",
    }
    reached, _ = await run_turn(IdentityGuardMiddleware(), teams(attachments=[attachment]))
    assert not reached


def test_a_person_never_keeps_a_number_in_a_name_or_a_sign_in_name():
    from domain.case import Person

    person = Person(id="29:a", name=f"Anna {SPLIT}", aad_id="aad-a", upn=f"{DIGITS}@vnl.se")
    assert person.name == "Anna [dold]" and person.upn == ""
    assert Person(id="29:a", name="Anna", upn="anna.lindqvist@vnl.se").upn == "anna.lindqvist@vnl.se"
    assert Person.model_validate(person.model_dump() | {"upn": f"{NUMBER}@vnl.se"}).upn == ""
