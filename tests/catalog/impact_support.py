"""Helpers for the impact tests: known factors, and one completed giveaway, loan and repair
made through the apps' own services (a repair through impact_record until the repair log
records its own)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import Category, ImpactFactor
from catalog.services import impact_record

FACTORS = {
    "reuse_kg_co2e": Decimal("7.65"),
    "reuse_kg_waste": Decimal("15.00"),
    "loan_kg_co2e": Decimal("48.00"),
    "loan_kg_waste": Decimal("7.50"),
    "repair_kg_co2e": Decimal("48.25"),
    "repair_kg_waste": Decimal("15.10"),
}


def set_factor(slug: str, **values) -> ImpactFactor:
    """Give the category exactly these factors (the rest from FACTORS)."""
    category = Category.objects.get(slug=slug)
    factor, _ = ImpactFactor.objects.update_or_create(
        category=category, defaults={**FACTORS, **values, "source": "Test figures."}
    )
    return factor


def complete_giveaway(*, category="bicycles", lat=59.9184, lon=10.5874):
    from marketplace.services import listing_complete
    from tests.factories import make_listing

    listing = make_listing(category=category, lat=lat, lon=lon)
    return listing_complete(listing=listing)


def complete_loan(*, category="water-sports", pledge_bags=None, pledge_kg=None, days_out=3):
    from sharing.models import Reservation
    from sharing.services import CheckIn, reservation_check_in
    from tests.factories import UserFactory
    from tests.sharing.conftest import make_hub, make_item

    staff = UserFactory()
    hub = make_hub(f"Hub {staff.pk}", staff=[staff])
    item = make_item(hub=hub, category=category, pledge="Plukk søppel fra fjorden")
    now = timezone.now()
    reservation = Reservation.objects.create(
        item=item,
        unit=item.units.first(),
        borrower=UserFactory(),
        start=now - timedelta(days=days_out),
        end=now + timedelta(hours=1),
        status=Reservation.Status.CHECKED_OUT,
        checked_out_at=now - timedelta(days=days_out, minutes=-5),
        pledge_accepted=True,
    )
    reservation_check_in(
        reservation=reservation,
        by=staff,
        report=CheckIn(condition="ok", pledge_bags=pledge_bags, pledge_kg=pledge_kg),
    )
    return reservation


_repairs = iter(range(1, 10**6))


def log_repair(*, category="bicycles", area=None, occurred_on=None):
    impact_record(
        kind="repair",
        category=Category.objects.get(slug=category),
        occurred_on=occurred_on or timezone.localdate(),
        source="repair.test",
        source_id=next(_repairs),
        area=area,
    )
