"""Every read of repairer profiles that is more than a get(): the one search used by the HTML
directory and the API, the GeoJSON export and the "repairers near" cross-link."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.selectors import audit_entries_about, audit_entries_for
from catalog.models import Category
from core.search import SEARCH_CONFIG, rank_query, text_match
from places.geo import GeoQuery
from places.opening_hours import OpeningHours, display, open_at_condition
from repair.models import (
    OwnershipClaim,
    Repairer,
    RepairerHours,
    RepairerHoursException,
    RepairerPhoto,
    RepairLog,
    Review,
    ReviewReport,
)

NEAR_MAX_KM = 25.0


class Ordering:
    DISTANCE = "distance"
    NAME = "name"
    RATING = "rating"
    RELEVANCE = "relevance"
    CHOICES = (DISTANCE, NAME, RATING, RELEVANCE)


@dataclass(frozen=True)
class RepairerSearch:
    q: str = ""
    category_ids: tuple[int, ...] = ()
    open_now: bool = False
    geo: GeoQuery | None = None
    ordering: str = ""
    # The instant "open now" means; None is the time of the query.
    at: datetime | None = None

    @property
    def effective_ordering(self) -> str:
        """Nearest first with a place, best match first with only text, else by name."""
        if self.ordering == Ordering.DISTANCE and self.geo is None:
            return Ordering.RELEVANCE if self.q else Ordering.NAME
        if self.ordering == Ordering.RELEVANCE and not self.q:
            return Ordering.DISTANCE if self.geo else Ordering.NAME
        if self.ordering:
            return self.ordering
        if self.geo is not None:
            return Ordering.DISTANCE
        return Ordering.RELEVANCE if self.q else Ordering.NAME


def repairers_public() -> QuerySet[Repairer]:
    return Repairer.objects.filter(status=Repairer.Status.PUBLISHED)


def _in_categories(category_ids) -> Exists:
    """Repairers of any of these categories (an Exists, so no duplicate rows and the KNN order
    stays possible)."""
    return Exists(
        Repairer.categories.through.objects.filter(repairer_id=OuterRef("pk"), category_id__in=category_ids)
    )


def with_parents(category_ids) -> list[int]:
    """The categories and their main categories: someone who repairs "bikes" repairs e-bikes."""
    ids = set(category_ids)
    ids |= set(Category.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True))
    return sorted(ids)


def open_now_condition(at: datetime):
    return open_at_condition(
        weekly_model=RepairerHours, exception_model=RepairerHoursException, owner_field="repairer", at=at
    )


def _for_display(repairers: QuerySet[Repairer]) -> QuerySet[Repairer]:
    return (
        repairers.defer("search_vector")
        .select_related("area")
        .prefetch_related(
            "categories",
            "weekly_hours",
            # Past exceptions never matter again (yesterday's can still end tonight's hours).
            Prefetch(
                "hours_exceptions",
                queryset=RepairerHoursException.objects.filter(
                    end_date__gte=timezone.localdate() - timedelta(days=1)
                ),
            ),
            Prefetch("photos", queryset=RepairerPhoto.objects.order_by("position", "pk")),
        )
    )


def repairer_search(search: RepairerSearch) -> QuerySet[Repairer]:
    """Published repairers matching the search, ordered as asked. Text: Norwegian stemming
    without accents (the stored vector over name and descriptions) or a trigram match on the
    name. Category: the category asked for, its subcategories and its main category. Open now:
    the SQL of places.opening_hours at `search.at`. Geo: radius by `dwithin`, nearest first by
    `<->` alone (a tie-breaker would stop PostgreSQL walking the GiST index in order)."""
    repairers = repairers_public()
    if search.category_ids:
        repairers = repairers.filter(_in_categories(with_parents(search.category_ids)))
    if search.open_now:
        repairers = repairers.filter(open_now_condition(search.at or timezone.now()))
    if search.geo is not None:
        repairers = repairers.filter(location__dwithin=(search.geo.point, D(km=search.geo.radius_km)))

    ordering = search.effective_ordering
    match = text_match(table=Repairer._meta.db_table, vector="search_vector", title="name", text=search.q)
    if match is not None:
        repairers = repairers.filter(match)
        if ordering == Ordering.RELEVANCE:
            query = SearchQuery(rank_query(search.q), config=SEARCH_CONFIG, search_type="raw")
            repairers = repairers.annotate(
                relevance=Greatest(
                    SearchRank(F("search_vector"), query), TrigramWordSimilarity(search.q, "name")
                )
            )
    if ordering == Ordering.DISTANCE:
        repairers = repairers.order_by(GeometryDistance("location", search.geo.point))
    elif ordering == Ordering.RELEVANCE and match is not None:  # a query of no words: no relevance
        repairers = repairers.order_by("-relevance", "name", "pk")
    elif ordering == Ordering.RATING:
        # Unreviewed profiles last; among equals the better known first.
        repairers = repairers.order_by(F("rating_avg").desc(nulls_last=True), "-rating_count", "name", "pk")
    else:
        repairers = repairers.order_by("name", "pk")
    return _for_display(repairers)


def repairers_near(*, category_ids, point: Point, limit: int = 3) -> list[Repairer]:
    """The nearest published repairers (within 25 km) that fix any of these categories — for a
    listing that needs repair, pass `[listing.category_id]` and its public point. Main
    categories are included ("bikes" repairers for an e-bike). Each result carries
    `distance_km` and `opening_state`, ready for `{% include "components/repairer_card.html" %}`."""
    from places.geo import distance_km

    if not category_ids:
        return []
    repairers = list(
        _for_display(
            repairers_public()
            .filter(_in_categories(with_parents(category_ids)))
            .filter(location__dwithin=(point, D(km=NEAR_MAX_KM)))
            .order_by(GeometryDistance("location", point))
        )[:limit]
    )
    now = timezone.now()
    for repairer in repairers:
        # `distance` and `opening_state` are what components/repairer_card.html shows.
        repairer.distance_km = repairer.distance = distance_km(point, repairer.location)
        repairer.opening_state = opening_hours_of(repairer).state_at(now)
    return repairers


def repairers_geojson_rows() -> QuerySet[Repairer]:
    """Every published profile for the open-data export, in a stable order."""
    return (
        repairers_public().defer("search_vector", "description").prefetch_related("categories").order_by("pk")
    )


def repairers_last_change() -> datetime | None:
    """When any profile last changed (unpublishing one changes the export too), for the
    export's Last-Modified."""
    return Repairer.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()


def opening_hours_of(repairer: Repairer) -> OpeningHours:
    """The profile's hours; uses prefetched rows when the queryset has them."""
    return OpeningHours.from_rows(repairer.weekly_hours.all(), repairer.hours_exceptions.all())


def opening_of(repairer: Repairer, at: datetime | None = None) -> dict:
    """What the opening hours component shows (places.opening_hours.display)."""
    return display(opening_hours_of(repairer), at or timezone.now())


def repairers_of_owner(user) -> QuerySet[Repairer]:
    return Repairer.objects.filter(owners=user).order_by("name")


def repairers_pending() -> QuerySet[Repairer]:
    """The editors' queue: oldest submission first."""
    return (
        Repairer.objects.filter(status=Repairer.Status.PENDING)
        .prefetch_related("owners__profile", "categories")
        .order_by("submitted_at", "pk")
    )


def reviews_of(repairer: Repairer) -> QuerySet[Review]:
    """The public reviews: a moderator's hidden ones are left out."""
    return (
        Review.objects.filter(repairer=repairer, hidden_at__isnull=True)
        .select_related("author__profile")
        .order_by("-created_at", "-pk")
    )


def review_by(user, repairer: Repairer) -> Review | None:
    if not user.is_authenticated:
        return None
    return Review.objects.filter(repairer=repairer, author=user).first()


def first_owner(repairer: Repairer):
    """The owner who has had the profile longest (who answers chat about it)."""
    link = Repairer.owners.through.objects.filter(repairer=repairer).order_by("pk").first()
    return link.user if link else None


# --- Moderation, badge, claims -------------------------------------------------------------------


def reviews_reported() -> QuerySet[Review]:
    """The moderators' queue: reviews with open reports, the longest waiting first."""
    open_ = Q(reports__outcome=ReviewReport.Outcome.OPEN)
    return (
        Review.objects.filter(open_)
        .annotate(open_reports=Count("reports", filter=open_), first_report=Min("reports__created_at"))
        .select_related("repairer", "author__profile")
        .order_by("first_report", "pk")
    )


def audit_log_of(*, repairer: Repairer | None = None, review: Review | None = None) -> QuerySet[AuditEntry]:
    """The audit log (accounts.AuditEntry) of one review, or of a profile and its reviews."""
    if review is not None:
        return audit_entries_for(review)[:50]
    return audit_entries_about(targets=[repairer], within=[Review.objects.filter(repairer=repairer)])[:50]


def claims_pending() -> QuerySet[OwnershipClaim]:
    return (
        OwnershipClaim.objects.filter(status=OwnershipClaim.Status.PENDING)
        .select_related("repairer", "claimant__profile")
        .order_by("created_at", "pk")
    )


BADGE_MIN_WARRANTY_MONTHS = 1
BADGE_MIN_REVIEWS = 10
BADGE_MIN_POSITIVE = 0.8
POSITIVE_RATING = 4


@dataclass(frozen=True)
class BadgeCriterion:
    """One condition for the "verified" badge: `met` is True/False as the system sees it,
    None when only an editor can tell."""

    key: str
    label: str
    met: bool | None
    detail: str = ""


def badge_criteria(repairer: Repairer) -> list[BadgeCriterion]:
    """What the public and the editor see next to the badge: a trading address, a warranty
    of at least a month, and at least 80 % positive (4 or 5 of 5) among at least 10 visible
    reviews. The editor still decides (and checks the address is a real shop)."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    stats = Review.objects.filter(repairer=repairer, hidden_at__isnull=True).aggregate(
        total=Count("pk"), positive=Count("pk", filter=Q(rating__gte=POSITIVE_RATING))
    )
    total, positive = stats["total"], stats["positive"]
    share = positive / total if total else 0.0
    has_address = bool(repairer.address.strip() and repairer.postal_code and repairer.postal_town.strip())
    warranty = repairer.warranty_months or 0
    return [
        BadgeCriterion(
            "address",
            _("A trading address customers can visit"),
            has_address,
            repairer.full_address if has_address else _("No address given"),
        ),
        BadgeCriterion(
            "warranty",
            _("At least one month's warranty on repairs"),
            warranty >= BADGE_MIN_WARRANTY_MONTHS,
            ngettext("%(n)s month", "%(n)s months", warranty) % {"n": warranty}
            if warranty
            else _("No warranty given"),
        ),
        BadgeCriterion(
            "reviews",
            _("At least 80 % positive among at least 10 reviews"),
            total >= BADGE_MIN_REVIEWS and share >= BADGE_MIN_POSITIVE,
            _("%(positive)s of %(total)s reviews positive") % {"positive": positive, "total": total},
        ),
    ]


# --- Repair log and its open data --------------------------------------------------------------


def repair_logs_of(user) -> QuerySet[RepairLog]:
    return (
        RepairLog.objects.filter(logged_by=user)
        .select_related("category", "repairer")
        .order_by("-repaired_on", "-pk")
    )


def repair_logs_export() -> QuerySet[RepairLog]:
    """Every logged repair for the open data export, oldest first: only what the export shows
    is read (never who logged it)."""
    return (
        RepairLog.objects.select_related("category__parent")
        .only(
            "pk",
            "logged_as",
            "repairer__slug",
            "event_name",
            "category__slug",
            "category__name_en",
            "category__parent__slug",
            "category__parent__name_en",
            "product",
            "brand",
            "year_of_manufacture",
            "problem",
            "outcome",
            "barrier",
            "repaired_on",
            "updated_at",
        )
        .select_related("repairer")
        .order_by("pk")
    )


def repair_logs_last_change() -> datetime | None:
    return RepairLog.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
