"""One cache client per process for code that runs under an event loop.

Django's `cache` is context-local: under Daphne every task — every WebSocket — that touches it
gets a cache object of its own, so its own Redis connection pool and connection. With thousands
of sockets that is thousands of idle Redis connections and a new TCP connection at every
handshake. redis-py's pool is thread-safe, so the consumers share one.

`process_redis()` is a redis-py client on the same server and database, for what Django's cache
API cannot do in one round trip (the rate limiter's script); its keys go through
`process_cache().make_key()`, so they are in the cache's key space. `loop_redis()` is the same
for async code: a redis.asyncio client of the running event loop, so a consumer counts without
a trip to a thread (docs/decisions/0021)."""

import asyncio
import weakref
from functools import cache

import redis
import redis.asyncio
from django.conf import settings
from django.core.cache import BaseCache, caches


@cache
def process_cache() -> BaseCache:
    return caches.create_connection("default")


@cache
def process_redis() -> redis.Redis:
    config = settings.CACHES["default"]
    options = config.get("OPTIONS", {})
    return redis.Redis.from_url(
        config["LOCATION"],
        socket_connect_timeout=options.get("socket_connect_timeout"),
        socket_timeout=options.get("socket_timeout"),
    )


_loop_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per event loop


def loop_redis() -> redis.asyncio.Redis:
    """The running event loop's async client. Its pool waits for a free connection rather than
    raising when all are busy (redis-py's default pool raises: PITFALLS.md), for as long as it
    takes: a busy loop falls behind rather than failing sockets, and a Redis that hangs still
    fails each command after the socket timeout, which frees its connection."""
    loop = asyncio.get_running_loop()
    client = _loop_clients.get(loop)
    if client is None:
        options = settings.CACHES["default"].get("OPTIONS", {})
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            settings.CACHES["default"]["LOCATION"],
            max_connections=50,
            timeout=None,
            socket_connect_timeout=options.get("socket_connect_timeout"),
            socket_timeout=options.get("socket_timeout"),
        )
        client = _loop_clients[loop] = redis.asyncio.Redis(connection_pool=pool)
    return client


async def loop_redis_close() -> None:
    """Close the running loop's async client (tests, and a server shutting down)."""
    client = _loop_clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()
