"""Choose the store backend from settings: Redis when REDIS_URL is set, else the SQLite file."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from config import Settings
from domain.clock import Clock, utc_now
from domain.ports import Stores

log = logging.getLogger(__name__)


def _safe_url(url: str) -> str:
    """The URL without its credentials, for the log."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


async def open_stores(settings: Settings, clock: Clock = utc_now) -> Stores:
    """Open the configured backend. Redis is not pinged here: a Redis that is down at start shows
    in /readyz and in StoreUnavailable answers, and the bot recovers once it is back. `clock` is
    the app's: the SQLite sweep of expiring records follows it (Redis TTLs follow Redis' own).

    Only the chosen backend is imported: redis-py alone holds ~6 MB of the process's memory,
    which a bot on the SQLite file never uses."""
    if settings.redis_url:
        from adapters.redis_store import RedisStores
        from adapters.store_keys import KeyBuilder

        log.info("storage: redis at %s", _safe_url(settings.redis_url))
        return RedisStores.from_url(settings.redis_url, keys=KeyBuilder(prefix=settings.redis_key_prefix))
    from adapters.sqlite_store import SqliteStores

    stores = await SqliteStores.open(settings.data_dir, clock=clock)
    log.info("storage: sqlite file %s", stores.path)
    return stores
