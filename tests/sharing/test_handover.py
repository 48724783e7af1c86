"""Check-out and check-in: who may, when, what is recorded; damaged returns go to repair and
their coming bookings move to other units; the loan feeds the impact ledger; reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from catalog.models import ImpactEntry
from sharing.models import Item, Reservation, Unit
from sharing.services import (
    CheckIn,
    ReservationError,
    reservation_check_in,
    reservation_check_out,
    reservation_create,
)
from tests.factories import UserFactory
from tests.sharing.conftest import days_ahead, make_hub, make_item


def today_booking(item, borrower, **extra):
    """A booking from now until tomorrow (created directly: the service refuses past starts)."""
    now = timezone.now()
    return Reservation.objects.create(
        item=item,
        unit=item.units.first(),
        borrower=borrower,
        start=now - timedelta(minutes=5),
        end=now + timedelta(days=1),
        status=Reservation.Status.CONFIRMED,
        **extra,
    )


def test_staff_check_out_records_who_when_and_accessories(hub, staff, borrower):
    item = make_item(hub=hub, accessories=["Åre", "Vest", "Spruttrekk"], required_proof="våttkort")
    booking = today_booking(item, borrower)
    with pytest.raises(ReservationError) as refused:
        reservation_check_out(reservation=booking, by=staff, accessories_present=["Åre"])
    assert refused.value.field == "proof_verified"
    out = reservation_check_out(
        reservation=booking, by=staff, accessories_present=["Vest", "Åre"], proof_verified=True
    )
    out.refresh_from_db()
    assert out.status == Reservation.Status.CHECKED_OUT
    assert out.checked_out_by == staff and out.checked_out_at is not None
    assert out.accessories_out == ["Åre", "Vest"] and out.proof_verified


def test_only_that_hubs_staff_or_the_owner_hand_out(hub, borrower):
    item = make_item(hub=hub)
    booking = today_booking(item, borrower)
    other_hub_staff = UserFactory()
    make_hub("Bekkestua utlån", staff=[other_hub_staff])
    for person in (borrower, other_hub_staff, UserFactory()):
        with pytest.raises(ReservationError) as refused:
            reservation_check_out(reservation=booking, by=person)
        assert refused.value.status == 403
    owner = UserFactory()
    personal = make_item(owner=owner, title="Stige", category="tools")
    assert (
        reservation_check_out(reservation=today_booking(personal, borrower), by=owner).status == "checked_out"
    )


def test_a_booking_for_a_later_day_cannot_be_handed_out_yet(hub, staff, borrower):
    item = make_item(hub=hub)
    booking = reservation_create(item=item, borrower=borrower, start=days_ahead(3), end=days_ahead(4))
    with pytest.raises(ReservationError, match="later day"):
        reservation_check_out(reservation=booking, by=staff)


def test_check_in_ok_records_the_report_and_the_loan_in_the_impact_ledger(hub, staff, borrower):
    item = make_item(hub=hub, pledge="Plukk søppel fra fjorden", category="water-sports")
    booking = reservation_check_out(reservation=today_booking(item, borrower, pledge_accepted=True), by=staff)
    result = reservation_check_in(
        reservation=booking,
        by=staff,
        report=CheckIn(condition="ok", pledge_bags=2, pledge_kg=3.5, notes="Fin tur"),
    )
    booking.refresh_from_db()
    assert booking.status == "returned" and not result.unit_in_repair
    assert (booking.pledge_bags, booking.pledge_kg, booking.return_notes) == (2, Decimal("3.5"), "Fin tur")
    entry = ImpactEntry.objects.get(source="sharing.reservation", source_id=booking.pk)
    assert (entry.kind, entry.category_id) == ("loan", item.category_id)
    with pytest.raises(ReservationError):  # twice is refused, and the ledger has one entry
        reservation_check_in(reservation=booking, by=staff, report=CheckIn(condition="ok"))
    assert ImpactEntry.objects.filter(source="sharing.reservation").count() == 1


def test_a_damaged_return_sends_the_unit_to_repair_and_moves_its_coming_bookings(hub, staff, borrower):
    item = make_item(hub=hub, units=2)
    booking = reservation_check_out(reservation=today_booking(item, borrower), by=staff)
    damaged_unit = booking.unit_id
    # Coming bookings: two on the damaged unit (the first free one), one on the other unit at the
    # same time as the second.
    later = reservation_create(item=item, borrower=UserFactory(), start=days_ahead(5), end=days_ahead(6))
    clash = reservation_create(item=item, borrower=UserFactory(), start=days_ahead(8), end=days_ahead(9))
    blocked = reservation_create(item=item, borrower=UserFactory(), start=days_ahead(8), end=days_ahead(9))
    assert later.unit_id == clash.unit_id == damaged_unit != blocked.unit_id

    result = reservation_check_in(
        reservation=booking, by=staff, report=CheckIn(condition="damaged", notes="Sprekk")
    )
    assert result.unit_in_repair
    assert Unit.objects.get(pk=damaged_unit).status == Unit.Status.IN_REPAIR
    later.refresh_from_db()
    assert later.unit_id != damaged_unit  # moved to the good unit
    assert [r.pk for r in result.unplaced] == [clash.pk]  # the good unit is taken then: staff call
    assert Item.objects.get(pk=item.pk).status == Item.Status.AVAILABLE  # one unit still lends


def test_the_last_unit_in_repair_takes_the_item_out_of_lending(hub, staff, borrower):
    item = make_item(hub=hub)
    booking = reservation_check_out(reservation=today_booking(item, borrower), by=staff)
    reservation_check_in(reservation=booking, by=staff, report=CheckIn(condition="missing_parts"))
    assert Item.objects.get(pk=item.pk).status == Item.Status.IN_REPAIR


@pytest.mark.parametrize("report", [CheckIn(condition="broken"), CheckIn(condition="ok", pledge_kg=-1)])
def test_bad_check_in_reports_are_refused(hub, staff, borrower, report):
    item = make_item(hub=hub, pledge="Plukk søppel")
    booking = reservation_check_out(reservation=today_booking(item, borrower, pledge_accepted=True), by=staff)
    with pytest.raises(ReservationError):
        reservation_check_in(reservation=booking, by=staff, report=report)
    booking.refresh_from_db()
    assert booking.status == "checked_out"


def test_due_reminders_the_day_before_and_on_the_day_once_each_through_the_task_backend(hub, borrower):
    from sharing.tasks import loans_send_reminders

    item = make_item(hub=hub)
    now = timezone.now()
    tomorrow_noon = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(now) + timedelta(days=1), timezone.datetime.min.time())
    ) + timedelta(hours=12)
    loan = Reservation.objects.create(
        item=item,
        unit=item.units.get(),
        borrower=borrower,
        start=now - timedelta(days=1),
        end=tomorrow_noon,
        status=Reservation.Status.CHECKED_OUT,
    )
    loans_send_reminders.enqueue()
    loans_send_reminders.enqueue()
    assert len(mail.outbox) == 1
    assert "tomorrow" in mail.outbox[0].subject or "i morgen" in mail.outbox[0].subject
    # On the due day the second reminder goes out, once.
    from sharing.services import loans_remind_due

    assert loans_remind_due(now=tomorrow_noon - timedelta(hours=2)) == 1
    assert loans_remind_due(now=tomorrow_noon - timedelta(hours=1)) == 0
    assert len(mail.outbox) == 2
    loan.refresh_from_db()
    assert loan.reminded_before_at and loan.reminded_due_at


def test_a_damaged_unit_is_referred_to_a_nearby_repairer_in_chat(hub, staff, borrower):
    from chat.models import Message
    from sharing.services import repairers_for_unit, unit_refer_to_repairer
    from tests.factory_repair import FORNEBU, make_repairer

    item = make_item(hub=hub, category="water-sports")
    booking = reservation_check_out(reservation=today_booking(item, borrower), by=staff)
    reservation_check_in(
        reservation=booking, by=staff, report=CheckIn(condition="damaged", notes="Hull i skroget")
    )
    near = make_repairer(name="Fjordens Båtservice", categories=("water-sports",), at=FORNEBU)
    make_repairer(name="Skomakeren", categories=("shoes",), at=FORNEBU)
    unit = Unit.objects.get(pk=booking.unit_id)
    assert [r.name for r in repairers_for_unit(unit)] == ["Fjordens Båtservice"]
    with pytest.raises(ReservationError) as refused:
        unit_refer_to_repairer(unit=unit, repairer=near, by=borrower)
    assert refused.value.status == 403
    conversation = unit_refer_to_repairer(unit=unit, repairer=near, by=staff, note="Haster før helgen")
    assert near.owners.filter(pk=conversation.other_participant_id(staff.pk)).exists()
    body = Message.objects.get(conversation=conversation).body
    assert "Havkajakk" in body and "Hull i skroget" in body and "Haster før helgen" in body
