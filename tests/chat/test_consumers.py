"""The chat consumer's own logic, without a server (the protocol itself: tests/realtime/)."""

from chat.consumers import RATE_LIMIT_MESSAGES, RATE_LIMIT_WINDOW, ChatConsumer
from tests.factories import UserFactory


def test_a_burst_across_a_ten_second_mark_of_the_clock_is_limited_once(db, monkeypatch):
    from core import ratelimit

    consumer = ChatConsumer()
    consumer.user = UserFactory()
    # A limiter that cut windows by the clock let a burst across a 10 s mark through twice (2 x 20).
    instants = iter([1_000_000_009.5 + i * 0.04 for i in range(RATE_LIMIT_MESSAGES + 5)])
    monkeypatch.setattr(ratelimit, "_now", lambda: next(instants))
    allowed = [consumer._within_rate_limit() for _ in range(RATE_LIMIT_MESSAGES + 5)]
    assert allowed == [True] * RATE_LIMIT_MESSAGES + [False] * 5


def test_the_limit_recovers_when_the_window_is_over(db, monkeypatch):
    from core import ratelimit

    consumer = ChatConsumer()
    consumer.user = UserFactory()
    now = {"t": 1_000_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    assert all(consumer._within_rate_limit() for _ in range(RATE_LIMIT_MESSAGES))
    assert not consumer._within_rate_limit()
    now["t"] += RATE_LIMIT_WINDOW
    assert consumer._within_rate_limit()


def test_another_user_has_a_limit_of_their_own(db):
    flooder, other = ChatConsumer(), ChatConsumer()
    flooder.user, other.user = UserFactory(), UserFactory()
    for _ in range(RATE_LIMIT_MESSAGES + 1):
        flooder._within_rate_limit()
    assert other._within_rate_limit()
