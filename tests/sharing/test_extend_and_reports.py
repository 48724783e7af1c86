"""Extending a loan on the same unit when it is free; "extend all"; the staff reports (overdue
with contact details, units out of lending, utilisation)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sharing.models import Reservation, Unit
from sharing.selectors import overdue_loans, units_out_of_lending, utilisation
from sharing.services import ReservationError, reservation_create, reservation_extend, reservations_extend_all
from tests.factories import UserFactory
from tests.sharing.conftest import days_ahead, make_hub, make_item


def loan(item, borrower, *, start, end, status=Reservation.Status.CHECKED_OUT, unit=None):
    return Reservation.objects.create(
        item=item, unit=unit or item.units.first(), borrower=borrower, start=start, end=end, status=status
    )


def test_extending_keeps_the_unit_and_is_refused_when_someone_booked_after(hub, borrower):
    item = make_item(hub=hub, max_loan_days=10)
    booking = reservation_create(item=item, borrower=borrower, start=days_ahead(2), end=days_ahead(4))
    assert reservation_extend(reservation=booking, by=borrower, until=days_ahead(5)).end == days_ahead(5)
    reservation_create(item=item, borrower=UserFactory(), start=days_ahead(6), end=days_ahead(7))
    with pytest.raises(ReservationError) as refused:
        reservation_extend(reservation=booking, by=borrower, until=days_ahead(7))
    assert refused.value.status == 409
    booking.refresh_from_db()
    assert booking.end == days_ahead(5)


def test_extension_limits(hub, borrower):
    item = make_item(hub=hub, max_loan_days=3)
    booking = reservation_create(item=item, borrower=borrower, start=days_ahead(2), end=days_ahead(3))
    with pytest.raises(ReservationError, match="at most 3 days"):
        reservation_extend(reservation=booking, by=borrower, until=days_ahead(6))
    with pytest.raises(ReservationError, match="after the current one"):
        reservation_extend(reservation=booking, by=borrower, until=days_ahead(3))
    with pytest.raises(ReservationError) as refused:
        reservation_extend(reservation=booking, by=UserFactory(), until=days_ahead(4))
    assert refused.value.status == 404


def test_extend_all_extends_what_it_can_and_says_why_not(hub, borrower):
    now = timezone.now()
    free = make_item(hub=hub, title="Drill", category="power-tools", max_loan_days=14)
    busy = make_item(hub=hub, title="Stige", category="ladders", max_loan_days=14)
    a = loan(free, borrower, start=now - timedelta(days=1), end=now + timedelta(days=1))
    b = loan(busy, borrower, start=now - timedelta(days=1), end=now + timedelta(days=1))
    reservation_create(
        item=busy, borrower=UserFactory(), start=now + timedelta(days=2), end=now + timedelta(days=3)
    )
    extended, refused = reservations_extend_all(borrower=borrower, days=2)
    assert [r.pk for r in extended] == [a.pk]
    assert [(r.pk, "booked it after you" in why) for r, why in refused] == [(b.pk, True)]


def test_reports_overdue_out_of_lending_and_utilisation(hub, borrower):
    now = timezone.now()
    item = make_item(hub=hub, units=2)
    other_hub_item = make_item(hub=make_hub("Annen"), title="Telt", category="camping-hiking")
    late = loan(item, borrower, start=now - timedelta(days=3), end=now - timedelta(days=1))
    loan(other_hub_item, borrower, start=now - timedelta(days=3), end=now - timedelta(days=1))
    assert [r.pk for r in overdue_loans(hub)] == [late.pk]
    Unit.objects.filter(pk=item.units.last().pk).update(status=Unit.Status.IN_REPAIR)
    assert [u.item_id for u in units_out_of_lending(hub)] == [item.pk]
    # Window of 4 days × 2 units; 2 days lent inside it -> 25 %.
    rows = utilisation(hub, start=now - timedelta(days=4), end=now)
    assert [(r["item"].pk, r["units"], round(r["share"], 2)) for r in rows] == [(item.pk, 2, 0.25)]
