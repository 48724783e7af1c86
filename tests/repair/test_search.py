from datetime import UTC, datetime, time

import pytest

from catalog.models import Category
from places.geo import GeoQuery, make_point
from places.opening_hours import Interval
from repair.selectors import RepairerSearch, repairer_search, repairers_near
from tests.factory_repair import BEKKESTUA, FORNEBU, SANDVIKA, make_repairer

pytestmark = pytest.mark.usefixtures("places")

# Monday 7 December 2026 12:00 in Oslo.
MONDAY_NOON = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
SUNDAY_NOON = datetime(2026, 12, 13, 11, 0, tzinfo=UTC)


def names(search: RepairerSearch) -> list[str]:
    return [r.name for r in repairer_search(search)]


def ids(*slugs) -> tuple[int, ...]:
    return tuple(Category.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def test_only_published_profiles_are_found(db):
    make_repairer(name="Publisert")
    for status in ("draft", "pending", "suspended"):
        make_repairer(name=status, status=status)
    assert names(RepairerSearch()) == ["Publisert"]


def test_text_matches_stems_accents_and_typos(db):
    make_repairer(name="Sykkelklinikken", short_description="Reparasjon av sykler og elsykler")
    make_repairer(name="Skomaker Hansen", short_description="Såler og hæler", categories=("shoes",))
    assert names(RepairerSearch(q="sykkel")) == ["Sykkelklinikken"]
    assert names(RepairerSearch(q="skomakr")) == ["Skomaker Hansen"]  # typo, trigram on the name
    assert names(RepairerSearch(q="sale")) == ["Skomaker Hansen"]  # unaccented "såle" stem


def test_category_includes_children_and_a_child_finds_its_main_category(db):
    make_repairer(name="Alt om sykkel", categories=("bikes",))
    make_repairer(name="Elsykkelspesialisten", categories=("e-bikes",))
    make_repairer(name="Skomaker", categories=("shoes",))
    assert names(
        RepairerSearch(
            category_ids=ids("bikes", "bicycles", "childrens-bikes", "e-bikes", "cargo-bikes", "bike-parts")
        )
    ) == [
        "Alt om sykkel",
        "Elsykkelspesialisten",
    ]
    # An e-bike: the e-bike specialist, and whoever repairs bikes in general.
    assert names(RepairerSearch(category_ids=ids("e-bikes"))) == ["Alt om sykkel", "Elsykkelspesialisten"]


def test_a_repairer_in_several_categories_is_found_once(db):
    make_repairer(name="Allsidig", categories=("bicycles", "e-bikes", "shoes"))
    assert names(RepairerSearch(category_ids=ids("bikes", "bicycles", "e-bikes"))) == ["Allsidig"]


def test_open_now_filters_in_sql_at_the_given_instant(db):
    make_repairer(name="Hverdager")  # Monday–Friday 09–17
    make_repairer(name="Søndagsåpent", hours=[Interval(6, time(12), time(16))])
    assert names(RepairerSearch(open_now=True, at=MONDAY_NOON)) == ["Hverdager"]
    assert names(RepairerSearch(open_now=True, at=SUNDAY_NOON)) == ["Søndagsåpent"]
    assert names(RepairerSearch(open_now=False, at=SUNDAY_NOON)) == ["Hverdager", "Søndagsåpent"]


def test_radius_and_nearest_first(db):
    make_repairer(name="Sandvika", at=SANDVIKA)
    make_repairer(name="Bekkestua", at=BEKKESTUA)
    make_repairer(name="Fornebu", at=FORNEBU)
    make_repairer(name="Drammen", at=(59.7439, 10.2045))
    near_sandvika = GeoQuery(point=make_point(*SANDVIKA), radius_km=10)
    assert names(RepairerSearch(geo=near_sandvika)) == ["Sandvika", "Bekkestua", "Fornebu"]
    assert names(RepairerSearch(geo=GeoQuery(point=make_point(*SANDVIKA), radius_km=1))) == ["Sandvika"]
    assert names(RepairerSearch(geo=near_sandvika, ordering="name")) == ["Bekkestua", "Fornebu", "Sandvika"]


def test_nearest_first_uses_the_knn_operator_alone(db, django_assert_max_num_queries):
    make_repairer(name="Sandvika", at=SANDVIKA)
    sql = str(repairer_search(RepairerSearch(geo=GeoQuery(point=make_point(*SANDVIKA), radius_km=5))).query)
    order_by = sql.split("ORDER BY")[1]
    assert "<->" in order_by and "," not in order_by


def test_repairers_near_for_a_listing_that_needs_repair(db):
    make_repairer(name="Nær sykkel", at=SANDVIKA, categories=("bikes",))
    make_repairer(name="Litt lenger unna", at=BEKKESTUA, categories=("e-bikes",))
    make_repairer(name="Skomaker", at=SANDVIKA, categories=("shoes",))
    make_repairer(name="Utkast", at=SANDVIKA, categories=("bikes",), status="draft")
    make_repairer(name="Hønefoss", at=(60.1680, 10.2565), categories=("bikes",))
    e_bike = Category.objects.get(slug="e-bikes")
    found = repairers_near(category_ids=[e_bike.pk], point=make_point(59.8910, 10.5240), limit=3)
    assert [r.name for r in found] == ["Nær sykkel", "Litt lenger unna"]
    assert found[0].distance_km == 0.0 and 3 < found[1].distance_km < 6
    assert repairers_near(category_ids=[], point=make_point(*SANDVIKA)) == []
    assert len(repairers_near(category_ids=[e_bike.pk], point=make_point(*SANDVIKA), limit=1)) == 1
