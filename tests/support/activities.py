"""Teams-shaped activities for tests, and a client that talks to the bot over real HTTP."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession

from tests.support.teams_limits import assert_within_teams_limits

TENANT = "tenant-vnl"
BOT = {"id": "28:skyddad-id-bot", "name": "Skyddad ID"}
_ids = itertools.count(1)


@dataclass(frozen=True)
class User:
    id: str
    name: str
    aad_id: str

    def account(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_id}


ANNA = User("29:anna", "Anna Lindqvist", "aad-anna")  # region staff
MARIA = User("29:maria", "Maria Nordin", "aad-maria")  # Sundsvall municipality
KARIN = User("29:karin", "Karin Holm", "aad-karin")  # central admin
LARS = User("29:lars", "Lars Ekström", "aad-lars")  # central admin


def personal_activity(
    user: User, service_url: str, *, locale: str = "sv-SE", **fields: Any
) -> dict[str, Any]:
    return {
        "id": f"act-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": user.account(),
        "recipient": BOT,
        "conversation": {"id": f"a:personal-{user.id}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": locale,
        **fields,
    }


@dataclass
class Chat:
    """One user's 1:1 chat with the bot, every message sent with deliveryMode expectReplies."""

    http: ClientSession
    endpoint: str
    user: User
    service_url: str
    locale: str = "sv-SE"
    history: list[dict[str, Any]] = field(default_factory=list)

    async def post(self, activity: dict[str, Any]) -> tuple[int, Any]:
        async with self.http.post(self.endpoint, json=activity) as response:
            body = await response.json() if response.content_type == "application/json" else None
            assert_within_teams_limits(body)
            return response.status, body

    async def send(
        self, text: str | None = None, *, value: dict[str, Any] | None = None, **extra: Any
    ) -> list[dict[str, Any]]:
        activity = personal_activity(
            self.user,
            self.service_url,
            locale=self.locale,
            type="message",
            deliveryMode="expectReplies",
            **extra,
        )
        if text is not None:
            activity["text"] = text
        if value is not None:
            activity["value"] = value
        status, body = await self.post(activity)
        assert status == 200, f"HTTP {status}: {body}"
        replies: list[dict[str, Any]] = body["activities"]
        self.history.extend(replies)
        return replies

    async def say(self, text: str | None = None, **kwargs: Any) -> str:
        """Send and return all reply texts joined (cards as their JSON)."""
        return reply_text(await self.send(text, **kwargs))

    async def invoke(self, verb: str, data: dict[str, Any]) -> tuple[int, Any]:
        activity = personal_activity(
            self.user,
            self.service_url,
            locale=self.locale,
            type="invoke",
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
        )
        return await self.post(activity)


def reply_text(replies: list[dict[str, Any]]) -> str:
    parts = []
    for reply in replies:
        if reply.get("text"):
            parts.append(reply["text"])
        for attachment in reply.get("attachments") or []:
            parts.append(json.dumps(attachment.get("content"), ensure_ascii=False))
    return "\n".join(parts)


def last_card(replies: list[dict[str, Any]]) -> dict[str, Any]:
    cards = [
        a["content"] for r in replies for a in r.get("attachments") or [] if "adaptive" in a["contentType"]
    ]
    assert cards, f"no adaptive card in {replies}"
    return cards[-1]
