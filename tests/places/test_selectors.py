import pytest
from django.utils import translation

from places.geo import GeoParamError, make_point, parse_geo_params
from places.selectors import place_get_by_name, place_search


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


pytestmark = pytest.mark.usefixtures("places")


@pytest.mark.parametrize(
    "name", ["Bærums Verk", "barums verk", "BAERUMS VERK", "bærums-verk", " Bærums  Verk "]
)
def test_lookup_ignores_case_and_accents(name):
    assert place_get_by_name(name).name == "Bærums Verk"


def test_lookup_of_unknown_name_is_none():
    assert place_get_by_name("Atlantis") is None
    assert place_get_by_name("") is None


def test_every_place_in_the_product_brief_is_loaded():
    names = {
        "Sandvika",
        "Bekkestua",
        "Stabekk",
        "Kolsås",
        "Hauger",
        "Fornebu",
        "Lysaker",
        "Høvik",
        "Blommenholm",
        "Jar",
        "Østerås",
        "Eiksmarka",
        "Haslum",
        "Rykkinn",
        "Bærums Verk",
        "Gjettum",
        "Snarøya",
        "Slependen",
    }
    for name in names:
        place = place_get_by_name(name)
        assert place is not None, name
        # Bærum lies roughly within these bounds.
        assert 59.85 < place.lat < 60.05 and 10.40 < place.lon < 10.70, name


def test_search_puts_prefix_matches_first():
    names = [p.name for p in place_search(q="sl")]
    assert names[0] == "Slependen"  # starts with "sl"; "Haslum" only contains it
    assert names.index("Slependen") < names.index("Haslum")


def test_search_tolerates_a_typo():
    assert "Sandvika" in [p.name for p in place_search(q="sandvikka")]


def test_search_by_radius_returns_nearest_first():
    geo = parse_geo_params(near="59.8908,10.5238", radius_km="3")
    names = [p.name for p in place_search(geo=geo)]
    assert names[0] == "Sandvika"
    assert "Fornebu" not in names  # about 6 km away


def test_geo_params_resolve_a_place_name():
    geo = parse_geo_params(place="bekkestua", radius_km="2")
    assert geo.place_name == "Bekkestua" and geo.radius_km == 2
    assert geo.point.coords == place_get_by_name("Bekkestua").point.coords


def test_geo_params_unknown_place_is_404():
    with pytest.raises(GeoParamError) as caught:
        parse_geo_params(place="Atlantis")
    assert caught.value.status == 404
    assert "Atlantis" in caught.value.errors["place"][0]


def test_geo_params_both_near_and_place_is_refused():
    with pytest.raises(GeoParamError):
        parse_geo_params(near="59.9,10.5", place="Jar")


def test_no_geo_params_means_no_geo_filter():
    assert parse_geo_params() is None
    assert make_point(1, 2).srid == 4326
