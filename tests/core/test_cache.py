import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core.cache import cache

from core.cache import process_cache


def _pools_seen_by_tasks(get_cache, n=5) -> set[int]:
    def pool_id() -> int:
        return id(get_cache()._cache._get_connection_pool(True))

    async def main():
        tasks = [asyncio.create_task(sync_to_async(pool_id, thread_sensitive=False)()) for _ in range(n)]
        return set(await asyncio.gather(*tasks))

    # A new thread starts with an empty context, like a Daphne process before its first socket.
    with ThreadPoolExecutor(max_workers=1) as fresh:
        return fresh.submit(asyncio.run, main()).result()


def test_every_task_of_the_process_shares_one_redis_pool():
    assert len(_pools_seen_by_tasks(process_cache)) == 1
    # What it replaces: Django's context-local `cache` gives every task (every WebSocket) its own.
    assert len(_pools_seen_by_tasks(lambda: cache)) == 5


def test_it_is_the_same_key_space_as_the_cache():
    process_cache().set("core-cache-test", 41)
    process_cache().incr("core-cache-test")
    assert cache.get("core-cache-test") == 42
    cache.delete("core-cache-test")
