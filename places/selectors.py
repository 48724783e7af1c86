from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.measure import D
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from places.geo import GeoQuery
from places.models import Place
from places.text import fold

TYPO_SIMILARITY = 0.3


def place_get_by_name(name: str) -> Place | None:
    """Exact lookup, case- and accent-insensitive ("barums verk" → Bærums Verk)."""
    key = fold(name)
    if not key:
        return None
    return Place.objects.filter(search_key=key).first()


def place_search(*, q: str = "", geo: GeoQuery | None = None) -> QuerySet[Place]:
    """Places for autocomplete: names starting with the query first, then names containing it,
    then near misses by trigram similarity (typos), alphabetically within each group; with
    `geo`, only those within the radius, nearest first."""
    places = Place.objects.all()
    key = fold(q)
    if key:
        places = places.annotate(similarity=TrigramSimilarity("search_key", key)).filter(
            Q(search_key__contains=key) | Q(similarity__gte=TYPO_SIMILARITY)
        )
        places = places.annotate(
            rank=Case(
                When(search_key__startswith=key, then=Value(0)),
                When(search_key__contains=key, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    if geo is not None:
        places = places.filter(point__dwithin=(geo.point, D(km=geo.radius_km))).order_by(
            GeometryDistance("point", geo.point)
        )
    elif key:
        places = places.order_by("rank", "name")
    return places


NEAREST_PLACE_MAX_KM = 5


def place_nearest(point) -> Place | None:
    """The gazetteer place nearest to a point (within 5 km): the area a listing is shown under."""
    return (
        Place.objects.filter(point__dwithin=(point, D(km=NEAREST_PLACE_MAX_KM)))
        .order_by(GeometryDistance("point", point))
        .first()
    )
