"""A stand-in for the Teams connector, run as its own process: `python bench/connector.py PORT`.

Answers the calls the bot makes (create a channel thread, send, reply, update, list the team's
members, look one member up as Teams does for the submitter's UPN on *Skicka*) and keeps the case cards posted as new threads, so the benchmark can click through
them. Each bot under test gets its own service URL (`http://host:port/<bot>`), so one connector
serves them all: `GET /_bench/<bot>/threads?after=N` returns [{conversation, card}] from the N-th
thread on, `GET /_bench/<bot>/counts` how many calls arrived.
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

from aiohttp import web

ADMINS = [{"id": "29:karin", "name": "Karin Holm", "aadObjectId": "aad-karin"}]


class Bot:
    def __init__(self) -> None:
        self.threads: list[dict[str, Any]] = []
        self.sent = 0
        self.updated = 0
        self.member_lookups = 0


class Connector:
    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.bots: dict[str, Bot] = {}

    def bot(self, request: web.Request) -> Bot:
        return self.bots.setdefault(request.match_info["bot"], Bot())

    async def create(self, request: web.Request) -> web.Response:
        params = await request.json()
        number = next(self.ids)
        channel = params.get("channelData", {}).get("channel", {}).get("id", "conv")
        conversation = f"{channel};messageid={number}"
        first = params.get("activity") or {}
        cards = [a.get("content") for a in first.get("attachments") or []]
        if cards:
            self.bot(request).threads.append({"conversation": conversation, "card": cards[0]})
        return web.json_response({"id": conversation, "activityId": str(number)})

    async def send(self, request: web.Request) -> web.Response:
        await request.read()
        self.bot(request).sent += 1
        return web.json_response({"id": f"activity-{next(self.ids)}"})

    async def update(self, request: web.Request) -> web.Response:
        await request.read()
        self.bot(request).updated += 1
        return web.json_response({"id": request.match_info["activity_id"]})

    async def members(self, request: web.Request) -> web.Response:
        return web.json_response({"members": ADMINS})

    async def member(self, request: web.Request) -> web.Response:
        # Teams answers a 1:1 member lookup with the person's account, UPN included.
        self.bot(request).member_lookups += 1
        member_id = request.match_info["member_id"]
        name = member_id.split(":", 1)[-1]
        return web.json_response(
            {
                "id": member_id,
                "name": name,
                "aadObjectId": f"aad-{name}",
                "userPrincipalName": f"{name}@bench.example",
            }
        )

    async def bench_threads(self, request: web.Request) -> web.Response:
        after = int(request.query.get("after", "0"))
        return web.json_response(self.bot(request).threads[after:])

    async def bench_counts(self, request: web.Request) -> web.Response:
        bot = self.bot(request)
        counts = {"threads": len(bot.threads), "sent": bot.sent, "updated": bot.updated}
        return web.json_response({**counts, "member_lookups": bot.member_lookups})


def make_app(connector: Connector) -> web.Application:
    app = web.Application()
    app.router.add_post("/{bot}/v3/conversations", connector.create)
    app.router.add_post("/{bot}/v3/conversations/{conversation_id}/activities", connector.send)
    app.router.add_post("/{bot}/v3/conversations/{conversation_id}/activities/{activity_id}", connector.send)
    app.router.add_put("/{bot}/v3/conversations/{conversation_id}/activities/{activity_id}", connector.update)
    app.router.add_get("/{bot}/v3/conversations/{team_id}/pagedmembers", connector.members)
    app.router.add_get("/{bot}/v3/conversations/{conversation_id}/members/{member_id}", connector.member)
    app.router.add_get("/_bench/{bot}/threads", connector.bench_threads)
    app.router.add_get("/_bench/{bot}/counts", connector.bench_counts)
    return app


def main(port: int) -> None:
    web.run_app(make_app(Connector()), host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
