"""Expiry and reminders, run through the task backend (immediate in tests)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from marketplace.models import Listing
from marketplace.tasks import listings_expire, listings_send_reminders
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.usefixtures("places", "site")


def set_expiry(listing, delta):
    Listing.objects.filter(pk=listing.pk).update(expires_at=timezone.now() + delta)


def test_listing_lives_thirty_days():
    listing = make_listing()
    assert (
        timedelta(days=29, hours=23)
        < listing.expires_at - listing.published_at
        <= timedelta(days=30, seconds=5)
    )


def test_expired_listings_leave_search_and_reserved_ones_stay():
    old, _fresh, reserved = (
        make_listing(title="Gammel"),
        make_listing(title="Ny"),
        make_listing(title="Reservert"),
    )
    Listing.objects.filter(pk=reserved.pk).update(status="reserved", reserved_for=UserFactory())
    for listing in (old, reserved):
        set_expiry(listing, -timedelta(minutes=1))
    result = listings_expire.enqueue()
    assert result.return_value == 1
    statuses = dict(Listing.objects.values_list("title", "status"))
    assert statuses == {"Gammel": "expired", "Ny": "active", "Reservert": "reserved"}


def test_reminder_is_sent_once_three_days_before_with_a_working_renewal_link():
    owner = UserFactory(profile__display_name="Kari")
    soon, later = (
        make_listing(owner=owner, title="Snart borte"),
        make_listing(owner=owner, title="Lenge igjen"),
    )
    set_expiry(soon, timedelta(days=2))
    set_expiry(later, timedelta(days=10))
    assert listings_send_reminders.enqueue().return_value == 1
    assert listings_send_reminders.enqueue().return_value == 0  # never twice
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    assert "Snart borte" in mail.outbox[0].subject
    path = re.search(r"https?://[^/]+(/\S+/forny/\S+/)", mail.outbox[0].body).group(1)

    anonymous = Client()  # one click from the email: no sign-in needed
    assert anonymous.get(path).status_code == 200
    assert anonymous.post(path).status_code == 200
    soon.refresh_from_db()
    assert soon.expires_at > timezone.now() + timedelta(days=29)
    assert soon.reminded_at is None  # a new reminder before the new date


def test_reminder_follows_the_owners_language():
    owner = UserFactory()
    owner.profile.preferred_language = "en"
    owner.profile.save()
    set_expiry(make_listing(owner=owner, title="Lamp"), timedelta(days=1))
    listings_send_reminders.enqueue()
    assert "expires soon" in mail.outbox[0].subject and "/en/gis-bort/" in mail.outbox[0].body


def test_tampered_or_foreign_renewal_link_is_refused():
    listing, other = make_listing(), make_listing()
    from marketplace.services import renewal_token

    token = renewal_token(listing)
    assert Client().post(f"/gis-bort/{listing.pk}/forny/{token}x/").status_code == 400
    assert Client().post(f"/gis-bort/{other.pk}/forny/{token}/").status_code == 400


def test_periodic_command_enqueues_each_task_once_per_interval(capsys):
    set_expiry(make_listing(title="Utløpt"), -timedelta(minutes=1))
    call_command("periodic")
    assert Listing.objects.get(title="Utløpt").status == "expired"
    first = capsys.readouterr().out
    call_command("periodic")
    assert "listings_expire" in first and capsys.readouterr().out == ""
