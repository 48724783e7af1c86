"""Every read of listings that is more than a get(): the one search used by the HTML list, the
map and the API."""

import hashlib
import json
import math
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from core.memo import TimedMemo
from core.pagination import COUNT_CAP
from core.search import SEARCH_CONFIG, rank_query, text_match
from marketplace.models import ExchangeFeedback, Favourite, HiddenListing, HiddenOwner, Listing, ListingImage
from places.geo import GeoQuery, haversine_km
from repair.selectors import repairers_near


class Ordering:
    DISTANCE = "distance"
    NEWEST = "-created"
    RELEVANCE = "relevance"
    CHOICES = (DISTANCE, NEWEST, RELEVANCE)


@dataclass(frozen=True)
class ListingSearch:
    q: str = ""
    kind: str = ""
    category_ids: tuple[int, ...] = ()
    condition: str = ""
    geo: GeoQuery | None = None
    ordering: str = ""
    # The signed-in searcher: listings and posters they chose to hide are left out.
    viewer_id: int | None = None

    @property
    def effective_ordering(self) -> str:
        """Nearest first with a place, best match first with only text, else newest."""
        if self.ordering == Ordering.DISTANCE and self.geo is None:
            return Ordering.RELEVANCE if self.q else Ordering.NEWEST
        if self.ordering == Ordering.RELEVANCE and not self.q:
            return Ordering.DISTANCE if self.geo else Ordering.NEWEST
        if self.ordering:
            return self.ordering
        if self.geo is not None:
            return Ordering.DISTANCE
        return Ordering.RELEVANCE if self.q else Ordering.NEWEST


def listings_public() -> QuerySet[Listing]:
    """Listings anyone may see: active or reserved, not hidden by a moderator."""
    return Listing.objects.filter(
        status__in=(Listing.Status.ACTIVE, Listing.Status.RESERVED), hidden_at__isnull=True
    )


# Nearest-first search in a dense area (bench/README.md has the measurements at 1M listings):
# - the radius is written as what ST_DWithin expands to, `&& _st_expand(p, r) AND _st_dwithin(p,
#   r, true)`: the planner estimates ST_DWithin on geography at ~10 rows whatever the radius holds,
#   while the box is estimated from the column statistics, so ORDER BY `<->` LIMIT can walk the
#   GiST index nearest-first and stop after a page;
# - the other conditions (text, category, kind, condition) take one of two access paths, chosen
#   per search: when they are common, the walk checks them per row, wrapped in coalesce(..., false)
#   so the planner cannot BitmapAnd a radius of 300,000 rows with the GIN bitmaps; when they are
#   rare, the GIN/btree indexes go first and the radius is checked per row (`IS TRUE` hides
#   ST_DWithin from the GiST index).
WALK_WINDOW = 1000  # nearest listings probed before trusting a walk
PAGE_NEED = 20  # matches a page needs (the list's and the API's default page size)


class AccessPath:
    WALK = "walk"  # GiST nearest-first, other conditions per row
    INDEX_FIRST = "index-first"  # GIN/btree first, the radius per row


def _listings_visible(search: ListingSearch) -> QuerySet[Listing]:
    listings = Listing.objects.filter(status=Listing.Status.ACTIVE, hidden_at__isnull=True)
    if search.viewer_id is not None:
        listings = listings.exclude(
            Exists(HiddenListing.objects.filter(user_id=search.viewer_id, listing=OuterRef("pk")))
        ).exclude(Exists(HiddenOwner.objects.filter(user_id=search.viewer_id, owner=OuterRef("owner"))))
    return listings


def _conditions(search: ListingSearch) -> tuple[Q, Q | None]:
    """Everything but the radius, and the text condition alone (None without text)."""
    conditions = Q()
    if search.kind:
        conditions &= Q(kind=search.kind)
    if search.category_ids:
        conditions &= Q(category_id__in=search.category_ids)
    if search.condition:
        conditions &= Q(condition=search.condition)
    match = text_match(table=Listing._meta.db_table, vector="search_vector", title="title", text=search.q)
    if match is not None:
        conditions &= Q(match)
        return conditions, Q(match)
    return conditions, None


def _ewkt(point) -> str:
    return f"SRID=4326;POINT({point.x!r} {point.y!r})"


_COLUMN = '"marketplace_listing"."public_location"'


def _in_radius_walkable(geo: GeoQuery) -> RawSQL:
    point, metres = _ewkt(geo.point), geo.radius_km * 1000
    return RawSQL(  # noqa: S611 - no user text in the SQL, the point and radius are parameters
        f"({_COLUMN} && _st_expand(%s::geography, %s) AND _st_dwithin({_COLUMN}, %s::geography, %s, true))",
        [point, metres, point, metres],
        output_field=BooleanField(),
    )


def _in_radius_per_row(geo: GeoQuery) -> RawSQL:
    return RawSQL(  # noqa: S611
        f"(ST_DWithin({_COLUMN}, %s::geography, %s)) IS TRUE",
        [_ewkt(geo.point), geo.radius_km * 1000],
        output_field=BooleanField(),
    )


def _per_row(conditions: Q) -> Func:
    """The conditions as one opaque boolean: no index serves it, and it is estimated at a fixed
    share instead of the product of correlated shares ("sofa" and furniture)."""
    return Func(
        ExpressionWrapper(conditions, output_field=BooleanField()),
        template="coalesce(%(expressions)s, false)",
        output_field=BooleanField(),
    )


# How many rows the table holds and how common a term is change slowly: each process asks at most
# once a minute for the same search conditions (an EXPLAIN costs about a millisecond, a third of
# a nearest-first page).
ESTIMATES = TimedMemo(ttl=60)


def _table_rows() -> float:
    def ask() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Listing._meta.db_table]
            )
            row = cursor.fetchone()
        return max(1.0, float(row[0])) if row else 1.0

    return ESTIMATES.get("rows", ask)


def _estimated_rows(search: ListingSearch, condition: Q) -> float:
    """The planner's estimate of the listings anyone may see that meet `condition` (EXPLAIN, not
    run). The viewer's hidden listings are left out of the key and the estimate: a handful of rows."""

    def ask() -> float:
        listings = _listings_visible(ListingSearch()).filter(condition).order_by().values("pk")
        plan = json.loads(listings.explain(format="json"))
        return float(plan[0]["Plan"]["Plan Rows"])

    key = ("estimate", search.q, search.kind, search.category_ids, search.condition)
    return ESTIMATES.get(key, ask)


def _window_query(search: ListingSearch, conditions: Q, window: int, *, distance=False) -> tuple[str, list]:
    """The `window` listings nearest the point within the radius, nearest first, each with `hit`:
    whether it meets the other conditions (and `d`, its `<->` distance, if asked). Computed in
    the limited inner query, so PostgreSQL evaluates the conditions only for the rows an outer
    LIMIT pulls; an outer ORDER BY d keeps the inner order without sorting."""
    geo = search.geo
    nearest = _listings_visible(search).filter(_in_radius_walkable(geo)).annotate(hit=_per_row(conditions))
    columns = ["pk", "hit"]
    if distance:
        nearest = nearest.annotate(d=GeometryDistance("public_location", geo.point))
        columns.append("d")
    nearest = nearest.order_by(GeometryDistance("public_location", geo.point)).values(*columns)[:window]
    return nearest.query.sql_with_params()


def _window_has(search: ListingSearch, conditions: Q, need: int) -> bool:
    """At least `need` matches among the WALK_WINDOW listings nearest the point: a bounded probe
    that catches what no estimate can, a common word in a category where it hardly occurs
    ("sykkel" in books), which an unbounded walk would follow through the whole radius."""
    sql, params = _window_query(search, conditions, WALK_WINDOW)
    with connection.cursor() as cursor:
        # The inner SQL is Django's compilation of a queryset; values travel as parameters.
        probe = f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) w WHERE w.hit LIMIT %s) s"  # noqa: S608
        cursor.execute(probe, [*params, need])
        return cursor.fetchone()[0] >= need


def _common(search: ListingSearch, *, need: int, factor: float) -> bool:
    """Does the planner expect enough matches for a walk to pay? A walk visits about
    need / share rows; index-first reads every match. So walk when the planner expects at least
    sqrt(factor * need * rows) matches. The text alone when there is text: categories correlate
    with words ("sofa", furniture), which the planner cannot know."""
    conditions, text = _conditions(search)
    estimated = _estimated_rows(search, text if text is not None else conditions)
    return estimated >= math.sqrt(factor * need * _table_rows())


def listing_access_path(search: ListingSearch, *, for_count: bool = False) -> str:
    """Walk nearest-first, or use the text/category indexes first? A page needs 20 matches
    (factor 4: only nearly absent terms avoid the walk); the capped count needs COUNT_CAP + 1, and
    its walked rows cost ~6-10 us against ~1.5 us per GIN match (factor 20). When the planner
    expects a walk to pay, a probe of the nearest listings confirms it holds a page of matches
    (a nearest-first page needs no probe: it is itself bounded, see ListingResults)."""
    conditions, _text = _conditions(search)
    if search.geo is None or not conditions:
        return AccessPath.WALK
    need, factor = (COUNT_CAP + 1, 20) if for_count else (PAGE_NEED, 4)
    if not _common(search, need=need, factor=factor):
        return AccessPath.INDEX_FIRST
    if not for_count and search.effective_ordering == Ordering.DISTANCE:
        return AccessPath.WALK
    return AccessPath.WALK if _window_has(search, conditions, PAGE_NEED) else AccessPath.INDEX_FIRST


def _search_queryset(search: ListingSearch, path: str | None) -> QuerySet[Listing]:
    """Active listings matching the search, ordered as asked, on the access path that suits it
    (or `path`). Text: Norwegian stemming without accents (the stored search vector) or a trigram
    match on the title for typos. Geo: the public point only, within the radius, nearest first by
    `<->` (KNN on the GiST index)."""
    listings = _listings_visible(search)
    conditions, text = _conditions(search)
    ordering = search.effective_ordering
    if text is not None and ordering == Ordering.RELEVANCE:
        query = SearchQuery(rank_query(search.q), config=SEARCH_CONFIG, search_type="raw")
        listings = listings.annotate(
            relevance=Greatest(
                SearchRank(F("search_vector"), query), TrigramWordSimilarity(search.q, "title")
            )
        )
    if search.geo is None:
        listings = listings.filter(conditions)
    elif (path or listing_access_path(search)) == AccessPath.WALK:
        listings = listings.filter(_in_radius_walkable(search.geo))
        if conditions:
            # Per row only when the walk is nearest-first; otherwise every match is read anyway.
            listings = listings.filter(_per_row(conditions) if ordering == Ordering.DISTANCE else conditions)
    else:
        listings = listings.filter(conditions).filter(_in_radius_per_row(search.geo))

    order = _sort_key(search)
    if order == Ordering.DISTANCE:
        # No tie-breaker: a second sort key stops PostgreSQL from walking the GiST index in order.
        return listings.order_by(GeometryDistance("public_location", search.geo.point))
    if order == Ordering.RELEVANCE:
        return listings.order_by("-relevance", "-published_at", "-pk")
    return listings.order_by("-published_at", "-pk")


def _sort_key(search: ListingSearch) -> str:
    """What the results are sorted by: the effective ordering, except that a query of no words
    ("!!!") has no relevance and comes newest first."""
    ordering = search.effective_ordering
    if ordering == Ordering.RELEVANCE and _conditions(search)[1] is None:
        return Ordering.NEWEST
    return ordering


class ListingResults:
    """The listings a search finds, fetched a slice at a time (the paginator, the API and the map
    slice it; iterating reads every match). A slice is one statement: the search through its
    access path, joined to the listings' rows, categories, areas and cover photos, turned into
    Listing instances without the ORM's query building and prefetching (they cost more than the
    search itself). Each listing carries `distance` (km from the search's point, None without
    one) and `cover` (its first photo or None).

    A nearest-first slice with other conditions (text, category, ...) is looked for among the
    nearest WALK_WINDOW listings per PAGE_NEED matches asked for: one bounded walk that stops as
    soon as the slice is full. Only when that window is full and still holds too few matches (a
    common word in a category where it hardly occurs) does the slice come from the indexes of the
    conditions instead. Both give the exact nearest-first order."""

    ordered = True  # for Paginator

    def __init__(self, search: ListingSearch, *, path: str | None = None):
        self.search = search
        self.path = path

    def queryset(self) -> QuerySet[Listing]:
        """Every match as a queryset, for filtering further (does a listing match?)."""
        return _search_queryset(self.search, self.path)

    def __iter__(self):
        return iter(self[0:None])

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        if item.step is not None or (item.start or 0) < 0 or (item.stop is not None and item.stop < 0):
            raise ValueError("ListingResults takes plain slices.")
        start, stop = item.start or 0, item.stop
        if stop is not None and stop <= start:
            return []
        search = self.search
        conditions, _text = _conditions(search)
        path = self.path or listing_access_path(search)
        if (
            _sort_key(search) == Ordering.DISTANCE
            and conditions
            and path == AccessPath.WALK
            and stop is not None
        ):
            window = WALK_WINDOW * math.ceil(stop / PAGE_NEED)
            sql, params = _window_query(search, conditions, window, distance=True)
            listings = _hydrated(
                f"SELECT w.pk, w.d FROM ({sql}) w WHERE w.hit ORDER BY w.d LIMIT %s OFFSET %s",  # noqa: S608
                [*params, stop - start, start],
                search,
            )
            if len(listings) == stop - start or not _window_full(sql, params, window):
                return listings
            path = AccessPath.INDEX_FIRST
        ids = _search_queryset(search, path)
        order = _sort_key(search)
        if order == Ordering.DISTANCE:
            ids = ids.annotate(d=GeometryDistance("public_location", search.geo.point)).values("pk", "d")
        elif order == Ordering.RELEVANCE:
            ids = ids.values("pk", "relevance")
        else:
            ids = ids.values("pk")
        sql, params = ids[start:stop].query.sql_with_params()
        return _hydrated(sql, list(params), search)


def _window_full(sql: str, params, window: int) -> bool:
    """Did the window hold `window` listings (so the radius may hold more)?"""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) w", params)  # noqa: S608 - Django's SQL
        return cursor.fetchone()[0] >= window


def listing_search(search: ListingSearch, *, path: str | None = None) -> ListingResults:
    """The one listing search, used by the HTML list, the map, the API and the CMS blocks
    (`path` forces an access path; tests compare both)."""
    return ListingResults(search, path=path)


def _columns(model, alias: str, *, leave_out=()) -> tuple[list[str], list, list]:
    """SQL columns, attribute names and database converters of a model's concrete fields."""
    fields = [f for f in model._meta.concrete_fields if f.name not in leave_out]
    sql = [f'{alias}."{f.column}"' for f in fields]
    return sql, [f.attname for f in fields], [f.get_db_converters(connection) for f in fields]


class _Rows:
    """Turns a section of a result row into a model instance, as the ORM would."""

    def __init__(self, model, alias: str, *, leave_out=()):
        self.model = model
        self.sql, self.names, converters = _columns(model, alias, leave_out=leave_out)
        self.converted = [(i, c) for i, field_converters in enumerate(converters) for c in field_converters]

    def instance(self, values):
        if self.converted:
            values = list(values)
            for i, converter in self.converted:
                if values[i] is not None:
                    values[i] = converter(values[i], None, connection)
        return self.model.from_db(connection.alias, self.names, values)


_PAGE_ORDER = {
    Ordering.DISTANCE: "page.d",
    Ordering.RELEVANCE: "page.relevance DESC, l.published_at DESC, l.id DESC",
    Ordering.NEWEST: "l.published_at DESC, l.id DESC",
}


def _hydrated(ids_sql: str, params: list, search: ListingSearch) -> list[Listing]:
    """The listings whose ids (column pk) `ids_sql` selects, in the search's order, each with its
    category, area (its point not loaded) and `cover` photo, in one statement; `distance` in km
    from the search's point."""
    from catalog.models import Category
    from places.models import Place

    # The public point stays the hex EWKB PostgreSQL sends until something reads it (GeoDjango
    # turns it into a Point then); the distance is computed from its coordinates.
    listing = _Rows(Listing, "l", leave_out=("location", "search_vector"))
    category = _Rows(Category, "c")
    area = _Rows(Place, "a", leave_out=("point",))
    image = _Rows(ListingImage, "i")
    sections = (listing, category, area, image)
    select = ", ".join(column for section in sections for column in section.sql)
    sql = (
        f"SELECT {select}, ST_X(l.public_location::geometry), ST_Y(l.public_location::geometry)"  # noqa: S608
        f" FROM ({ids_sql}) page JOIN {Listing._meta.db_table} l ON l.id = page.pk"
        f" JOIN {Category._meta.db_table} c ON c.id = l.category_id"
        f" LEFT JOIN {Place._meta.db_table} a ON a.id = l.area_id"
        f" LEFT JOIN LATERAL (SELECT * FROM {ListingImage._meta.db_table} WHERE listing_id = l.id"
        "   ORDER BY position, id LIMIT 1) i ON true"
        f" ORDER BY {_PAGE_ORDER[_sort_key(search)]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    cuts = [0]
    for section in sections:
        cuts.append(cuts[-1] + len(section.sql))
    origin = (search.geo.point.y, search.geo.point.x) if search.geo is not None else None
    categories, areas, listings = {}, {}, []
    for row in rows:
        item = listing.instance(row[: cuts[1]])
        category_id, area_id, image_id = row[cuts[1]], row[cuts[2]], row[cuts[3]]
        if category_id not in categories:
            categories[category_id] = category.instance(row[cuts[1] : cuts[2]])
        item.category = categories[category_id]
        if area_id is not None:
            if area_id not in areas:
                areas[area_id] = area.instance(row[cuts[2] : cuts[3]])
            item.area = areas[area_id]
        item.cover = image.instance(row[cuts[3] : cuts[4]]) if image_id is not None else None
        lon, lat = row[cuts[4]], row[cuts[4] + 1]
        item.coordinates_read = (item.__dict__["public_location"], lat, lon)
        item.distance = haversine_km(*origin, lat, lon) if origin is not None else None
        listings.append(item)
    return listings


CAPPED_COUNT_TTL = 60  # seconds a "1000+" is remembered for the same search


def _count_key(search: ListingSearch) -> str:
    geo = search.geo
    where = (round(geo.point.x, 6), round(geo.point.y, 6), geo.radius_km) if geo else None
    raw = repr((search.q, search.kind, search.category_ids, search.condition, where, search.viewer_id))
    return "listing-count-capped:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def listing_search_count(search: ListingSearch, *, remember: bool = True) -> tuple[int, bool]:
    """The number of matches, capped at COUNT_CAP ("1000+"), and whether it was capped. On a
    walk the nearest-first ordering is kept, so counting stops after COUNT_CAP + 1 matches
    instead of collecting the whole radius. Even so, 1,001 matches of a common word cost tens of
    milliseconds in a dense area, so a capped answer is remembered for CAPPED_COUNT_TTL seconds
    (a dense area stays dense for a minute); an exact count is never remembered."""
    key = _count_key(search)
    if remember and cache.get(key):
        return COUNT_CAP, True
    path = listing_access_path(search, for_count=True) if search.geo is not None else None
    listings = _search_queryset(search, path)
    walks = path == AccessPath.WALK and search.effective_ordering == Ordering.DISTANCE
    count = (listings if walks else listings.order_by())[: COUNT_CAP + 1].count()
    if count > COUNT_CAP:
        if remember:
            cache.set(key, True, CAPPED_COUNT_TTL)
        return COUNT_CAP, True
    return count, False


def listings_of_owner(*, owner, status: str | None = None) -> QuerySet[Listing]:
    listings = (
        Listing.objects.filter(owner=owner)
        .select_related("category", "area")
        .prefetch_related(Prefetch("images", queryset=ListingImage.objects.order_by("position", "pk")))
    )
    if status:
        listings = listings.filter(status=status)
    return listings.order_by("-updated_at")


def favourites_of(user) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(favourites__user=user)
        .select_related("category", "area")
        .prefetch_related(Prefetch("images", queryset=ListingImage.objects.order_by("position", "pk")))
        .order_by("-favourites__created_at")
    )


def is_favourite(user, listing: Listing) -> bool:
    return user.is_authenticated and Favourite.objects.filter(user=user, listing=listing).exists()


def exchange_reputation(user) -> dict[str, int]:
    """Completed exchanges (as giver or receiver) and published ratings received."""
    completed = (
        Listing.objects.filter(status=Listing.Status.COMPLETED)
        .filter(Q(owner=user) | Q(reserved_for=user))
        .count()
    )
    ratings = dict(
        ExchangeFeedback.objects.filter(subject=user, published_at__isnull=False)
        .values_list("rating")
        .annotate(n=Count("pk"))
    )
    return {"completed": completed, **{r: ratings.get(r, 0) for r in ExchangeFeedback.Rating.values}}


def feedback_pending_for(user, listing: Listing) -> bool:
    """May this user still rate this exchange?"""
    return (
        user.is_authenticated
        and listing.status == Listing.Status.COMPLETED
        and user.pk in (listing.owner_id, listing.reserved_for_id)
        and listing.reserved_for_id is not None
        and not ExchangeFeedback.objects.filter(listing=listing, author=user).exists()
    )


def repairers_for(listing: Listing) -> list:
    """For a listing that needs repair: the nearest repairers of its category (the cross-link
    ARCHITECTURE.md allows marketplace to make to repair's selectors), from its public point."""
    if listing.condition != Listing.Condition.NEEDS_REPAIR or not listing.is_public:
        return []
    return repairers_near(category_ids=[listing.category_id], point=listing.public_location, limit=3)


# --- Staff dashboard (cms reads these) ---------------------------------------------------------


def listings_reported_open_count() -> int:
    """Listings with at least one report the moderators have not handled yet."""
    from marketplace.models import ListingReport

    return Listing.objects.filter(reports__outcome=ListingReport.Outcome.OPEN).distinct().count()


def listings_created_per_week(*, weeks: int = 8) -> list:
    """(Monday, how many listings were created that week) for the last `weeks` weeks."""
    from core.stats import count_per_week

    return count_per_week(Listing.objects.all(), "created_at", weeks=weeks)
