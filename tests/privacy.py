"""Assertions about location privacy shared by the apps' tests."""

import itertools
import math
import re

from places.geo import FUZZ_MIN_SHARE, FUZZ_RADIUS_M

_NUMBER = re.compile(r"-?\d+\.\d+")


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def assert_exact_point_not_shown(text: str, lat: float, lon: float) -> None:
    """No pair of coordinates printed in `text` lies closer to the exact point than fuzzing
    allows. (Comparing digits alone fails now and then: a public point moved mostly east shares
    the first decimals of the exact latitude, and that is the public point, not a leak.)"""
    numbers = [float(n) for n in _NUMBER.findall(text)]
    lats = {n for n in numbers if abs(n - lat) < 0.05}
    lons = {n for n in numbers if abs(n - lon) < 0.05}
    floor_m = FUZZ_RADIUS_M * FUZZ_MIN_SHARE - 5  # rounding to 5 decimals moves a point < 1 m
    for a, b in itertools.product(lats, lons):
        metres = _metres(lat, lon, a, b)
        assert metres >= floor_m, f"({a}, {b}) is {metres:.0f} m from the exact point ({lat}, {lon})"
