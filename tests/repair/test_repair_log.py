"""The repair log: residents, businesses and repair cafés log repairs; each is one "repair"
entry in the impact ledger; the log exports as Open Repair Data Standard CSV with no personal
data."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from catalog.models import Category, ImpactEntry
from repair.models import RepairLog
from repair.ords import COLUMNS, ords_category
from repair.services import REPAIR_LOGS_PER_DAY, RepairerError, RepairLogData, repair_log_create
from tests.factories import UserFactory
from tests.factory_repair import make_repairer
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


def _data(**changes) -> RepairLogData:
    values = {
        "logged_as": "resident",
        "category": Category.objects.get(slug="small-appliances"),
        "product": "Kaffetrakter",
        "problem": "Lekker vann.",
        "outcome": "fixed",
        "repaired_on": timezone.localdate(),
        "brand": "Moccamaster",
        **changes,
    }
    return RepairLogData(**values)


def _export(client=None) -> list[dict]:
    response = (client or Client()).get("/reparasjon/data/ords.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Access-Control-Allow-Origin"] == "*"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_each_logged_repair_is_one_impact_entry(db):
    entry = repair_log_create(user=UserFactory(), data=_data())
    impact = ImpactEntry.objects.get()
    assert (impact.kind, impact.category.slug, impact.occurred_on, impact.source_id) == (
        "repair",
        "small-appliances",
        entry.repaired_on,
        entry.pk,
    )


def test_a_business_logs_only_for_a_profile_it_owns(owner):
    mine, theirs = make_repairer(owner=owner), make_repairer(name="Andres verksted")
    entry = repair_log_create(user=owner, data=_data(logged_as="business", repairer=mine))
    assert entry.repairer == mine
    with pytest.raises(RepairerError) as refused:
        repair_log_create(user=owner, data=_data(logged_as="business", repairer=theirs))
    assert refused.value.status == 403
    with pytest.raises(RepairerError):
        repair_log_create(user=owner, data=_data(logged_as="business", repairer=None))
    assert RepairLog.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"barrier": "worn_out"}, "barrier"),  # only for end of life
        ({"repaired_on": timezone.localdate() + timedelta(days=1)}, "repaired_on"),
        ({"year_of_manufacture": 1800}, "year_of_manufacture"),
        ({"logged_as": "repair_cafe", "event_name": " "}, "event_name"),
        ({"product": " "}, "product"),
    ],
)
def test_bad_entries_are_refused_with_the_field(db, changes, field):
    with pytest.raises(RepairerError) as refused:
        repair_log_create(user=UserFactory(), data=_data(**changes))
    assert refused.value.field == field
    assert not RepairLog.objects.exists() and not ImpactEntry.objects.exists()


def test_logging_is_rate_limited(db):
    user = UserFactory()
    RepairLog.objects.bulk_create(
        RepairLog(
            logged_by=user,
            logged_as="resident",
            category=Category.objects.get(slug="bicycles"),
            product="Sykkel",
            problem="Punktering",
            outcome="fixed",
            repaired_on=timezone.localdate(),
        )
        for _ in range(REPAIR_LOGS_PER_DAY)
    )
    with pytest.raises(RepairerError) as refused:
        repair_log_create(user=user, data=_data())
    assert refused.value.status == 429


def test_the_ords_export_has_the_standard_columns_and_values(owner):
    shop = make_repairer(owner=owner)
    repair_log_create(user=owner, data=_data(logged_as="business", repairer=shop, year_of_manufacture=2015))
    repair_log_create(
        user=UserFactory(),
        data=_data(
            logged_as="repair_cafe",
            event_name="Reparasjonskafé Bekkestua",
            category=Category.objects.get(slug="phones-tablets"),
            product="iPad",
            outcome="end_of_life",
            barrier="parts_not_available",
        ),
    )
    repair_log_create(
        user=UserFactory(),
        data=_data(
            category=Category.objects.get(slug="outerwear"), product="Vinterjakke", outcome="repairable"
        ),
    )
    rows = _export()
    assert tuple(rows[0].keys()) == COLUMNS
    business, cafe, jacket = rows
    assert business["data_provider"] and business["country"] == "NOR"
    assert (business["product_category"], business["product_category_id"]) == ("Coffee maker", "36")
    assert business["repair_status"] == "Fixed" and business["brand"] == "Moccamaster"
    assert business["year_of_manufacture"] == "2015"
    assert business["product_age"] == str(timezone.localdate().year - 2015)
    assert business["group_identifier"] == f"sirkel-repairer-{shop.slug}"
    assert business["event_date"] == timezone.localdate().isoformat()
    assert (cafe["product_category"], cafe["repair_status"]) == ("Tablet", "End of life")
    assert cafe["repair_barrier_if_end_of_life"] == "Spare parts not available"
    # Not a powered product: no ORDS category, our own kept.
    assert jacket["product_category"] == "" and "Vinterjakke" in jacket["partner_product_category"]
    assert jacket["repair_status"] == "Repairable" and jacket["group_identifier"] == "sirkel-residents"


def test_the_export_holds_no_personal_data(db):
    user = UserFactory(email="kari.nordmann@example.no", profile__display_name="Kari Nordmann")
    repair_log_create(
        user=user,
        data=_data(
            problem="Ring meg på 912 34 567 eller kari.nordmann@example.no om delen", brand="=HYPERLINK(x)"
        ),
    )
    text = ",".join(",".join(row.values()) for row in _export())
    for personal in ("kari.nordmann", "Kari", "912 34 567"):
        assert personal not in text
    assert "=HYPERLINK" not in text


@pytest.mark.parametrize(
    ("slug", "parent", "product", "expected"),
    [
        ("phones-tablets", "electronics", "Samsung mobil", 19),
        ("computers", "electronics", "Stasjonær PC", 4),
        ("small-appliances", "kitchen", "Vannkoker", 14),
        ("small-appliances", "kitchen", "Elefantlampe", 29),  # "fan" is not in "elefant"
        ("toys", "children", "Bamse", None),
        ("tv-audio", "electronics", "Bluetooth høyttaler", 13),
        ("gaming", "electronics", "PS4", 38),
    ],
)
def test_our_categories_map_to_ords_product_categories(slug, parent, product, expected):
    result = ords_category(slug, parent, product)
    assert (result[0] if result else None) == expected


def test_residents_log_in_html_and_see_their_log(db):
    user = UserFactory()
    client = login(user)
    assert client.get("/reparasjon/logg/").status_code == 200
    bad = client.post("/reparasjon/logg/", {"logged_as": "resident", "category": "bicycles"})
    assert bad.status_code == 400
    response = client.post(
        "/reparasjon/logg/",
        {
            "logged_as": "resident",
            "category": "bicycles",
            "product": "Terrengsykkel",
            "problem": "Slakk kjede",
            "outcome": "fixed",
            "repaired_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert "Terrengsykkel" in client.get("/reparasjon/logg/").content.decode()
    assert RepairLog.objects.get().logged_by == user
    assert Client().get("/reparasjon/logg/").status_code == 302  # sign in first


def test_a_business_cannot_pick_someone_elses_profile_in_the_form(owner):
    make_repairer(owner=owner)
    other = make_repairer(name="Fremmed")
    response = login(owner).post(
        "/reparasjon/logg/",
        {
            "logged_as": "business",
            "repairer": str(other.pk),
            "category": "bicycles",
            "product": "Sykkel",
            "problem": "Punktering",
            "outcome": "fixed",
            "repaired_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert not RepairLog.objects.exists()
