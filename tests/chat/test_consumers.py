"""The chat consumer's own logic, without a server (the protocol itself: tests/realtime/)."""

import asyncio

from chat.consumers import RATE_LIMIT_MESSAGES, RATE_LIMIT_WINDOW, ChatConsumer
from core.cache import loop_redis_close
from tests.factories import UserFactory


def allowed(consumer: ChatConsumer, times: int = 1) -> list[bool]:
    """The consumer's rate-limit answers for `times` messages in a row, on an event loop of
    their own (the check is async, on that loop's Redis client)."""

    async def check():
        try:
            return [await consumer._within_rate_limit() for _ in range(times)]
        finally:
            await loop_redis_close()

    return asyncio.run(check())


def test_a_burst_across_a_ten_second_mark_of_the_clock_is_limited_once(db, monkeypatch):
    from core import ratelimit

    consumer = ChatConsumer()
    consumer.user = UserFactory()
    # A limiter that cut windows by the clock let a burst across a 10 s mark through twice (2 x 20).
    instants = iter([1_000_000_009.5 + i * 0.04 for i in range(RATE_LIMIT_MESSAGES + 5)])
    monkeypatch.setattr(ratelimit, "_now", lambda: next(instants))
    assert allowed(consumer, RATE_LIMIT_MESSAGES + 5) == [True] * RATE_LIMIT_MESSAGES + [False] * 5


def test_the_limit_recovers_when_the_window_is_over(db, monkeypatch):
    from core import ratelimit

    consumer = ChatConsumer()
    consumer.user = UserFactory()
    now = {"t": 1_000_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    assert allowed(consumer, RATE_LIMIT_MESSAGES + 1) == [True] * RATE_LIMIT_MESSAGES + [False]
    now["t"] += RATE_LIMIT_WINDOW
    assert allowed(consumer) == [True]


def test_another_user_has_a_limit_of_their_own(db):
    flooder, other = ChatConsumer(), ChatConsumer()
    flooder.user, other.user = UserFactory(), UserFactory()
    assert allowed(flooder, RATE_LIMIT_MESSAGES + 1)[-1] is False
    assert allowed(other) == [True]
