"""The chat consumer's own logic, without a server (the protocol itself: tests/realtime/)."""

from unittest import mock

from chat.consumers import RATE_LIMIT_MESSAGES, ChatConsumer
from tests.factories import UserFactory


def test_a_burst_is_limited_whatever_the_clock_says(db):
    consumer = ChatConsumer()
    consumer.user = UserFactory()
    # The old limiter cut windows by the wall clock; a burst across a 10 s boundary got 2 x 20.
    clock = iter(range(1_000_000_005, 1_000_000_100))
    with mock.patch("chat.consumers.time.time", lambda: next(clock)):
        allowed = [consumer._within_rate_limit() for _ in range(RATE_LIMIT_MESSAGES + 5)]
    assert allowed == [True] * RATE_LIMIT_MESSAGES + [False] * 5


def test_another_user_has_a_limit_of_their_own(db):
    flooder, other = ChatConsumer(), ChatConsumer()
    flooder.user, other.user = UserFactory(), UserFactory()
    for _ in range(RATE_LIMIT_MESSAGES + 1):
        flooder._within_rate_limit()
    assert other._within_rate_limit()
