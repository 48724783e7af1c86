"""Every read of listings that is more than a get(): the one search used by the HTML list, the
map and the API."""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest

from core.search import SEARCH_CONFIG, rank_query, text_match
from marketplace.models import ExchangeFeedback, Favourite, HiddenListing, HiddenOwner, Listing, ListingImage
from places.geo import GeoQuery


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


def listing_search(search: ListingSearch) -> QuerySet[Listing]:
    """Active listings matching the search, ordered as asked. Text: Norwegian stemming without
    accents (the stored search vector) or a trigram match on the title for typos. Geo: the
    public point only, radius by `dwithin` (GiST), nearest first by `<->` (KNN on the index)."""
    listings = Listing.objects.filter(status=Listing.Status.ACTIVE, hidden_at__isnull=True)
    if search.kind:
        listings = listings.filter(kind=search.kind)
    if search.category_ids:
        listings = listings.filter(category_id__in=search.category_ids)
    if search.condition:
        listings = listings.filter(condition=search.condition)
    if search.geo is not None:
        listings = listings.filter(public_location__dwithin=(search.geo.point, D(km=search.geo.radius_km)))
    if search.viewer_id is not None:
        listings = listings.exclude(
            Exists(HiddenListing.objects.filter(user_id=search.viewer_id, listing=OuterRef("pk")))
        ).exclude(Exists(HiddenOwner.objects.filter(user_id=search.viewer_id, owner=OuterRef("owner"))))

    ordering = search.effective_ordering
    match = text_match(table=Listing._meta.db_table, vector="search_vector", title="title", text=search.q)
    if match is not None:
        listings = listings.filter(match)
        if ordering == Ordering.RELEVANCE:
            query = SearchQuery(rank_query(search.q), config=SEARCH_CONFIG, search_type="raw")
            listings = listings.annotate(
                relevance=Greatest(
                    SearchRank(F("search_vector"), query), TrigramWordSimilarity(search.q, "title")
                )
            )

    if ordering == Ordering.DISTANCE:
        # No tie-breaker: a second sort key stops PostgreSQL from walking the GiST index in order.
        listings = listings.order_by(GeometryDistance("public_location", search.geo.point))
    elif ordering == Ordering.RELEVANCE:
        listings = listings.order_by("-relevance", "-published_at", "-pk")
    else:
        listings = listings.order_by("-published_at", "-pk")
    return (
        listings.defer("location", "search_vector")
        .select_related("category", "area")
        .prefetch_related(Prefetch("images", queryset=ListingImage.objects.order_by("position", "pk")))
    )


def listings_of_owner(*, owner, status: str | None = None) -> QuerySet[Listing]:
    listings = Listing.objects.filter(owner=owner).select_related("category", "area")
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
