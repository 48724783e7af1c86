import math

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from places.geo import (
    DEFAULT_RADIUS_KM,
    FUZZ_MIN_SHARE,
    FUZZ_RADIUS_M,
    GeoParamError,
    distance_km,
    fuzz_point,
    make_point,
    parse_near,
    parse_radius,
)
from places.text import fold

SANDVIKA = make_point(59.8908, 10.5238)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def metres_between(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Bærums Verk", "barums verk"),
        ("BÆRUMS VERK", "barums verk"),
        ("baerums-verk", "barums verk"),
        ("Kolsås", "kolsas"),
        ("kolsaas", "kolsas"),
        ("Snarøya", "snaroya"),
        ("Snaroeya", "snaroya"),
        ("  Høvik ", "hovik"),
        ("Ésté", "este"),
    ],
)
def test_fold_ignores_case_accents_and_norwegian_spellings(text, key):
    assert fold(text) == key


def test_parse_near_accepts_lat_lon():
    point = parse_near(" 59.89 , 10.52 ")
    assert (point.y, point.x) == (59.89, 10.52)


@pytest.mark.parametrize(
    ("value", "message_part"),
    [
        ("abc", "LAT,LON"),
        ("59.9", "LAT,LON"),
        ("59.9,10.5,3", "LAT,LON"),
        ("91,10", "Latitude"),
        ("-90.5,10", "Latitude"),
        ("59,181", "Longitude"),
        ("nan,10", "finite"),
        ("inf,10", "finite"),
        ("59.9;10.5", "LAT,LON"),
        ("", "LAT,LON"),
    ],
)
def test_parse_near_rejects_garbage_with_a_message(value, message_part):
    with pytest.raises(GeoParamError) as caught:
        parse_near(value)
    assert caught.value.status == 400
    assert message_part in caught.value.errors["near"][0]


def test_radius_defaults_to_five_km():
    assert parse_radius(None) == parse_radius("") == DEFAULT_RADIUS_KM == 5


@pytest.mark.parametrize("value", ["0", "-1", "500", "50.01", "abc", "nan", "inf"])
def test_radius_out_of_range_is_refused(value):
    with pytest.raises(GeoParamError) as caught:
        parse_radius(value)
    assert "radius_km" in caught.value.errors


@pytest.mark.parametrize("value", ["0.1", "5", "50"])
def test_radius_in_range_is_accepted(value):
    assert parse_radius(value) == float(value)


def test_fuzzing_is_deterministic_for_the_same_object():
    assert fuzz_point(SANDVIKA, key="listing:1").coords == fuzz_point(SANDVIKA, key="listing:1").coords


def test_fuzzing_differs_between_objects_at_the_same_point():
    assert fuzz_point(SANDVIKA, key="listing:1").coords != fuzz_point(SANDVIKA, key="listing:2").coords


@given(
    lat=st.floats(min_value=57.0, max_value=71.0),
    lon=st.floats(min_value=4.0, max_value=31.0),
    key=st.text(min_size=1, max_size=30),
)
def test_fuzzed_point_is_within_the_radius_and_never_the_exact_point(lat, lon, key):
    exact = make_point(lat, lon)
    fuzzed = fuzz_point(exact, key=key)
    distance = metres_between(exact, fuzzed)
    assert FUZZ_MIN_SHARE * FUZZ_RADIUS_M * 0.99 <= distance <= FUZZ_RADIUS_M * 1.01


def test_fuzzing_spreads_directions():
    bearings = set()
    for n in range(200):
        p = fuzz_point(SANDVIKA, key=f"listing:{n}")
        bearings.add(int(math.degrees(math.atan2(p.x - SANDVIKA.x, p.y - SANDVIKA.y)) // 45))
    assert len(bearings) == 8


def test_distance_km_is_rounded_to_a_tenth():
    # Sandvika to Lysaker is about 6.4 km in a straight line.
    assert distance_km(SANDVIKA, make_point(59.9131, 10.6364)) == pytest.approx(6.8, abs=0.5)
    assert distance_km(SANDVIKA, SANDVIKA) == 0.0
