"""The database from the event loop itself, for the one hot path that must not hop to a thread:
storing a chat message (docs/decisions/0021).

Django's ORM is synchronous, so async code runs it on a thread pool (`database_sync_to_async`).
For a WebSocket server that is a trip to a thread and back for every frame, and the event loop
shares the GIL with those threads: at a few hundred messages a second the loop spent most of its
time waiting for its turn. A statement that is plain SQL anyway (chat.services' message store)
runs here instead, on a psycopg `AsyncConnectionPool` of the running loop, with Django's own
connection parameters (database, user, session options), in autocommit: one statement, one
transaction."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from django.conf import settings
from django.db import connections
from psycopg import AsyncConnection, OperationalError
from psycopg_pool import AsyncConnectionPool, PoolTimeout

# Per event loop; a loop that is gone takes its entry with it.
_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task] = weakref.WeakKeyDictionary()


def _connection_kwargs() -> dict:
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)  # Django's synchronous cursor class
    # Django turns server-side prepared statements off (for PgBouncer in transaction mode
    # before 1.21); the statements here run thousands of times a minute, so they are prepared
    # at their first run unless ASYNC_DB_PREPARE is off.
    params["prepare_threshold"] = 0 if settings.ASYNC_DB_PREPARE else None
    return {**params, "autocommit": True}


async def _open_pool() -> AsyncConnectionPool:
    pool = AsyncConnectionPool(
        kwargs=_connection_kwargs(),
        connection_class=AsyncConnection,
        min_size=1,
        max_size=settings.ASYNC_DB_POOL_SIZE,
        timeout=10,
        open=False,
        name="sirkel-async",
    )
    await pool.open()
    return pool


async def _pool() -> AsyncConnectionPool:
    loop = asyncio.get_running_loop()
    opening = _pools.get(loop)
    failed = opening is not None and opening.done() and (opening.cancelled() or opening.exception())
    if opening is None or failed:  # the first caller opens it; those arriving meanwhile wait
        opening = _pools[loop] = loop.create_task(_open_pool())
    return await opening


# What a caller may answer with "try again later": no connection free within the pool's timeout
# (the database is overloaded or unreachable), or the connection failed.
DatabaseBusy = (PoolTimeout, OperationalError)


@asynccontextmanager
async def connection() -> AsyncIterator[AsyncConnection]:
    """A connection of this loop's pool, in autocommit, for the time of the block. Raises one of
    DatabaseBusy when none is free within the pool's timeout or the database cannot be reached."""
    async with (await _pool()).connection() as conn:
        yield conn
