"""Repairer profiles for tests, made the way owners make them (through the services)."""

from datetime import time

from catalog.models import Category
from places.geo import make_point
from places.opening_hours import Interval
from tests.factories import UserFactory

SANDVIKA = (59.8908, 10.5238)
BEKKESTUA = (59.9184, 10.5874)
FORNEBU = (59.8960, 10.6270)
OFFICE_HOURS = tuple(Interval(day, time(9), time(17)) for day in range(5))


def make_repairer(
    *,
    owner=None,
    name="Sandvika Sykkelverksted",
    short_description="Vi reparerer alle slags sykler.",
    description="",
    categories=("bicycles",),
    at=SANDVIKA,
    status="published",
    hours=OFFICE_HOURS,
    exceptions=(),
    **extra,
):
    """A profile in `status` (draft, pending, published or suspended) with weekly `hours`
    (places.opening_hours.Interval values) and `exceptions` (dicts of the exception model)."""
    from repair.models import RepairerHoursException
    from repair.services import RepairerData, repairer_create, repairer_hours_set

    owner = owner or UserFactory()
    data = RepairerData(
        name=name,
        short_description=short_description,
        description=description,
        address=extra.pop("address", "Sandviksveien 1"),
        postal_code=extra.pop("postal_code", "1337"),
        postal_town=extra.pop("postal_town", "Sandvika"),
        location=make_point(*at),
        categories=list(Category.objects.filter(slug__in=categories)),
        **extra,
    )
    repairer = repairer_create(owner=owner, data=data)
    repairer_hours_set(repairer=repairer, intervals=hours)
    for exception in exceptions:
        RepairerHoursException.objects.create(repairer=repairer, **exception)
    if status != "draft":
        from django.utils import timezone

        repairer.status = status
        repairer.submitted_at = timezone.now()
        if status in ("published", "suspended"):
            repairer.published_at = timezone.now()
        repairer.save()
    return repairer
