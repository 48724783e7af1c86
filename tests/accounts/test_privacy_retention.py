"""Retention jobs (scheduled through core.periodic): photos of listings that ended 90 days ago,
and a deleted person's messages once the other party has read them."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from accounts.services import account_delete
from chat.models import DELETED_USER_MESSAGES_KEPT, Conversation, Message
from chat.privacy import deleted_user_messages_purge_due
from chat.services import conversation_mark_read, conversation_open, message_send
from core.periodic import registered
from marketplace.models import LISTING_PHOTO_RETENTION, Listing, ListingImage
from marketplace.privacy import listing_photos_purge_due
from marketplace.services import listing_image_add
from tests.accounts.privacy_world import photo
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.usefixtures("places")


def listing_with_photo(**state):
    listing = make_listing()
    image = listing_image_add(listing=listing, image=photo())
    Listing.objects.filter(pk=listing.pk).update(**state)
    return listing, image


def test_photos_of_listings_that_ended_90_days_ago_are_deleted(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    long_ago = now - LISTING_PHOTO_RETENTION - timedelta(days=1)
    recently = now - LISTING_PHOTO_RETENTION + timedelta(days=1)
    expired, expired_image = listing_with_photo(status="expired", expires_at=long_ago)
    withdrawn, _image = listing_with_photo(status="withdrawn", updated_at=long_ago)
    just_expired, _image = listing_with_photo(status="expired", expires_at=recently)
    active, _image = listing_with_photo(
        status="active", updated_at=long_ago, expires_at=now + timedelta(days=3)
    )
    completed, _image = listing_with_photo(status="completed", updated_at=long_ago)
    files = [expired_image.original.name, *(r["webp"] for r in expired_image.renditions.values())]

    with django_capture_on_commit_callbacks(execute=True):
        assert listing_photos_purge_due(now=now) == 2
    assert not ListingImage.objects.filter(listing__in=[expired, withdrawn]).exists()
    assert ListingImage.objects.filter(listing__in=[just_expired, active, completed]).count() == 3
    assert not any(default_storage.exists(name) for name in files)
    assert listing_photos_purge_due(now=now) == 0  # idempotent


def erased_long_ago(user, capture, days: int):
    with capture(execute=True):
        account_delete(user=user)
    User.objects.filter(pk=user.pk).update(erased_at=timezone.now() - timedelta(days=days))


def test_a_deleted_persons_read_messages_go_after_the_retention_period(
    db, django_capture_on_commit_callbacks
):
    kari, ola = UserFactory(), UserFactory()
    conversation, _created = conversation_open(user=kari, other=ola)
    read = message_send(conversation=conversation, sender=kari, body="Lest")
    reply = message_send(conversation=conversation, sender=ola, body="Svar fra Ola")
    conversation_mark_read(conversation=conversation, user=ola, last_read_id=reply.pk)
    unread = message_send(conversation=conversation, sender=kari, body="Ulest")

    erased_long_ago(kari, django_capture_on_commit_callbacks, DELETED_USER_MESSAGES_KEPT.days - 1)
    assert deleted_user_messages_purge_due() == 0  # still within the period
    User.objects.filter(pk=kari.pk).update(
        erased_at=timezone.now() - DELETED_USER_MESSAGES_KEPT - timedelta(days=1)
    )
    assert deleted_user_messages_purge_due() == 1
    assert set(Message.objects.values_list("pk", flat=True)) == {reply.pk, unread.pk}
    assert not Message.objects.filter(pk=read.pk).exists()
    assert deleted_user_messages_purge_due() == 0  # idempotent


def test_a_conversation_of_two_deleted_people_goes_entirely(db, django_capture_on_commit_callbacks):
    kari, ola = UserFactory(), UserFactory()
    conversation, _created = conversation_open(user=kari, other=ola)
    message_send(conversation=conversation, sender=kari, body="Hei")
    for user in (kari, ola):
        erased_long_ago(user, django_capture_on_commit_callbacks, DELETED_USER_MESSAGES_KEPT.days + 1)
    assert deleted_user_messages_purge_due() == 1
    assert not Conversation.objects.filter(pk=conversation.pk).exists()


def test_the_retention_jobs_are_scheduled():
    paths = set(registered())
    assert {
        "marketplace.tasks.listing_photos_purge",
        "chat.tasks.deleted_user_messages_purge",
        "accounts.tasks.data_exports_purge",
    } <= paths
