"""Every record has a lifetime: filing and closing 1,000 cases leaves the records that are not
the cases' own (references, due items, de-duplication ids, send markers, delivery problems, bot
state) bounded — constant in number, or each carrying an expiry (a TTL in Redis, a sweep in
SQLite). The cases themselves stay until the retention purge (privacy's, issue 15)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from uuid import uuid4

from redis.asyncio import Redis

from adapters.store_keys import KeyBuilder
from domain.case import Organisation, OrgKind, Person
from domain.intake import IntakeDraft
from tests.contract.conftest import _delete_prefix
from tests.reminders.conftest import dm, reference
from tests.routing.conftest import Team
from tests.support.activities import KARIN, User

SUBMITTERS = [User(f"29:staff-{n}", f"Personal {n}", f"aad-staff-{n}") for n in range(50)]
# Records that belong to a case and live (and are purged) with it: the case, its number, its
# index entries, its audit trail and routing's record of its thread.
CASE_FAMILIES = frozenset({"case", "case-numbers", "case-seq", "cases", "audit", "routing"})
# Families that grow with the number of messages sent or received: every key must expire.
EXPIRING = frozenset({"seen", "sent"})
# Families with one record per calendar month, whatever the number of cases (statistics).
PER_MONTH = frozenset({"stats"})


async def file_and_close(team: Team, start: int, stop: int) -> None:
    services = team.bot.services
    org = Organisation(kind=OrgKind.REGION, name="Region Västernorrland")
    for n in range(start, stop):
        user = SUBMITTERS[n % len(SUBMITTERS)]
        submitter = Person(id=user.id, name=user.name, aad_id=user.aad_id)
        draft = IntakeDraft.start(team.bot.clock(), org).model_copy(
            update={"has_episode": False, "patient_id": f"P{n:05d}", "protected_confirmed": True}
        )
        case, created = await services.cases.file(draft, submitter, dm(user))
        assert created
        if n % 250 == 0:  # a few over HTTP: Karin takes the case and rejects it from its card
            await team.drain()
            card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
            card = await team.click(KARIN, card, "case.record_call")
            card = await team.click(KARIN, card, "case.record_address_update")
            card = await team.click(KARIN, card, "case.reject_not_protected", reason="Ingen markering")
        else:  # the rest through the service: the submitter withdraws it
            await services.cases.withdraw(case.number, submitter, dm(user))
        if n % 50 == 49:
            await team.drain()
    await team.drain()
    team.bot.clock.advance(minutes=1)  # past the short waits (a change announced before its card)
    while await team.drain():
        pass


def family_of(key: str, prefix: str) -> str:
    parts = key[len(prefix) + 1 :].split(":")
    return "routing" if parts[:2] == ["doc", "routing"] else parts[0]


async def census(client: Redis, prefix: str) -> tuple[Counter[str], Counter[str], int]:
    """Keys per family, keys without a TTL per family, and the outbox items waiting (but the one
    next weekly digest, which is always planned)."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=1000)]
    families, lasting = Counter[str](), Counter[str]()
    for key in keys:
        family = family_of(key, prefix)
        families[family] += 1
        if await client.pttl(key) < 0:
            lasting[family] += 1
    items = await client.hkeys(KeyBuilder(prefix=prefix).due_items())
    waiting = sum(not str(item).startswith("digest:") for item in items)  # the next digest waits
    return families, lasting, waiting


async def test_1000_closed_cases_leave_the_other_records_bounded(start_bot, team_settings, redis_url):
    prefix = f"sidlife-{uuid4().hex[:10]}"
    team = Team(await start_bot(team_settings(redis_url=redis_url, redis_key_prefix=prefix)))
    started = team.bot.clock()
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        assert "central" in await team.link()
        for user in SUBMITTERS:  # they have chatted with the bot before
            await team.bot.services.stores.references.save(
                f"user:{user.aad_id}", reference(team.connector.url, dm(user), user)
            )
        await file_and_close(team, 0, 100)
        team.bot.clock.advance(days=30)  # past every reminder of the closed cases
        while await team.drain():
            pass
        small, small_lasting, small_waiting = await census(client, prefix)
        await file_and_close(team, 100, 1000)
        team.bot.clock.advance(days=30)
        while await team.drain():
            pass
        large, large_lasting, large_waiting = await census(client, prefix)
    finally:
        await client.aclose()
        await _delete_prefix(redis_url, KeyBuilder(prefix=prefix))

    assert large["case"] == 1000  # the cases are kept (their retention purge is privacy's)
    assert len(team.connector.created) == 1000  # each case really went out as a thread
    assert large_waiting == small_waiting == 0  # nothing is left in the outbox
    months = (team.bot.clock().year - started.year) * 12 + team.bot.clock().month - started.month + 1
    for family in sorted(set(large) - CASE_FAMILIES):
        if family in PER_MONTH:
            assert 0 < large[family] <= months, f"{family}: one per month ({months}), not per case"
        elif family in EXPIRING:
            assert large_lasting[family] == 0, f"{family}: every key must carry a TTL"
        else:
            assert (family, large[family]) == (family, small[family]), "grew with the number of cases"
    assert set(large_lasting) - CASE_FAMILIES - EXPIRING - PER_MONTH <= set(small_lasting)


async def test_sqlite_sweeps_send_markers_and_seen_ids_by_the_app_clock(team: Team):
    for user in SUBMITTERS:
        await team.bot.services.stores.references.save(
            f"user:{user.aad_id}", reference(team.connector.url, dm(user), user)
        )
    await file_and_close(team, 1, 21)
    path = team.bot.services.stores.path

    def rows() -> tuple[int, int]:
        with sqlite3.connect(path) as conn:
            markers = conn.execute("SELECT count(*) FROM send_markers").fetchone()[0]
            seen = conn.execute("SELECT count(*) FROM seen").fetchone()[0]
        return int(markers), int(seen)

    markers, seen = rows()
    assert markers >= 40 and seen >= 1  # a thread, a reply and notices per case; Karin's messages
    team.bot.clock.advance(days=8)  # past the done markers' 7 days and the ids' 24 hours
    while await team.drain():
        pass
    await file_and_close(team, 21, 22)  # new records arrive: the sweep runs
    await team.say(KARIN, "påminnelser")
    after_markers, after_seen = rows()
    assert after_markers <= 5 and after_seen <= 2
