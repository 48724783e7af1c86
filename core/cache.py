"""One cache client per process for code that runs under an event loop.

Django's `cache` is context-local: under Daphne every task — every WebSocket — that touches it
gets a cache object of its own, so its own Redis connection pool and connection. With thousands
of sockets that is thousands of idle Redis connections and a new TCP connection at every
handshake. redis-py's pool is thread-safe, so the consumers share one."""

from functools import cache

from django.core.cache import BaseCache, caches


@cache
def process_cache() -> BaseCache:
    return caches.create_connection("default")
