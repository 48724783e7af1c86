"""What the CMS pages read: the home page's live sections, the guides' "related in Sirkel"
block and the site search from the feature apps, and the entries of the site's machine-readable
files (sitemap.xml, robots.txt). Everything from the apps goes through the apps' own selectors
(ARCHITECTURE.md: cms reads every app's selectors), so a page shows exactly what the app's own
list would show for the same search."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from wagtail.models import Locale, Page
from wagtail.search.query import And, Or, PlainText

from catalog.selectors import categories_with_descendants
from cms.events.models import EventIndexPage
from cms.events.selectors import events_next
from cms.impact_pages import ImpactMethodPage
from cms.page_cache import public_pages, tree_cached
from core.search import MAX_QUERY_LENGTH, query_words, word_forms
from marketplace.selectors import ListingSearch, Ordering, listing_search, listing_search_count
from places.geo import GeoQuery, distance_km
from places.models import Place
from places.selectors import place_get_by_name
from repair.selectors import RepairerSearch, opening_hours_of, repairer_search
from sharing.selectors import ItemSearch, item_search

NEARBY_RADIUS_KM = 10.0
HOME_SECTION_SIZE = 4
HOME_EVENTS_SIZE = 3
RELATED_SIZE = 3
SEARCH_GROUP_SIZE = 5


def place_names() -> list[str]:
    """The gazetteer's names (loaded by `load_places`, not edited at run time): cached an hour."""
    return cache.get_or_set(
        "cms:place-names", lambda: list(Place.objects.order_by("name").values_list("name", flat=True)), 3600
    )


def visitor_place(request, place_name: str = ""):
    """The area the visitor asked about (`place_name`), else a signed-in visitor's home area
    (a gazetteer place, never an exact address), else None."""
    if place_name:
        return place_get_by_name(place_name[:100])
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = getattr(user, "profile", None)
        if profile is not None and profile.home_place_id:
            return profile.home_place
    return None


def visitor_point(request, place_name: str = ""):
    place = visitor_place(request, place_name)
    return place.point if place is not None else None


def _geo(point) -> GeoQuery | None:
    return GeoQuery(point=point, radius_km=NEARBY_RADIUS_KM) if point is not None else None


def _with_distance(rows, point, attr: str):
    for row in rows:
        row.distance = distance_km(point, getattr(row, attr)) if point is not None else None
    return rows


def nearby_listings(
    *, point=None, category_ids=(), nearest_first: bool = False, limit: int = HOME_SECTION_SIZE
) -> list:
    """Listings within 10 km of `point` when there is one: the newest first, or the nearest."""
    ordering = Ordering.DISTANCE if nearest_first and point is not None else Ordering.NEWEST
    search = ListingSearch(category_ids=tuple(category_ids), geo=_geo(point), ordering=ordering)
    return list(listing_search(search)[:limit])  # each with its distance from the point


def nearby_repairers(*, point=None, category_ids=(), open_now: bool = False, limit: int = HOME_SECTION_SIZE):
    """Published repairers, nearest first within 10 km of `point` (by name without one)."""
    now = timezone.now()
    search = RepairerSearch(category_ids=tuple(category_ids), open_now=open_now, geo=_geo(point), at=now)
    repairers = _with_distance(list(repairer_search(search)[:limit]), point, "location")
    for repairer in repairers:
        repairer.opening_state = opening_hours_of(repairer).state_at(now)
    return repairers


def nearby_items(*, point=None, category_ids=(), limit: int = HOME_SECTION_SIZE) -> list:
    """Items that can be borrowed, nearest first within 10 km of `point`."""
    search = ItemSearch(category_ids=tuple(category_ids), geo=_geo(point))
    items = list(item_search(search)[:limit])
    prefetch_related_objects(items, "photos")  # the cards show the first photo (as sharing's list)
    return _with_distance(items, point, "public_location")


@dataclass
class Related:
    near: bool = False
    listings: list = field(default_factory=list)
    repairers: list = field(default_factory=list)
    items: list = field(default_factory=list)


# The same three searches answer every visitor of a guide with the same home area (anonymous
# visitors: none): kept this long per category set, choice, place and language.
RELATED_CACHE_SECONDS = 60


def related_in_categories(*, categories, show: set[str], point=None, limit: int = RELATED_SIZE) -> Related:
    """For a guide's "related in Sirkel" block: what the apps have in these categories (each
    with its subcategories), nearest `point` first when there is one, else the newest. Kept in
    the cache for RELATED_CACHE_SECONDS (a minute, as the guide's page cache), so a guide
    rendered again does not run the three apps' searches."""
    where = f"{point.x:.6f},{point.y:.6f}" if point is not None else "-"
    key = "cms:related:" + ":".join(
        [
            ",".join(str(pk) for pk in sorted(c.pk for c in categories)),
            ",".join(sorted(show)),
            where,
            str(limit),
            translation.get_language() or "",
        ]
    )
    return cache.get_or_set(
        key,
        lambda: _related_search(categories=categories, show=show, point=point, limit=limit),
        RELATED_CACHE_SECONDS,
    )


def _related_search(*, categories, show: set[str], point, limit: int) -> Related:
    category_ids = tuple(sorted(categories_with_descendants(c.pk for c in categories)))
    related = Related(near=point is not None)
    if not category_ids:
        return related
    if "listings" in show:
        related.listings = nearby_listings(
            point=point, category_ids=category_ids, nearest_first=True, limit=limit
        )
    if "repairers" in show:
        related.repairers = nearby_repairers(point=point, category_ids=category_ids, limit=limit)
    if "items" in show:
        related.items = nearby_items(point=point, category_ids=category_ids, limit=limit)
    return related


def home_sections(*, root: Page, point=None) -> dict:
    """The home page's live sections: the newest listings, repairers open now, items to borrow
    and the next events (from `root`'s tree: the visitor's language), near `point` when the
    visitor has one, and where the event list and the impact method are."""
    return {
        "near": point is not None,
        "listings": nearby_listings(point=point),
        "repairers": nearby_repairers(point=point, open_now=True),
        "items": nearby_items(point=point),
        "events": events_next(root=root, point=point, radius_km=NEARBY_RADIUS_KM, limit=HOME_EVENTS_SIZE),
        **home_links(root),
    }


def home_links(root: Page) -> dict:
    """The URLs of the event list and the "how we count" page in `root`'s tree ("" when there is
    none), from the page-tree cache (recomputed after any publish, move or restriction change)."""

    def compute():
        pages = public_pages(Page.objects.live()).descendant_of(root).filter(depth__lte=root.depth + 2)
        event_index = pages.type(EventIndexPage).filter(depth=root.depth + 1).order_by("path").first()
        method = pages.type(ImpactMethodPage).order_by("path").first()
        return {
            "event_index_url": event_index.get_url() if event_index else "",
            "impact_method_url": method.get_url() if method else "",
        }

    return tree_cached(f"home-links:{root.pk}", compute)


# --- Site search ----------------------------------------------------------------------------------


@dataclass
class SearchGroup:
    key: str
    results: list
    count: int
    capped: bool = False


def pages_search(query: str, *, language_code: str | None = None):
    """Published, public pages matching the query through Wagtail search (the database backend
    with PostgreSQL's Norwegian configuration), in the visitor's language when given. Every
    word must match in one of its forms ("sykler" also searches "sykkel", which the Norwegian
    stemmer does not connect: core.search.word_forms)."""
    words = query_words(query)
    if not words:
        return Page.objects.none()
    expression = And([Or([PlainText(form) for form in word_forms(word)]) for word in words])
    pages = public_pages(Page.objects.live()).exclude(depth__lte=1)
    if language_code:
        locale = Locale.objects.filter(language_code=language_code).first()
        if locale is not None:
            pages = pages.filter(locale=locale)
    return pages.specific().search(expression)


def page_summary(page) -> str:
    """A line under a page's search result: its description, else its introduction."""
    return page.search_description or getattr(page, "intro", "") or getattr(page, "hero_text", "")


def site_search(query: str, *, language_code: str | None = None, size: int = SEARCH_GROUP_SIZE) -> dict:
    """One search across pages (Wagtail search) and the apps' listings, repairers and lendable
    items (the apps' own text search: Norwegian stemming, no accents, typos). Returns a group
    per kind with its first results and how many there are; pages are paged by the view."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query_words(query):  # only symbols: nothing to look for
        return {"pages": Page.objects.none(), "groups": []}
    listing_query = ListingSearch(q=query)
    listing_count, capped = listing_search_count(listing_query)
    repairers = repairer_search(RepairerSearch(q=query))
    items = item_search(ItemSearch(q=query))
    return {
        "pages": pages_search(query, language_code=language_code),
        "groups": [
            SearchGroup(
                "listings",
                list(listing_search(listing_query)[:size]),
                listing_count,
                capped,
            ),
            SearchGroup("repairers", _repairers_with_state(list(repairers[:size])), repairers.count()),
            SearchGroup("items", _with_distance(_with_photos(list(items[:size])), None, ""), items.count()),
        ],
    }


def _with_photos(items: list) -> list:
    prefetch_related_objects(items, "photos")
    return items


def _repairers_with_state(repairers: list) -> list:
    now = timezone.now()
    for repairer in repairers:
        repairer.distance = None  # no place in a site search
        repairer.opening_state = opening_hours_of(repairer).state_at(now)
    return repairers


# --- sitemap.xml and robots.txt ----------------------------------------------------------------

# The apps' public list pages, listed in the sitemap in every language.
SITEMAP_APP_PAGES = ("marketplace:list", "repair:list", "sharing:list")
# Never to be crawled: the admin, the API and its docs, accounts, messages and each app's
# private screens (all languages). URL names, so the rules follow the URLs when they change.
ROBOTS_DISALLOWED_PATHS = ("/cms/", "/api/", "/documents/")
ROBOTS_DISALLOWED_NAMES = (
    "chat:inbox",
    "marketplace:create",
    "marketplace:mine",
    "marketplace:saved",
    "repair:dashboard",
    "sharing:mine",
    "sharing:lending",
    "search",
)
ROBOTS_DISALLOWED_PREFIXES = ("konto/", "laan/sentral/")


@dataclass
class SitemapEntry:
    location: str
    lastmod: datetime | None = None
    alternates: list[dict] = field(default_factory=list)


def _with_alternates(entries: list[SitemapEntry], urls: dict[str, str]) -> None:
    """One entry per language version, each listing all versions and x-default (Google's
    sitemap form of hreflang)."""
    alternates = [{"lang_code": code, "location": url} for code, url in urls.items()]
    if settings.LANGUAGE_CODE in urls:
        alternates.append({"lang_code": "x-default", "location": urls[settings.LANGUAGE_CODE]})
    for entry in entries:
        entry.alternates = alternates if len(urls) > 1 else []


def sitemap_entries(request: HttpRequest) -> list[SitemapEntry]:
    """Every live, public CMS page in every language (its translations as alternates), then
    the apps' list pages in every language. Absolute URLs on the requested host."""
    absolute = request.build_absolute_uri
    by_key: dict = defaultdict(dict)
    entries_by_key: dict = defaultdict(list)
    pages = (
        public_pages(Page.objects.live())
        .filter(depth__gt=1)
        .select_related("locale")
        .order_by("path")
        .only("id", "path", "depth", "url_path", "last_published_at", "translation_key", "locale")
    )
    entries: list[SitemapEntry] = []
    for page in pages:
        url = page.get_url(request)
        if not url:  # not under any site
            continue
        entry = SitemapEntry(location=absolute(url), lastmod=page.last_published_at)
        entries.append(entry)
        by_key[page.translation_key][page.locale.language_code] = entry.location
        entries_by_key[page.translation_key].append(entry)
    for key, urls in by_key.items():
        _with_alternates(entries_by_key[key], urls)

    for name in SITEMAP_APP_PAGES:
        urls = {}
        for code, _ in settings.LANGUAGES:
            with translation.override(code):
                urls[code] = absolute(reverse(name))
        app_entries = [SitemapEntry(location=url) for url in urls.values()]
        _with_alternates(app_entries, urls)
        entries.extend(app_entries)
    return entries


def robots_disallowed() -> list[str]:
    """Path prefixes robots.txt disallows, in every language."""
    paths = list(ROBOTS_DISALLOWED_PATHS)
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            prefix = reverse("wagtail_serve", args=[""])
            for name in ROBOTS_DISALLOWED_NAMES:
                try:
                    paths.append(reverse(name))
                except NoReverseMatch:  # an app's screen renamed: the rest still apply
                    continue
            paths.extend(prefix + extra for extra in ROBOTS_DISALLOWED_PREFIXES)
    return list(dict.fromkeys(paths))
