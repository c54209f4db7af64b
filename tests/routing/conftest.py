"""The central team's side over real HTTP: a team with a central channel, admins, and helpers to
file cases, drain the outbox and click case-card buttons from a channel thread."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.store_keys import KeyBuilder
from domain.case import Case, Organisation, OrgKind, Person
from domain.intake import IntakeDraft
from tests.conftest import RunningBot
from tests.contract.conftest import _delete_prefix
from tests.support.activities import BOT, KARIN, LARS, TENANT, Chat, User
from tests.support.fake_connector import FakeConnector
from tests.support.servicenow_standin import ServiceNowStandIn
from tests.support.teams_limits import assert_within_teams_limits

CENTRAL_TEAM = "19:team-lifecare@thread.tacv2"
CENTRAL = "19:central-cases@thread.tacv2"
SUNDSVALL_TEAM = "19:team-sundsvall@thread.tacv2"
SUNDSVALL = "19:sundsvall-cases@thread.tacv2"
ERIK = User("29:erik", "Erik Sjöberg", "aad-erik")  # a team member who is not an admin
SARA = User("29:sara", "Sara Berg", "aad-sara")  # Sundsvall's municipal administration
ADMIN_IDS = f"{KARIN.id}=Karin Holm,{LARS.aad_id}"  # one by Teams id and name, one by Entra id only
INVOKE_BUDGET_SECONDS = 5.0
_ids = itertools.count(1)


class TeamConnector(FakeConnector):
    """The fake connector plus the team's member list, as Teams returns it to `TeamsInfo`."""

    members = (KARIN, LARS, ERIK)
    members_status = 200  # 403: the bot may not list the team (RSC permission missing)

    async def _paged_members(self, request: web.Request) -> web.Response:
        if self.members_status != 200:
            return web.json_response({"error": {"code": "Forbidden"}}, status=self.members_status)
        members = [{"id": u.id, "name": u.name, "aadObjectId": u.aad_id} for u in self.members]
        return web.json_response({"members": members})

    async def start(self) -> TeamConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self._send)
        app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", self._update)
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_get("/v3/conversations/{team_id}/pagedmembers", self._paged_members)
        app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", self._member)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self


@pytest.fixture
async def connector():
    fake = await TeamConnector().start()
    yield fake
    await fake.close()
    assert not fake.limit_violations, f"beyond what Teams renders: {fake.limit_violations}"


def channel_activity(
    user: User, service_url: str, conversation_id: str, channel_id: str, team_id: str, **fields: Any
) -> dict[str, Any]:
    return {
        "id": f"chan-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": user.account(),
        "recipient": BOT,
        "conversation": {
            "id": conversation_id,
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
        },
        "channelData": {"tenant": {"id": TENANT}, "channel": {"id": channel_id}, "team": {"id": team_id}},
        "locale": "sv-SE",
        **fields,
    }


def find_action(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """The Action.Execute with `verb`, also inside a ShowCard's sub-card."""
    for action in card.get("actions", []):
        if action.get("verb") == verb:
            return action
        for inner in (action.get("card") or {}).get("actions", []):
            if inner.get("verb") == verb:
                return inner
    raise AssertionError(f"no {verb} on the card: {[a.get('title') for a in card.get('actions', [])]}")


def verbs_of(card: dict[str, Any]) -> set[str]:
    found = set()
    for action in card.get("actions", []):
        found.add(action.get("verb"))
        found.update(inner.get("verb") for inner in (action.get("card") or {}).get("actions", []))
    return found - {None}


class PostedCase(Case):
    """A test's view of a case: the case plus where routing posted it (jobs/case_places.py)."""

    thread_conversation_id: str = ""
    card_activity_id: str = ""


async def with_place(services: Any, case: Case) -> PostedCase:
    place = await services.places.get(case.id)
    return PostedCase(
        **case.model_dump(),
        thread_conversation_id=place.thread if place else "",
        card_activity_id=place.card if place else "",
    )


@dataclass
class Team:
    """Drives the central team's side of a running bot."""

    bot: RunningBot

    @property
    def connector(self) -> FakeConnector:
        return self.bot.connector

    async def post(self, activity: dict[str, Any]) -> tuple[int, Any]:
        async with self.bot.http.post(self.bot.endpoint, json=activity) as response:
            body = await response.json() if response.content_type == "application/json" else None
            assert_within_teams_limits(body)
            return response.status, body

    def mention(
        self, user: User, words: str, *, channel: str = CENTRAL, team: str = CENTRAL_TEAM, **fields: Any
    ) -> dict[str, Any]:
        """An @mention of the bot in a thread of `channel` (not sent yet; `replies` sends it)."""
        return channel_activity(
            user,
            self.connector.url,
            f"{channel};messageid={next(_ids)}",
            channel,
            team,
            type="message",
            text=f"<at>{BOT['name']}</at> {words}",
            entities=[{"type": "mention", "mentioned": BOT, "text": f"<at>{BOT['name']}</at>"}],
            deliveryMode="expectReplies",
            **fields,
        )

    async def replies(self, activity: dict[str, Any]) -> list[dict[str, Any]]:
        """Post `activity` (its cards checked against Teams' limits); the bot's reply activities."""
        status, body = await self.post(activity)
        assert status == 200, body
        found: list[dict[str, Any]] = body["activities"]
        return found

    async def say(self, user: User, words: str, *, channel: str = CENTRAL, team: str = CENTRAL_TEAM) -> str:
        """An @mention of the bot in a channel; the reply texts."""
        replies = await self.replies(self.mention(user, words, channel=channel, team=team))
        return "\n".join(a.get("text") or "" for a in replies)

    async def link(self, user: User = KARIN, channel: str = CENTRAL, team: str = CENTRAL_TEAM) -> str:
        return await self.say(user, "koppla kanal", channel=channel, team=team)

    async def drain(self) -> int:
        return int(await self.bot.services.worker.run_until_idle())

    async def file(
        self,
        submitter: User,
        *,
        episode: str | None = None,
        municipality: str | None = None,
        chat: bool = True,
        case_id: str | None = None,
    ) -> Case:
        """File a case through the service (the intake has its own tests); the submitter says hello
        first so the bot has their 1:1 reference for notifications."""
        if chat:
            await self.bot.chat(submitter).say("hej")
        org = (
            Organisation(kind=OrgKind.MUNICIPALITY, name=municipality)
            if municipality
            else Organisation(kind=OrgKind.REGION, name="Region Västernorrland")
        )
        draft = IntakeDraft.start(self.bot.clock(), org).model_copy(
            update={
                "has_episode": episode is not None,
                "documented": True if episode else None,
                "patient_id": "P12345",
                "episode_id": episode,
                "protected_confirmed": True,
                **({"draft_id": case_id} if case_id else {}),
            }
        )
        person = Person(id=submitter.id, name=submitter.name, aad_id=submitter.aad_id)
        case, created = await self.bot.services.cases.file(draft, person, f"a:personal-{submitter.id}")
        assert created
        return case

    async def case(self, case_id: str) -> PostedCase:
        found = await self.bot.services.stores.cases.get(case_id)
        assert found is not None
        return await with_place(self.bot.services, found)

    async def invoke(
        self,
        user: User,
        verb: str,
        data: Any,
        *,
        conversation: str | None = None,
        channel: str | None = None,
        team: str = CENTRAL_TEAM,
    ) -> tuple[int, Any]:
        """An Action.Execute click, by default from the case's own thread."""
        if conversation is None:
            conversation = (await self.case(str(data.get("case_id")))).thread_conversation_id
        channel = channel or conversation.split(";")[0]
        activity = channel_activity(
            user,
            self.connector.url,
            conversation,
            channel,
            team,
            type="invoke",
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
        )
        started = time.monotonic()
        answer = await self.post(activity)
        assert time.monotonic() - started < INVOKE_BUDGET_SECONDS, "Teams gives a card action 5 s"
        return answer

    async def click(self, user: User, card: dict[str, Any], verb: str, **inputs: Any) -> dict[str, Any]:
        """Click a button on `card` (filling its inputs); the card Teams shows next."""
        data = {**find_action(card, verb)["data"], **inputs}
        status, body = await self.invoke(user, verb, data)
        assert status == 200 and body["statusCode"] == 200, body
        card_now: dict[str, Any] = body["value"]
        return card_now

    async def view(self, user: User, case: Case) -> dict[str, Any]:
        """The card as `user` sees it after Teams refreshed it."""
        fresh = await self.case(case.id)
        data = {"case_id": fresh.id, "version": fresh.version}
        status, body = await self.invoke(user, "case.refresh", data)
        assert status == 200, body
        card: dict[str, Any] = body["value"]
        return card

    def submitter_messages(self, user: User) -> list[str]:
        return [a.get("text") or "" for a in self.connector.to_conversation(f"a:personal-{user.id}")]

    def thread_texts(self, case: Case) -> list[str]:
        """What arrived in the case's thread (the latest one Teams created for it)."""
        return [a.get("text") or "" for a in self.connector.to_conversation(self.thread_id(case.id))]

    def thread_id(self, case_id: str) -> str:
        """The conversation id of the latest thread whose root card is this case's."""
        found = ""
        for params in self.connector.created:
            root = params.get("activity") or {}
            if case_id in json.dumps(root.get("attachments") or []):
                found = str(root.get("_conversation") or "")
        return found


@pytest.fixture
def team_settings(settings_for):
    def make(**overrides: Any):
        return settings_for(admin_ids=ADMIN_IDS, outbox_poll_seconds=0, **overrides)

    return make


@pytest.fixture
async def team(start_bot, team_settings) -> Team:
    """A running bot whose central channel an admin has linked."""
    central = Team(await start_bot(team_settings()))
    assert "central" in await central.link()
    return central


def chat_of(team: Team, user: User) -> Chat:
    return team.bot.chat(user)


@pytest.fixture
async def servicenow() -> AsyncIterator[ServiceNowStandIn]:
    """A stand-in ServiceNow instance on a free port (tests/support/servicenow_standin.py)."""
    standin = await ServiceNowStandIn().start()
    yield standin
    await standin.close()


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings for each store in turn: {} for SQLite, a private key prefix on the test Redis."""
    if request.param == "sqlite":
        return {}
    redis_url = request.getfixturevalue("redis_url")
    return {"redis_url": redis_url, "redis_key_prefix": f"t{uuid.uuid4().hex[:8]}"}


@pytest.fixture
async def central(start_bot, team_settings, store: dict[str, Any]) -> AsyncIterator[Team]:
    """`team` on each store in turn; its Redis keys are deleted afterwards."""
    team = Team(await start_bot(team_settings(**store)))
    assert "central" in await team.link()
    yield team
    if store:
        await _delete_prefix(store["redis_url"], KeyBuilder(prefix=store["redis_key_prefix"]))
