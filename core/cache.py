"""One cache client per process for code that runs under an event loop.

Django's `cache` is context-local: under Daphne every task — every WebSocket — that touches it
gets a cache object of its own, so its own Redis connection pool and connection. With thousands
of sockets that is thousands of idle Redis connections and a new TCP connection at every
handshake. redis-py's pool is thread-safe, so the consumers share one.

`process_redis()` is a redis-py client on the same server and database, for what Django's cache
API cannot do in one round trip (the rate limiter's script); its keys go through
`process_cache().make_key()`, so they are in the cache's key space."""

from functools import cache

import redis
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
