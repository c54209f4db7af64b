"""What every Redis store module shares: the error mapping and the Lua scripts.

Every write that touches more than one key, or that must compare before it sets, is one Lua
script, so replicas never see (or leave) half a change. Scripts get their keys in KEYS from
`KeyBuilder`; only old index keys (kept in the case hash) and case keys in LIST_CASES (prefix +
id) are built inside Lua. Mutating scripts take a fresh token, so a redis-py retry after a lost
reply recognises its own earlier success instead of reporting a conflict.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import redis.exceptions

from adapters.store_keys import KeyBuilder, json_text, to_micros
from domain.ports import FollowUps, StoreUnavailable

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# ReadOnlyError: a failover briefly leaves clients on a replica; for us that is "down" too.
_UNAVAILABLE = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,
    ConnectionError,
    TimeoutError,
)


def unavailable_on_redis_errors(
    fn: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Turn connection trouble into `StoreUnavailable`; other Redis errors are bugs and propagate."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except _UNAVAILABLE as exc:
            log.warning("redis unavailable in %s: %s", fn.__qualname__, exc)
            raise StoreUnavailable(f"redis unavailable: {exc}") from exc

    return wrapper


def follow_up_args(keys: KeyBuilder, case_id: str, follow: FollowUps) -> tuple[list[str], str]:
    """The keys the FOLLOW_UPS Lua function writes (audit, the due index's three, the counted
    set, then one statistics hash per month), and its JSON argument."""
    if any(entry.case_id != case_id for entry in follow.audit):
        raise ValueError("a case write carries audit entries of its own case only")
    due = [
        [
            item.item_id,
            str(to_micros(item.due_at)),
            json_text({"due_at": to_micros(item.due_at), "payload": item.payload}),
        ]
        for item in follow.due
    ]
    months = list(dict.fromkeys(count.month for count in follow.stats))
    stats = [[months.index(c.month) + 1, c.field, c.amount] for c in follow.stats]
    arg = json_text(
        {
            "audit": [entry.model_dump_json() for entry in follow.audit],
            "due": due,
            "stats": stats,
            "ns": len(months),
        }
    )
    fixed = [
        keys.audit(case_id),
        keys.due_schedule(),
        keys.due_items(),
        keys.due_claims(),
        keys.cases_counted(),
    ]
    return fixed + [keys.stats_month(month) for month in months], arg


# KEYS: document keys. ARGV[1]: new eTag (unique per call); then per key: expected eTag
# ("*" = unconditional) and the JSON body. Returns 0, or the 1-based index of the first conflict.
WRITE_DOCUMENTS = """
for i = 1, #KEYS do
  local expected = ARGV[2 * i]
  if expected ~= '*' then
    local current = redis.call('HGET', KEYS[i], 'e')
    if current ~= expected and current ~= ARGV[1] then return i end
  end
end
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], 'e', ARGV[1], 'd', ARGV[2 * i + 1])
end
return 0
"""

# Follow-ups (FollowUps) written in the same script as the case: audit entries, due items and,
# for a case the statistics count, their counters. KEYS[a..a+4]: audit list, due schedule zset,
# due items hash, due claims hash, counted set; then `f.ns` statistics hashes. `f` is the
# decoded JSON {"audit": [entry JSON...], "due": [[id, score, item JSON]...], "stats": [[month
# key offset, field, amount]...], "ns": n}: decoded before anything is written, so a bad
# argument fails the script with nothing changed.
FOLLOW_UPS = """
local function follow_ups(f, a, counted)
  for _, entry in ipairs(f.audit) do redis.call('RPUSH', KEYS[a], entry) end
  for _, d in ipairs(f.due) do
    redis.call('ZADD', KEYS[a + 1], d[2], d[1])
    redis.call('HSET', KEYS[a + 2], d[1], d[3])
    redis.call('HDEL', KEYS[a + 3], d[1])
  end
  if counted then
    for _, s in ipairs(f.stats) do redis.call('HINCRBY', KEYS[a + 4 + s[1]], s[2], s[3]) end
  end
end
"""

# KEYS: case hash, year counter, number→id hash, idle sorted set, audit, due schedule, due
# items, due claims, counted set, statistics hashes (f.ns), index sets..., and last the
# submitter's recent filings (sorted set). ARGV: body with a placeholder, placeholder, number
# prefix, case id, version, index keys JSON, write token, idle score ('' = not idle: KEYS[4] is
# then unused), follow-ups JSON, created_at (µs), the filings' cut-off (µs: older entries are
# dropped) and their lifetime (ms). Returns the case number, or false when another create holds
# the id.
CREATE_CASE = (
    FOLLOW_UPS
    + """
local f = cjson.decode(ARGV[9])
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HGET', KEYS[1], 'w') == ARGV[7] then return redis.call('HGET', KEYS[1], 'n') end
  return false
end
local number = ARGV[3] .. string.format('%04d', redis.call('INCR', KEYS[2]))
local s, e = string.find(ARGV[1], ARGV[2], 1, true)
local body = string.sub(ARGV[1], 1, s - 1) .. number .. string.sub(ARGV[1], e + 1)
redis.call('HSET', KEYS[1], 'v', ARGV[5], 'j', body, 'n', number, 'idx', ARGV[6], 'w', ARGV[7])
redis.call('HSET', KEYS[3], number, ARGV[4])
if ARGV[8] ~= '' then
  redis.call('ZADD', KEYS[4], ARGV[8], ARGV[4])
  redis.call('HSET', KEYS[1], 'zidx', KEYS[4])
end
for i = 10 + f.ns, #KEYS - 1 do redis.call('SADD', KEYS[i], ARGV[4]) end
redis.call('SADD', KEYS[9], ARGV[4])
local filings = KEYS[#KEYS]
redis.call('ZADD', filings, ARGV[10], ARGV[4])
redis.call('ZREMRANGEBYSCORE', filings, '-inf', '(' .. ARGV[11])
redis.call('PEXPIRE', filings, ARGV[12])
follow_ups(f, 5, true)
return number
"""
)

# KEYS: case hash, new idle sorted set, audit, due schedule, due items, due claims, counted set,
# statistics hashes (f.ns), new index sets... ARGV: expected version, new version, body, case id, new index keys JSON, write token,
# idle score ('' = no longer idle), follow-ups JSON.
# Returns 1 written, 0 version conflict, -1 no such case.
UPDATE_CASE = (
    FOLLOW_UPS
    + """
local f = cjson.decode(ARGV[8])
local current = redis.call('HMGET', KEYS[1], 'v', 'w', 'idx', 'zidx')
if not current[1] then return -1 end
if current[2] == ARGV[6] then return 1 end
if current[1] ~= ARGV[1] then return 0 end
for _, key in ipairs(cjson.decode(current[3])) do redis.call('SREM', key, ARGV[4]) end
for i = 8 + f.ns, #KEYS do redis.call('SADD', KEYS[i], ARGV[4]) end
if current[4] then redis.call('ZREM', current[4], ARGV[4]) end
if ARGV[7] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[7], ARGV[4])
  redis.call('HSET', KEYS[1], 'zidx', KEYS[2])
else
  redis.call('HDEL', KEYS[1], 'zidx')
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'j', ARGV[3], 'idx', ARGV[5], 'w', ARGV[6])
follow_ups(f, 3, redis.call('SISMEMBER', KEYS[7], ARGV[4]) == 1)
return 1
"""
)

# KEYS: case hash, counted set, statistics hashes. ARGV: case id, expected version, then per
# counter: the offset of its hash in KEYS (1 = KEYS[3]), field, amount. Counts a case filed
# before the statistics existed, once: 1 counted now, 0 already counted or changed meanwhile.
COUNT_CASE = """
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[2] then return 0 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
for i = 3, #ARGV, 3 do redis.call('HINCRBY', KEYS[2 + tonumber(ARGV[i])], ARGV[i + 1], ARGV[i + 2]) end
return 1
"""

# KEYS: statistics hashes (the caller passes one month per call). Returns each as one JSON
# object string: one string per month costs the client a json.loads instead of parsing every
# field and value as a reply of its own (~10x the server's time with redis-py's pure-Python
# parser). Read-only; a fraction of a ms per month on the server (bench/README.md).
MONTHS_JSON = """
local out = {}
for i, key in ipairs(KEYS) do
  local flat = redis.call('HGETALL', key)
  local month = {}
  for j = 1, #flat, 2 do month[flat[j]] = tonumber(flat[j + 1]) end
  out[i] = #flat > 0 and cjson.encode(month) or ''
end
return out
"""

# KEYS: index sets to intersect. ARGV[1]: case key prefix. One snapshot: a case changing
# status meanwhile is either wholly in or wholly out of the answer.
LIST_CASES = """
local out = {}
for _, id in ipairs(redis.call('SINTER', unpack(KEYS))) do
  local body = redis.call('HGET', ARGV[1] .. id, 'j')
  if body then out[#out + 1] = body end
end
return out
"""

# KEYS: schedule zset, items hash, claims hash. ARGV: now, limit, visible-again time, token.
# Returns [id1, item1, id2, item2, ...] in due order.
CLAIM_DUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local item = redis.call('HGET', KEYS[2], id)
  if item then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    redis.call('HSET', KEYS[3], id, ARGV[4])
    out[#out + 1] = id
    out[#out + 1] = item
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
"""

# KEYS: schedule zset, items hash, claims hash. ARGV: item id, claim token. Returns 1 or 0.
COMPLETE_DUE = """
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""

# KEYS: schedule zset, items hash, claims hash, then the send markers to record done.
# ARGV: item id, claim token, again_at ("" = remove the item), again body, markers' TTL in ms,
# n, n × (id, score, body) of items to schedule, then one marker value per marker key.
# Removal first (only under our claim), so a `then` item with the settled item's id survives.
SETTLE_DUE = """
local removed = 1
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
  redis.call('HDEL', KEYS[3], ARGV[1])
elseif redis.call('HGET', KEYS[3], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
else
  removed = 0
end
local n = tonumber(ARGV[6])
for t = 0, n - 1 do
  local id = ARGV[7 + 3 * t]
  redis.call('ZADD', KEYS[1], ARGV[8 + 3 * t], id)
  redis.call('HSET', KEYS[2], id, ARGV[9 + 3 * t])
  redis.call('HDEL', KEYS[3], id)
end
local first = 7 + 3 * n
for i = 4, #KEYS do redis.call('SET', KEYS[i], ARGV[first + i - 4], 'PX', ARGV[5]) end
return removed
"""

# FIRST_SEEN, then the documents KEYS[2..] (hashes e, d) when it is the first time. Returns {0},
# or {1, e, d, e, d, ...} (false where a document or field is absent).
FIRST_SEEN_READ = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
end
local out = {1}
for i = 2, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'e', 'd')
  out[#out + 1] = v[1]
  out[#out + 1] = v[2]
end
return out
"""

# KEYS: seen key. ARGV: token, TTL in ms. 1 the first time; also 1 when the key holds our own
# token (a retry after a lost reply must not turn the user's message into a "duplicate").
FIRST_SEEN = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
"""
