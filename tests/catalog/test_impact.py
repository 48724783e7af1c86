"""The impact ledger, the factors and the figures computed from them (catalog.selectors)."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from catalog.models import Category, ImpactEntry, ImpactFactor
from catalog.selectors import impact_factor_list, impact_report, impact_report_cached, impact_totals
from catalog.services import IMPACT_FACTORS_FILE, impact_factor_defaults, impact_factors_load, impact_record
from places.models import Place
from tests.catalog.impact_support import FACTORS, complete_giveaway, complete_loan, log_repair, set_factor

pytestmark = pytest.mark.django_db


def test_impact_record_keeps_its_old_signature():
    category = Category.objects.get(slug="books")
    impact_record(kind="reuse", category=category, occurred_on=date(2026, 5, 1), source="x.old", source_id=1)
    entry = ImpactEntry.objects.get(source="x.old")
    assert (entry.area, entry.loan_days, entry.pledge_bags, entry.pledge_kg) == (None, None, None, None)


def test_impact_record_puts_a_public_point_in_its_nearest_town(places):
    sandvika = Place.objects.get(name="Sandvika")
    impact_record(
        kind="reuse",
        category=Category.objects.get(slug="books"),
        occurred_on=date(2026, 5, 1),
        source="x.point",
        source_id=1,
        point=sandvika.point,
    )
    assert ImpactEntry.objects.get(source="x.point").area == sandvika


def test_a_completed_giveaway_is_recorded_under_its_listings_area(places):
    listing = complete_giveaway(lat=59.9184, lon=10.5874)  # Bekkestua
    entry = ImpactEntry.objects.get(source="marketplace.listing", source_id=listing.pk)
    assert entry.area is not None and entry.area == listing.area


def test_a_returned_loan_records_days_borrowed_and_the_pledges_outcome(places):
    reservation = complete_loan(days_out=3, pledge_bags=2, pledge_kg=3.5)
    entry = ImpactEntry.objects.get(source="sharing.reservation", source_id=reservation.pk)
    assert (entry.loan_days, entry.pledge_bags, entry.pledge_kg) == (3, 2, Decimal("3.5"))
    assert entry.area is not None  # the hub's town
    totals = impact_totals()
    assert (totals["loan_days"], totals["pledge_bags"], totals["pledge_kg"]) == (3, 2, Decimal("3.5"))


def test_the_default_factors_follow_the_cited_methods():
    data = json.loads(IMPACT_FACTORS_FILE.read_text(encoding="utf-8"))
    bikes = next(row for row in data["categories"] if row["slug"] == "bikes")
    factors = impact_factor_defaults(bikes, data["methods"])
    # WRAP: 0.51 kg CO2e per kg reused × 15 kg; Fixometer: 96 kg CO2e × 0.5; Library of Things: 50 %.
    assert factors["reuse_kg_co2e"] == Decimal("7.65")
    assert factors["reuse_kg_waste"] == Decimal("15.00")
    assert factors["repair_kg_co2e"] == Decimal("48.00")
    assert factors["repair_kg_waste"] == Decimal("15.00")
    assert (factors["loan_kg_co2e"], factors["loan_kg_waste"]) == (Decimal("48.00"), Decimal("7.50"))
    for cited in ("WRAP", "Restart Project", "Library of Things"):
        assert cited in factors["source"]


def test_every_main_category_has_a_seeded_factor_with_its_source():
    mains = Category.objects.filter(parent__isnull=True)
    assert ImpactFactor.objects.filter(category__in=mains).count() == mains.count()
    assert not ImpactFactor.objects.filter(source="").exists()
    assert impact_factors_load() == 0  # loading again creates nothing and keeps edits


def test_loading_the_defaults_keeps_a_factor_an_editor_changed():
    set_factor("bikes", reuse_kg_co2e=Decimal("1.00"))
    impact_factors_load()
    assert ImpactFactor.objects.get(category__slug="bikes").reuse_kg_co2e == Decimal("1.00")


def test_a_factor_without_a_source_is_refused():
    factor = ImpactFactor(category=Category.objects.get(slug="bicycles"), **FACTORS, source="  ")
    with pytest.raises(ValidationError) as error:
        factor.full_clean()
    assert "source" in error.value.message_dict
    factor.source = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        factor.save()


def test_a_negative_factor_is_refused():
    factor = ImpactFactor(
        category=Category.objects.get(slug="bicycles"), **{**FACTORS, "loan_kg_co2e": -1}, source="Test."
    )
    with pytest.raises(ValidationError):
        factor.full_clean()


def test_a_subcategory_without_a_factor_uses_its_main_categorys():
    set_factor("bikes", reuse_kg_co2e=Decimal("7.65"))
    ImpactFactor.objects.filter(category__slug="bicycles").delete()
    complete_giveaway(category="bicycles")
    assert impact_totals()["kg_co2e_avoided"] == Decimal("7.65")
    row = next(r for r in impact_factor_list() if r[0].slug == "bicycles")
    assert row[1].category.slug == "bikes" and row[2] is True


def test_a_subcategorys_own_factor_wins_over_its_main_categorys():
    set_factor("bikes", reuse_kg_co2e=Decimal("7.65"))
    set_factor("e-bikes", reuse_kg_co2e=Decimal("11.22"))
    complete_giveaway(category="e-bikes")
    assert impact_totals()["kg_co2e_avoided"] == Decimal("11.22")


def test_figures_are_the_ledger_times_the_factors_per_kind(places):
    set_factor("bikes")
    set_factor("sports-outdoor")
    complete_giveaway(category="bicycles")
    complete_loan(category="water-sports")
    log_repair(category="bicycles")
    totals = impact_totals()
    assert (totals["items_reused"], totals["loans_completed"], totals["repairs_logged"]) == (1, 1, 1)
    assert (
        totals["kg_co2e_avoided"]
        == FACTORS["reuse_kg_co2e"] + FACTORS["loan_kg_co2e"] + FACTORS["repair_kg_co2e"]
    )
    assert totals["kg_waste_avoided"] == (
        FACTORS["reuse_kg_waste"] + FACTORS["loan_kg_waste"] + FACTORS["repair_kg_waste"]
    )
    kinds = {row.key: row.figures["kg_co2e_avoided"] for row in impact_report().per_kind}
    assert kinds == {"reuse": Decimal("7.65"), "loan": Decimal("48.00"), "repair": Decimal("48.25")}


def test_changing_a_factor_changes_the_figures_already_recorded():
    factor = set_factor("bikes")
    log_repair(category="bicycles")
    assert impact_totals()["kg_co2e_avoided"] == Decimal("48.25")
    factor.repair_kg_co2e = Decimal("10.00")
    factor.save()
    assert impact_totals()["kg_co2e_avoided"] == Decimal("10.00")


def test_a_category_without_any_factor_counts_the_entry_but_no_kilos():
    ImpactFactor.objects.filter(category__slug__in=("other",)).delete()
    log_repair(category="other")
    totals = impact_totals()
    assert (totals["repairs_logged"], totals["kg_co2e_avoided"]) == (1, Decimal("0.00"))


def test_the_report_breaks_figures_down_per_main_category_town_and_month(places):
    set_factor("bikes")
    set_factor("books-media")
    sandvika = Place.objects.get(name="Sandvika")
    today = timezone.localdate()
    log_repair(category="bicycles", area=sandvika, occurred_on=today)
    log_repair(category="e-bikes", area=sandvika, occurred_on=today)
    log_repair(category="books", area=None, occurred_on=date(today.year - 3, 1, 1))  # outside 12 months
    report = impact_report()

    per_category = {row.key: row.figures["repairs_logged"] for row in report.per_category}
    assert per_category == {"bikes": 2, "books-media": 1}
    per_town = {row.key: row.figures["repairs_logged"] for row in report.per_town}
    assert per_town == {"Sandvika": 2, "": 1}
    assert [row.key for row in report.per_town][-1] == ""  # unknown area last
    assert len(report.per_month) == 12 and report.per_month[-1].key == f"{today:%Y-%m}"
    assert report.per_month[-1].figures["repairs_logged"] == 2
    assert sum(row.figures["repairs_logged"] for row in report.per_month) == 2


def test_the_report_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    for slug in ("bicycles", "books", "sofas", "skiing"):
        log_repair(category=slug)
    with django_assert_max_num_queries(6):
        impact_report()


# --- the cached report (dashboard, API, CSV) ---------------------------------------------------


def test_the_cached_report_is_computed_once_until_the_ledger_changes(django_assert_num_queries):
    set_factor("bikes")
    log_repair(category="bicycles")
    first = impact_report_cached()
    with django_assert_num_queries(0):
        assert impact_report_cached() == first

    log_repair(category="bicycles")

    assert impact_report_cached().totals["repairs_logged"] == 2


def test_changing_a_factor_changes_the_cached_report():
    factor = set_factor("bikes")
    log_repair(category="bicycles")
    assert impact_report_cached().totals["kg_co2e_avoided"] == Decimal("48.25")

    factor.repair_kg_co2e = Decimal("10.00")
    factor.save()

    assert impact_report_cached().totals["kg_co2e_avoided"] == Decimal("10.00")


def test_deleting_a_factor_changes_the_cached_report():
    set_factor("bikes")
    log_repair(category="bikes")
    assert impact_report_cached().totals["kg_co2e_avoided"] == Decimal("48.25")

    ImpactFactor.objects.get(category__slug="bikes").delete()

    assert impact_report_cached().totals["kg_co2e_avoided"] == Decimal("0.00")


def test_renaming_a_category_changes_the_cached_report():
    log_repair(category="bicycles")
    impact_report_cached()
    bikes = Category.objects.get(slug="bikes")
    bikes.name_nb = "Sykler og sparkesykler"
    bikes.save()

    labels = {row.key: row.label for row in impact_report_cached().per_category}

    assert labels["bikes"] == "Sykler og sparkesykler"


def test_the_cached_report_is_kept_per_language():
    log_repair(category="bicycles")
    with translation.override("nb"):
        norwegian = impact_report_cached()
    with translation.override("en"):
        english = impact_report_cached()

    assert norwegian.per_category[0].label == Category.objects.get(slug="bikes").name_nb
    assert english.per_category[0].label == Category.objects.get(slug="bikes").name_en


def test_the_remembered_totals_follow_every_ledger_write_and_factor_change():
    from catalog.selectors import impact_totals_cached

    factor = set_factor("bikes", reuse_kg_co2e=Decimal("7.65"))
    assert impact_totals_cached()["items_reused"] == 0
    complete_giveaway(category="bicycles")
    assert impact_totals_cached()["items_reused"] == 1  # the ledger write moved the version on
    assert impact_totals_cached()["kg_co2e_avoided"] == Decimal("7.65")
    factor.reuse_kg_co2e = Decimal("2.00")
    factor.save()
    assert impact_totals_cached()["kg_co2e_avoided"] == Decimal("2.00")
