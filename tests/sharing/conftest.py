from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from places.geo import make_point
from tests.factories import StaffFactory, UserFactory, mfa_enable

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def days_ahead(days: int, hour: int = 10) -> datetime:
    """A local time `days` from today at `hour` o'clock, Oslo time."""
    today = datetime.now(OSLO).date() + timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour, tzinfo=OSLO)


def make_hub(name="Fornebu utlånssentral", *, staff=(), lat=59.8960, lon=10.6270, **extra):
    from django.utils.text import slugify

    from sharing.models import Hub, HubStaff

    hub = Hub.objects.create(
        name=name, slug=slugify(name), address="Forneburingen 1", location=make_point(lat, lon), **extra
    )
    for user in staff:
        HubStaff.objects.create(hub=hub, user=user)
        mfa_enable(user)  # hub staff must use MFA on the hub desk (accounts/security.py)
    return hub


def make_item(*, hub=None, owner=None, title="Havkajakk", category="water-sports", units=1, **extra):
    from catalog.models import Category
    from sharing.services import ItemData, item_create

    data = ItemData(title=title, category=Category.objects.get(slug=category), **extra)
    location = make_point(59.9184, 10.5874) if owner is not None else None
    return item_create(data=data, hub=hub, owner=owner, location=location, units=units)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English (the msgids); pages choose their language from
    the URL whatever is active here."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    return StaffFactory(profile__display_name="Siri i utlånet")  # the hub desk requires MFA


@pytest.fixture
def hub(staff):
    return make_hub(staff=[staff])


@pytest.fixture
def borrower(db):
    return UserFactory(profile__display_name="Ola")
