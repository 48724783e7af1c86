from datetime import UTC, datetime

import pytest

from repair.demo import BUSINESSES, PENDING, UNCLAIMED, demo_repairers_ensure
from repair.models import Repairer, RepairLog
from repair.selectors import RepairerSearch, repairer_search

pytestmark = pytest.mark.usefixtures("places", "roles")


def test_demo_repairers_are_complete_and_loaded_once(db):
    assert demo_repairers_ensure() == len(BUSINESSES) >= 25
    assert demo_repairers_ensure() == 0
    published = Repairer.objects.filter(status="published").exclude(name=UNCLAIMED)
    assert published.count() == len(BUSINESSES) - len(PENDING)
    assert not Repairer.objects.get(name=UNCLAIMED).owners.exists()
    assert set(Repairer.objects.filter(status="pending").values_list("name", flat=True)) == PENDING
    for repairer in Repairer.objects.exclude(name=UNCLAIMED).prefetch_related(
        "categories", "weekly_hours", "services"
    ):
        assert repairer.categories.exists() and repairer.weekly_hours.exists() and repairer.services.exists()
        assert repairer.area is not None, repairer.name
    monday_noon = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
    assert repairer_search(RepairerSearch(open_now=True, at=monday_noon)).count() >= 15


def test_demo_data_logs_a_few_repairs_into_the_impact_ledger(db):
    from catalog.models import ImpactEntry
    from tests.factories import UserFactory

    UserFactory.create_batch(2)
    demo_repairers_ensure()
    assert RepairLog.objects.count() >= 5
    assert ImpactEntry.objects.filter(kind="repair").count() == RepairLog.objects.count()
    assert RepairLog.objects.filter(logged_as="business", repairer__isnull=False).exists()
