"""The load the benchmark puts on each bot: users doing type A intakes, admins clicking steps.

A type A intake is 6 turns, each a 1:1 message with deliveryMode expectReplies: `ny anmälan`,
the organisation (or `ja` to the remembered one), `nej` (no ongoing care episode), the Patient
ID, `ja` (protected identity confirmed), and the *Skicka* click on the summary card. The stock
bots get the same 6 messages. Every reply is checked, so a bot that misbehaves fails the run
instead of looking fast.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession

TENANT = "tenant-bench"
BOT = {"id": "28:skyddad-id-bot", "name": "Skyddad ID"}
KARIN = {"id": "29:karin", "name": "Karin Holm", "aadObjectId": "aad-karin"}
CENTRAL_TEAM = "19:bench-team@thread.tacv2"
CENTRAL = "19:bench-central@thread.tacv2"
# The admin steps of 3.3 timed per click (the "take, call, address, confirm, process closed").
ADMIN_STEPS = (
    "case.take",
    "case.record_call",
    "case.record_address_update",
    "case.confirm_protected",
    "case.record_process_closed",
)
_ids = itertools.count(1)


@dataclass
class Target:
    name: str
    url: str  # .../api/messages
    ours: bool  # the Skyddad ID-bot (checks replies, files real cases)
    service_url: str  # the stand-in connector


def personal(target: Target, user: int, **fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"b-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": target.service_url,
        "deliveryMode": "expectReplies",
        "locale": "sv-SE",
        "from": {"id": f"29:bench-{user}", "name": f"Bench User {user}", "aadObjectId": f"aad-bench-{user}"},
        "recipient": BOT,
        "conversation": {"id": f"a:bench-{user}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        **fields,
    }


def channel(target: Target, conversation: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"c-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": target.service_url,
        "locale": "sv-SE",
        "from": KARIN,
        "recipient": BOT,
        "conversation": {
            "id": conversation,
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
        },
        "channelData": {"tenant": {"id": TENANT}, "channel": {"id": CENTRAL}, "team": {"id": CENTRAL_TEAM}},
        **fields,
    }


async def post(http: ClientSession, target: Target, activity: dict[str, Any]) -> Any:
    async with http.post(target.url, json=activity) as response:
        if response.status != 200:
            raise RuntimeError(f"{target.name}: HTTP {response.status}: {await response.text()}")
        return await response.json()


def _texts(body: Any) -> str:
    return "\n".join(str(a.get("text") or "") + str(a.get("attachments") or "") for a in body["activities"])


def _submit_data(body: Any) -> dict[str, Any]:
    for reply in body["activities"]:
        for attachment in reply.get("attachments") or []:
            for action in attachment["content"].get("actions", []):
                if action.get("title") == "Skicka":
                    return dict(action["data"])
    raise RuntimeError(f"no summary card with Skicka: {_texts(body)[:300]}")


async def link_central_channel(http: ClientSession, target: Target) -> Any:
    """An admin types `@bot koppla kanal` in the central channel (its first thread); the answer."""
    mention = {"type": "mention", "mentioned": BOT, "text": f"<at>{BOT['name']}</at>"}
    activity = channel(
        target, f"{CENTRAL};messageid=1", type="message", entities=[mention],
        text=f"<at>{BOT['name']}</at> koppla kanal", deliveryMode="expectReplies",
    )  # fmt: skip
    return await post(http, target, activity)


async def intake(http: ClientSession, target: Target, user: int) -> int:
    """One type A intake (6 turns); returns the number of turns."""
    if not target.ours:
        for words in ("ny anmälan", "Region Västernorrland", "nej", "P12345", "ja", "skicka"):
            body = await post(http, target, personal(target, user, text=words))
            if not body["activities"]:
                raise RuntimeError(f"{target.name}: no reply")
        return 6
    first = _texts(await post(http, target, personal(target, user, text="ny anmälan")))
    organisation = "ja" if "Stämmer det fortfarande" in first else "Region Västernorrland"
    for words in (organisation, "nej", "P12345"):
        await post(http, target, personal(target, user, text=words))
    summary = await post(http, target, personal(target, user, text="ja"))
    done = _texts(await post(http, target, personal(target, user, value=_submit_data(summary))))
    if "SID-" not in done:
        raise RuntimeError(f"{target.name}: the case was not filed: {done[:300]}")
    return 6


async def intake_round(http: ClientSession, target: Target, users: int, cases: int) -> float:
    """`users` users at once, each filing `cases` cases in a row; turns per second."""

    async def one_user(user: int) -> int:
        return sum([await intake(http, target, user) for _ in range(cases)])

    started = time.perf_counter()
    turns = sum(await asyncio.gather(*(one_user(u) for u in range(users))))
    return turns / (time.perf_counter() - started)


def find_action(card: dict[str, Any], verb: str) -> dict[str, Any]:
    for action in card.get("actions", []):
        if action.get("verb") == verb:
            return dict(action)
        for inner in (action.get("card") or {}).get("actions", []):
            if inner.get("verb") == verb:
                return dict(inner)
    raise RuntimeError(f"no {verb} on the card")


async def invoke(http: ClientSession, target: Target, conversation: str, verb: str, data: Any) -> Any:
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}}
    activity = channel(target, conversation, type="invoke", name="adaptiveCard/action", value=value)
    body = await post(http, target, activity)
    if body.get("statusCode") != 200:
        raise RuntimeError(f"{target.name}: {verb} answered {body}")
    return body


@dataclass
class Clicks:
    latencies: list[float] = field(default_factory=list)


async def admin_steps(http: ClientSession, target: Target, thread: dict[str, Any], clicks: Clicks) -> None:
    """Karin clicks the five steps on one case card; each click's latency is recorded."""
    card = thread["card"]
    if target.ours and "case.take" not in str(card):  # the posted card only offers a refresh
        data = card["refresh"]["action"]["data"]
        card = (await invoke(http, target, thread["conversation"], "case.refresh", data))["value"]
    for verb in ADMIN_STEPS:
        data = find_action(card, verb)["data"] if target.ours else {"case": thread["conversation"]}
        started = time.perf_counter()
        body = await invoke(http, target, thread["conversation"], verb, data)
        clicks.latencies.append(time.perf_counter() - started)
        card = body["value"]


async def invoke_round(
    http: ClientSession, target: Target, threads: list[dict[str, Any]], concurrency: int, clicks: Clicks
) -> None:
    queue = iter(threads)

    async def admin() -> None:
        for thread in queue:
            await admin_steps(http, target, thread, clicks)

    await asyncio.gather(*(admin() for _ in range(concurrency)))
