from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from chat.models import Message
from chat.services import (
    conversation_mark_read,
    conversation_open,
    message_send,
    presence_join,
    presence_leave,
)
from chat.tasks import unread_notify
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.usefixtures("places")


@pytest.fixture
def conversation(db):
    listing = make_listing(owner=UserFactory(profile__display_name="Olga"))
    conversation, _ = conversation_open(user=UserFactory(profile__display_name="Per"), subject=listing)
    return conversation


def age(minutes: int) -> None:
    Message.objects.update(sent_at=timezone.now() - timedelta(minutes=minutes))


def sender_and_recipient(conversation):
    listing_owner = conversation.subject.owner
    asker = conversation.user_low if conversation.user_high_id == listing_owner.pk else conversation.user_high
    return asker, listing_owner


def test_one_email_for_a_burst_after_ten_minutes(conversation):
    asker, owner = sender_and_recipient(conversation)
    for body in ("Hei", "Er den ledig?", "Hallo?"):
        message_send(conversation=conversation, sender=asker, body=body)
    assert unread_notify.enqueue().return_value == 0  # not yet ten minutes
    age(11)
    assert unread_notify.enqueue().return_value == 1
    assert unread_notify.enqueue().return_value == 0  # never twice for the same burst
    assert mail.outbox[0].to == [owner.email] and "3" in mail.outbox[0].body
    message_send(conversation=conversation, sender=asker, body="Ny melding")
    age(11)
    assert unread_notify.enqueue().return_value == 1  # a new burst, a new email


def test_no_email_when_the_message_was_read(conversation):
    asker, owner = sender_and_recipient(conversation)
    last = message_send(conversation=conversation, sender=asker, body="Hei")
    conversation_mark_read(conversation=conversation, user=owner, last_read_id=last.pk)
    age(30)
    assert unread_notify.enqueue().return_value == 0
    assert mail.outbox == []


def test_no_email_while_connected_or_switched_off(conversation):
    asker, owner = sender_and_recipient(conversation)
    message_send(conversation=conversation, sender=asker, body="Hei")
    age(30)
    presence_join(owner.pk)
    assert unread_notify.enqueue().return_value == 0
    presence_leave(owner.pk)
    owner.profile.email_on_unread = False
    owner.profile.save()
    assert unread_notify.enqueue().return_value == 0
    assert mail.outbox == []
