from django.http import HttpRequest
from ninja import Query, Router, Schema

from core.api import ErrorOut
from places.geo import distance_km, parse_geo_params
from places.selectors import place_search

router = Router(tags=["places"])


class PlaceOut(Schema):
    name: str
    kind: str
    lat: float
    lon: float
    distance_km: float | None = None


class PlaceQuery(Schema):
    q: str = ""
    near: str | None = None
    place: str | None = None
    radius_km: str | None = None


@router.get("", response={200: list[PlaceOut], 400: ErrorOut, 404: ErrorOut}, auth=None)
def place_list(request: HttpRequest, filters: Query[PlaceQuery]):
    """The gazetteer of Bærum: `q` matches names case- and accent-insensitively (with typo
    tolerance); with `near`/`place` (+ `radius_km`) only places within the radius, nearest first."""
    geo = parse_geo_params(near=filters.near, place=filters.place, radius_km=filters.radius_km)
    return [
        PlaceOut(
            name=p.name,
            kind=p.kind,
            lat=round(p.lat, 5),
            lon=round(p.lon, 5),
            distance_km=distance_km(geo.point, p.point) if geo else None,
        )
        for p in place_search(q=filters.q[:100], geo=geo)[:50]
    ]
