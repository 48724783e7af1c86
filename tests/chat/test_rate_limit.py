"""The per-user message limit (API.md: 20 per 10 s), counted by the store statement over the
sender's own stored messages: the same for every socket, process and the HTTP API."""

from datetime import timedelta

import pytest

from chat.models import Message
from chat.services import RATE_LIMIT_MESSAGES, RATE_LIMIT_WINDOW, ChatError, conversation_open, message_send
from tests.factories import UserFactory


@pytest.fixture
def talk(db):
    asker, owner = UserFactory(), UserFactory()
    conversation, _ = conversation_open(user=asker, other=owner)
    return conversation, asker, owner


def send(conversation, sender, n: int = 1) -> None:
    for i in range(n):
        message_send(conversation=conversation, sender=sender, body=f"Hei {i}")


def refused(conversation, sender) -> ChatError:
    with pytest.raises(ChatError) as caught:
        send(conversation, sender)
    return caught.value


def age(sender, seconds: float) -> None:
    """Move the sender's messages back in time by `seconds`."""
    for message in Message.objects.filter(sender=sender):
        Message.objects.filter(pk=message.pk).update(sent_at=message.sent_at - timedelta(seconds=seconds))


def test_the_message_over_the_limit_is_refused_and_not_stored(talk):
    conversation, asker, _ = talk
    send(conversation, asker, RATE_LIMIT_MESSAGES)
    error = refused(conversation, asker)
    assert (error.code, error.status) == ("rate_limited", 429)
    assert "for fort" in error.message  # Norwegian first
    assert Message.objects.filter(sender=asker).count() == RATE_LIMIT_MESSAGES


def test_the_window_slides_with_the_messages_not_with_the_clock(talk):
    conversation, asker, _ = talk
    send(conversation, asker, RATE_LIMIT_MESSAGES)
    # Sent a moment less than a window ago (across a 10 s mark of the clock, say): they still count.
    age(asker, RATE_LIMIT_WINDOW - 0.5)
    assert refused(conversation, asker).code == "rate_limited"
    age(asker, 1)  # now all are older than the window
    send(conversation, asker)
    assert Message.objects.filter(sender=asker).count() == RATE_LIMIT_MESSAGES + 1


def test_the_limit_is_per_user_across_conversations(talk):
    conversation, asker, owner = talk
    send(conversation, asker, RATE_LIMIT_MESSAGES)
    elsewhere, _ = conversation_open(user=asker, other=UserFactory())
    assert refused(elsewhere, asker).code == "rate_limited"  # another conversation: still them
    send(conversation, owner)  # the other person has a limit of their own
    assert Message.objects.filter(sender=owner).count() == 1
