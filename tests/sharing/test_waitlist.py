"""The waitlist: join only when nothing is free; a cancellation offers the period to the first in
line as a held reservation (which no one else can take); accept, decline, expiry passes it on;
staff reorder the queue."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sharing.models import Reservation, WaitlistEntry
from sharing.services import (
    ReservationError,
    holds_expire_due,
    reservation_cancel,
    reservation_create,
    waitlist_accept,
    waitlist_join,
    waitlist_leave,
    waitlist_move,
)
from tests.factories import UserFactory
from tests.sharing.conftest import days_ahead, make_item

START, END = days_ahead(4), days_ahead(5)


@pytest.fixture
def full(hub, borrower):
    """A one-unit item booked by `borrower` for START–END."""
    item = make_item(hub=hub)
    booking = reservation_create(item=item, borrower=borrower, start=START, end=END)
    return item, booking


def test_joining_is_only_for_a_period_with_no_unit_free(hub, borrower):
    item = make_item(hub=hub)
    with pytest.raises(ReservationError, match="book it instead"):
        waitlist_join(item=item, user=borrower, start=START, end=END)


def test_once_per_person_and_period(full):
    item, _ = full
    person = UserFactory()
    waitlist_join(item=item, user=person, start=START, end=END)
    with pytest.raises(ReservationError, match="already on the waitlist"):
        waitlist_join(item=item, user=person, start=START, end=END)


def test_a_cancellation_offers_the_period_to_the_first_in_line(
    full, borrower, django_capture_on_commit_callbacks
):
    item, booking = full
    first, second = UserFactory(), UserFactory()
    entry = waitlist_join(item=item, user=first, start=START, end=END)
    waitlist_join(item=item, user=second, start=START, end=END)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=booking, by=borrower)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    hold = entry.offer
    assert (hold.status, hold.borrower) == (Reservation.Status.HELD, first)
    assert hold.hold_until > timezone.now() + timedelta(hours=23)
    assert [m.to for m in mail.outbox] == [[first.email]]
    # The held period cannot be booked by anyone else.
    with pytest.raises(ReservationError) as refused:
        reservation_create(item=item, borrower=UserFactory(), start=START, end=END)
    assert refused.value.status == 409
    assert waitlist_accept(entry=entry, by=first).status == Reservation.Status.CONFIRMED


def test_declining_passes_the_offer_to_the_next_in_line(full, borrower, django_capture_on_commit_callbacks):
    item, booking = full
    first, second = UserFactory(), UserFactory()
    entry = waitlist_join(item=item, user=first, start=START, end=END)
    later = waitlist_join(item=item, user=second, start=START, end=END)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=booking, by=borrower)
    entry.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_leave(entry=entry, by=first)
    later.refresh_from_db()
    assert later.status == WaitlistEntry.Status.OFFERED and later.offer.borrower == second
    assert Reservation.objects.filter(item=item, status__in=Reservation.ACTIVE).count() == 1


def test_an_offer_not_taken_in_time_expires_and_goes_to_the_next(
    full, borrower, django_capture_on_commit_callbacks
):
    item, booking = full
    first, second = UserFactory(), UserFactory()
    entry = waitlist_join(item=item, user=first, start=START, end=END)
    later = waitlist_join(item=item, user=second, start=START, end=END)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=booking, by=borrower)
    with django_capture_on_commit_callbacks(execute=True):
        assert holds_expire_due(now=timezone.now() + timedelta(hours=25)) == 1
    entry.refresh_from_db()
    later.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.EXPIRED
    assert later.status == WaitlistEntry.Status.OFFERED
    with pytest.raises(ReservationError, match="no longer open"):
        waitlist_accept(entry=entry, by=first)


def test_someone_elses_offer_cannot_be_taken(full, borrower, django_capture_on_commit_callbacks):
    item, booking = full
    first = UserFactory()
    entry = waitlist_join(item=item, user=first, start=START, end=END)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=booking, by=borrower)
    entry.refresh_from_db()
    with pytest.raises(ReservationError) as refused:
        waitlist_accept(entry=entry, by=UserFactory())
    assert refused.value.status == 404


def test_only_a_fitting_entry_gets_the_offer(full, borrower, django_capture_on_commit_callbacks):
    """The freed period is START–END; someone waiting for a longer period that is still taken
    elsewhere waits on; the later, fitting entry is offered."""
    item, booking = full
    reservation_create(item=item, borrower=UserFactory(), start=END, end=END + timedelta(days=1))
    longer = waitlist_join(item=item, user=UserFactory(), start=START, end=END + timedelta(hours=12))
    fitting = waitlist_join(item=item, user=UserFactory(), start=START, end=END)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=booking, by=borrower)
    longer.refresh_from_db()
    fitting.refresh_from_db()
    assert (longer.status, fitting.status) == ("waiting", "offered")


def test_staff_reorder_the_queue(full, staff, borrower, django_capture_on_commit_callbacks):
    item, booking = full
    first, second = UserFactory(), UserFactory()
    early = waitlist_join(item=item, user=first, start=START, end=END)
    late = waitlist_join(item=item, user=second, start=START, end=END)
    with pytest.raises(ReservationError):
        waitlist_move(entry=late, by=borrower, position=0)
    waitlist_move(entry=early, by=staff, position=5)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=booking, by=borrower)
    late.refresh_from_db()
    assert late.status == WaitlistEntry.Status.OFFERED
