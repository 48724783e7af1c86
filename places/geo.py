"""Geo helpers every app uses: parsing `near` / `place` / `radius_km`, and location fuzzing.

Everything public (pins, distances, radius filters) uses a fuzzed point, never the exact one
(ARCHITECTURE.md, "Locations")."""

import hashlib
import hmac
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

DEFAULT_RADIUS_KM = 5.0
MAX_RADIUS_KM = 50.0
FUZZ_RADIUS_M = 250.0
# The fuzzed point is at least this share of the radius away, so it is never the exact point.
FUZZ_MIN_SHARE = 0.4
_METRES_PER_DEGREE_LAT = 111_320.0


class GeoParamError(Exception):
    """Bad geo parameters: `errors` maps the parameter to messages; `status` is 400 or 404."""

    def __init__(self, errors: dict[str, list[str]], *, status: int = 400):
        self.errors = errors
        self.status = status
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))


@dataclass(frozen=True)
class GeoQuery:
    point: Point
    radius_km: float
    place_name: str | None = None


def make_point(lat: float, lon: float) -> Point:
    return Point(float(lon), float(lat), srid=4326)


def parse_near(value: str) -> Point:
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2:
        raise GeoParamError({"near": [_("Use the form LAT,LON, for example 59.89,10.52.")]})
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise GeoParamError({"near": [_("Use the form LAT,LON, for example 59.89,10.52.")]}) from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise GeoParamError({"near": [_("Coordinates must be finite numbers.")]})
    if not -90 <= lat <= 90:
        raise GeoParamError({"near": [_("Latitude must be between -90 and 90.")]})
    if not -180 <= lon <= 180:
        raise GeoParamError({"near": [_("Longitude must be between -180 and 180.")]})
    return make_point(lat, lon)


def parse_radius(value: str | float | None) -> float:
    if value is None or value == "":
        return DEFAULT_RADIUS_KM
    message = _("The radius must be a number of kilometres greater than 0 and at most %(max)s.") % {
        "max": int(MAX_RADIUS_KM)
    }
    try:
        radius = float(value)
    except (TypeError, ValueError):
        raise GeoParamError({"radius_km": [message]}) from None
    if not math.isfinite(radius) or radius <= 0 or radius > MAX_RADIUS_KM:
        raise GeoParamError({"radius_km": [message]})
    return radius


def parse_geo_params(
    *, near: str | None = None, place: str | None = None, radius_km: str | float | None = None
) -> GeoQuery | None:
    """Turn the API/HTML geo parameters into a point and radius; None when neither `near` nor
    `place` is given. Raises GeoParamError (400, or 404 for an unknown place)."""
    from places.selectors import place_get_by_name  # the selector imports this module

    radius = parse_radius(radius_km)
    near = (near or "").strip()
    place = (place or "").strip()
    if near and place:
        raise GeoParamError({"near": [_("Give either near or place, not both.")]})
    if near:
        return GeoQuery(point=parse_near(near), radius_km=radius)
    if place:
        found = place_get_by_name(place)
        if found is None:
            raise GeoParamError(
                {"place": [_("No place called “%(name)s” was found.") % {"name": place[:100]}]},
                status=404,
            )
        return GeoQuery(point=found.point, radius_km=radius, place_name=found.name)
    return None


def fuzz_point(point: Point, *, key: str, radius_m: float = FUZZ_RADIUS_M) -> Point:
    """A public stand-in for a private point: deterministic for the same `key` (e.g.
    "listing:42"), between 40 % and 100 % of `radius_m` away in a key-derived direction, so
    the exact point is never shown and repeated queries reveal nothing more."""
    salt = getattr(settings, "LOCATION_FUZZ_SALT", "") or settings.SECRET_KEY
    digest = hmac.new(salt.encode(), key.encode(), hashlib.sha256).digest()
    u1 = int.from_bytes(digest[:8], "big") / 2**64
    u2 = int.from_bytes(digest[8:16], "big") / 2**64
    bearing = 2 * math.pi * u1
    # sqrt spreads points evenly over the ring's area rather than bunching them near the centre.
    inner = FUZZ_MIN_SHARE**2
    distance = radius_m * math.sqrt(inner + (1 - inner) * u2)
    lat, lon = point.y, point.x
    dlat = distance * math.cos(bearing) / _METRES_PER_DEGREE_LAT
    dlon = distance * math.sin(bearing) / (_METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return make_point(lat + dlat, lon + dlon)


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance in km (haversine), rounded to 0.1 as API.md says."""
    return haversine_km(a.y, a.x, b.y, b.x)


def haversine_km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """distance_km for coordinates already read out of their points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (lat_a, lon_a, lat_b, lon_b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * 6_371.0088 * math.asin(math.sqrt(h)), 1)
