"""Bookings: any free unit, never two active bookings of one unit for overlapping time (the
database's exclusion constraint), clear refusals, limits that hold under concurrency."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from sharing.models import Item, Reservation, Unit
from sharing.services import ReservationError, reservation_cancel, reservation_create, reservation_decide
from tests.factories import UserFactory
from tests.sharing.conftest import days_ahead, make_hub, make_item, oslo


def book(item, borrower, start, end, **extra):
    return reservation_create(item=item, borrower=borrower, start=start, end=end, **extra)


def test_three_units_take_three_overlapping_bookings_and_refuse_the_fourth(hub):
    item = make_item(hub=hub, units=3)
    start, end = days_ahead(3), days_ahead(4)
    taken = {book(item, UserFactory(), start, end).unit_id for _ in range(3)}
    assert taken == set(item.units.values_list("pk", flat=True))
    with pytest.raises(ReservationError) as refused:
        book(item, UserFactory(), start + timedelta(hours=2), end + timedelta(hours=2))
    assert refused.value.status == 409
    # The next free period is offered: right after the first bookings end.
    assert refused.value.suggestion == (end, end + timedelta(days=1))
    assert "next free period" in refused.value.message


def test_back_to_back_bookings_of_one_unit_are_allowed(hub, borrower):
    item = make_item(hub=hub)
    first = book(item, borrower, days_ahead(2), days_ahead(3))
    second = book(item, UserFactory(), days_ahead(3), days_ahead(4))
    assert first.unit_id == second.unit_id


def test_the_database_refuses_an_overlap_even_without_the_service(hub, borrower):
    item = make_item(hub=hub)
    unit = item.units.get()
    Reservation.objects.create(
        item=item, unit=unit, borrower=borrower, start=days_ahead(2), end=days_ahead(4), status="confirmed"
    )
    with pytest.raises(IntegrityError, match="reservation_no_overlap"), transaction.atomic():
        Reservation.objects.create(
            item=item, unit=unit, borrower=borrower, start=days_ahead(3), end=days_ahead(5), status="pending"
        )
    # A cancelled booking holds nothing.
    Reservation.objects.create(
        item=item, unit=unit, borrower=borrower, start=days_ahead(3), end=days_ahead(5), status="cancelled"
    )


def test_a_pending_booking_holds_its_period_like_a_confirmed_one(hub, borrower):
    item = make_item(hub=hub, requires_approval=True)
    pending = book(item, borrower, days_ahead(2), days_ahead(3))
    assert pending.status == Reservation.Status.PENDING
    with pytest.raises(ReservationError) as refused:
        book(item, UserFactory(), days_ahead(2), days_ahead(3))
    assert refused.value.status == 409


def test_cancelling_frees_the_period(hub, borrower):
    item = make_item(hub=hub)
    reservation = book(item, borrower, days_ahead(2), days_ahead(3))
    reservation_cancel(reservation=reservation, by=borrower)
    assert book(item, UserFactory(), days_ahead(2), days_ahead(3)).status == Reservation.Status.CONFIRMED


@pytest.mark.parametrize(
    ("start", "end", "field", "text"),
    [
        (days_ahead(3), days_ahead(3), "end", "after the start"),
        (days_ahead(4), days_ahead(3), "end", "after the start"),
        (days_ahead(-1), days_ahead(1), "start", "past"),
        (days_ahead(1), days_ahead(9), "end", "at most 7 days"),
    ],
)
def test_bad_periods_are_refused_with_a_message(hub, borrower, start, end, field, text):
    item = make_item(hub=hub)
    with pytest.raises(ReservationError) as refused:
        book(item, borrower, start, end)
    assert (refused.value.status, refused.value.field) == (400, field)
    assert text in refused.value.message
    assert not Reservation.objects.exists()


def test_minimum_notice(hub, borrower):
    item = make_item(hub=hub, min_notice_hours=48)
    with pytest.raises(ReservationError, match="48 hours in advance"):
        book(item, borrower, days_ahead(1), days_ahead(2))
    assert book(item, borrower, days_ahead(3), days_ahead(4))


def test_pledge_and_proof_must_be_accepted(hub, borrower):
    item = make_item(hub=hub, pledge="Plukk søppel fra fjorden", required_proof="våttkort")
    with pytest.raises(ReservationError) as refused:
        book(item, borrower, days_ahead(2), days_ahead(3))
    assert refused.value.field == "pledge_accepted"
    with pytest.raises(ReservationError) as refused:
        book(item, borrower, days_ahead(2), days_ahead(3), pledge_accepted=True)
    assert refused.value.field == "proof_confirmed"
    reservation = book(
        item, borrower, days_ahead(2), days_ahead(3), pledge_accepted=True, proof_confirmed=True
    )
    assert reservation.pledge_accepted and reservation.proof_confirmed


def test_at_most_three_active_bookings_per_hub(hub, borrower):
    items = [make_item(hub=hub, title=f"Telt {n}", category="camping-hiking") for n in range(4)]
    for item in items[:3]:
        book(item, borrower, days_ahead(2), days_ahead(3))
    with pytest.raises(ReservationError) as refused:
        book(items[3], borrower, days_ahead(2), days_ahead(3))
    assert refused.value.status == 403
    # Another hub has its own limit.
    other = make_item(hub=make_hub("Sandvika utlån", lat=59.89, lon=10.52))
    assert book(other, borrower, days_ahead(2), days_ahead(3))


def test_an_overdue_loan_blocks_new_bookings(hub, borrower):
    item = make_item(hub=hub)
    Reservation.objects.create(
        item=item,
        unit=item.units.get(),
        borrower=borrower,
        start=days_ahead(-5),
        end=days_ahead(-1),
        status=Reservation.Status.CHECKED_OUT,
    )
    other = make_item(hub=hub, title="Sykkelhenger", category="bike-parts")
    with pytest.raises(ReservationError, match="overdue"):
        book(other, borrower, days_ahead(2), days_ahead(3))


def test_units_in_repair_and_retired_items_are_not_lent(hub, borrower):
    item = make_item(hub=hub, units=2)
    first, second = item.units.all()
    Unit.objects.filter(pk=first.pk).update(status=Unit.Status.IN_REPAIR)
    assert book(item, borrower, days_ahead(2), days_ahead(3)).unit_id == second.pk
    with pytest.raises(ReservationError) as refused:
        book(item, UserFactory(), days_ahead(2), days_ahead(3))
    assert refused.value.status == 409
    Item.objects.filter(pk=item.pk).update(status=Item.Status.RETIRED)
    item.refresh_from_db()
    with pytest.raises(ReservationError, match="cannot be booked"):
        book(item, UserFactory(), days_ahead(5), days_ahead(6))


def test_personal_items_always_need_the_owners_approval(borrower):
    owner = UserFactory()
    item = make_item(owner=owner, title="Stige", category="tools")
    assert item.needs_approval
    reservation = book(item, borrower, days_ahead(2), days_ahead(3))
    assert reservation.status == Reservation.Status.PENDING
    with pytest.raises(ReservationError):
        reservation_decide(reservation=reservation, by=UserFactory(), approve=True)
    assert reservation_decide(reservation=reservation, by=owner, approve=True).status == "confirmed"
    with pytest.raises(ReservationError, match="your own item"):
        book(item, owner, days_ahead(5), days_ahead(6))


def test_the_public_point_of_a_personal_item_is_not_the_exact_one(borrower):
    item = make_item(owner=borrower, title="Stige", category="tools")
    assert item.public_location.distance(item.location) > 0.0005  # degrees, about 40 m at least


def test_only_staff_of_that_hub_decide(hub, staff, borrower):
    item = make_item(hub=hub, requires_approval=True)
    other_staff = UserFactory()
    make_hub("Bekkestua utlån", staff=[other_staff])
    reservation = book(item, borrower, days_ahead(2), days_ahead(3))
    with pytest.raises(ReservationError):
        reservation_decide(reservation=reservation, by=other_staff, approve=True)
    with pytest.raises(ReservationError):
        reservation_decide(reservation=reservation, by=borrower, approve=True)
    assert reservation_decide(reservation=reservation, by=staff, approve=False).status == "rejected"


def test_a_booking_across_the_dst_change_keeps_its_local_times(hub, borrower):
    """Summer time ends on the last Sunday of October: 10:00 Saturday to 10:00 Monday is 49 hours."""
    item = make_item(hub=hub)
    start, end = oslo(2027, 10, 30, 10), oslo(2027, 11, 1, 10)
    reservation = book(item, borrower, start, end)
    reservation.refresh_from_db()
    from django.utils import timezone

    assert timezone.localtime(reservation.start).hour == 10
    assert timezone.localtime(reservation.end).hour == 10
    assert reservation.end - reservation.start == timedelta(hours=49)


# --- Concurrency: real threads, each with its own connection, on the real database --------------


def _race(n, target):
    barrier = threading.Barrier(n)
    results: list = []
    lock = threading.Lock()

    def run(i):
        try:
            barrier.wait()
            outcome = ("booked", target(i))
        except ReservationError as error:
            outcome = ("refused", error.status)
        except Exception as error:
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def committed(transactional_db):
    from catalog.services import categories_load

    categories_load()  # the flush after a transactional test empties data migrations' rows


def test_parallel_bookings_of_the_last_unit_exactly_one_wins(committed):
    hub = make_hub()
    item = make_item(hub=hub)
    people = [UserFactory() for _ in range(8)]
    start, end = days_ahead(2), days_ahead(3)
    results = _race(8, lambda i: book(item, people[i], start + timedelta(minutes=i), end).pk)
    assert sorted(kind for kind, _ in results) == ["booked"] + ["refused"] * 7, results
    assert {status for kind, status in results if kind == "refused"} == {409}
    assert Reservation.objects.filter(item=item, status__in=Reservation.ACTIVE).count() == 1


def test_one_borrower_in_parallel_cannot_pass_the_hub_limit(committed):
    hub = make_hub()
    borrower = UserFactory()
    items = [make_item(hub=hub, title=f"Sykkel {n}", category="bicycles") for n in range(6)]
    results = _race(6, lambda i: book(items[i], borrower, days_ahead(2), days_ahead(3)).pk)
    assert sorted(results).count(("refused", 403)) == 3, results
    assert [kind for kind, _ in results].count("booked") == 3
    assert Reservation.objects.filter(borrower=borrower, status__in=Reservation.ACTIVE).count() == 3
