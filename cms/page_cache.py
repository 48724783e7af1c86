"""Whole-response cache for CMS pages served to anonymous visitors, for every page type.

Two parts share one entry per scheme, host and full path (the path also decides the language: the
default language has no prefix, every other one its own):

- `PageCacheMiddleware`, high in MIDDLEWARE (after the security headers and WhiteNoise, before
  sessions), answers an anonymous GET that carries no session or messages cookie straight from
  the cache, without sessions, authentication, Wagtail's site and page lookup or the view:
  a hit costs two cache reads. It stores what the layers below it answered: the body and
  every header (Content-Language, Vary, X-Frame-Options, ...), so a hit has the same headers as
  the page it replays; the layers above it (request id, SecurityMiddleware, the CSP and
  Permissions-Policy) run on every response, hit or not.
- The `on_serve_page` hook decides what may be stored: it runs inside Wagtail's view-restriction
  check, so only a page the anonymous visitor was allowed to see is stored, and it answers the
  anonymous visitors who do carry a session cookie from the same entry.

Any publish, unpublish, move, deletion, change of view restrictions or of a site starts a new generation:
an entry from an older generation is never served, so no visitor sees an old version of a page
or of a list of pages, nor a page made private since. A page type whose HTML shows other data
names the cache counters of that data (`page_cache_versions()`, e.g. the impact report's
version): an entry stored under other values of them is not served either. What a page shows
from the apps (newest listings, events) is otherwise at most `page_cache_seconds` old.

Not cached: signed-in visitors, requests other than GET, searches (they go through the rate
limits), responses that are not 200, pages that set cookies, used a CSRF token (forms) or a
CSP nonce, say Cache-Control private or no-store, and requests with pending messages. A page
type opts out with `page_cache_seconds = 0` and sets its own lifetime with
`page_cache_seconds = N`; a page whose HTML depends on more than host, path and query string
must opt out. settings.PAGE_CACHE_SECONDS is the default (0 turns it off)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from asgiref.local import Local
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from core.memo import TimedMemo

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
# Never CMS pages (the admin, the API, files): no cache read for them.
NOT_PAGES = ("/cms/", "/api/", "/media/", "/documents/", "/static/")
# Headers not replayed: the cache's own, and what the layers above the middleware set anyway.
_NOT_STORED = frozenset({HEADER.lower(), "set-cookie", "x-request-id"})


def _first_generation() -> int:
    """From the clock, not 1: after the cache is emptied (a Redis restart) the generations go on
    from a number no process remembered anything under (cms/routing.py, `tree_cached`)."""
    return time.time_ns() // 1000


# Within a request the generation is read once (routing, the page cache and the tree values each
# ask for it); it is forgotten when the request ends and when this process starts a new one.
# Outside requests (tasks, commands) every call reads it.
_this_request = Local()


def generation() -> int:
    value = getattr(_this_request, "generation", None)
    if value is None:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, _first_generation(), timeout=None)
            value = cache.get(GENERATION_KEY)
        value = int(value)
        if getattr(_this_request, "serving", False):
            _this_request.generation = value
    return value


def _request_started(**kwargs) -> None:
    _this_request.serving, _this_request.generation = True, None


def _request_finished(**kwargs) -> None:
    _this_request.serving, _this_request.generation = False, None


def generation_forget(**kwargs) -> None:
    _this_request.generation = None


def generation_bump(**kwargs) -> None:
    """Forget every cached page (by moving to a new key generation)."""
    generation_forget()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: start one past anything remembered
        cache.add(GENERATION_KEY, _first_generation(), timeout=None)


def page_cache_seconds(page: Page) -> int:
    """The page type's own lifetime, else the setting's; the setting at 0 turns every page
    type's cache off (a page type's own value does not override the switch)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return 0
    return int(getattr(page, "page_cache_seconds", settings.PAGE_CACHE_SECONDS))


def cache_key(request) -> str:
    # get_host() checks ALLOWED_HOSTS; the scheme is in the page's absolute links (canonical).
    where = f"{request.scheme}|{request.get_host()}|{request.get_full_path()}"
    return f"pagecache:page:{hashlib.sha256(where.encode()).hexdigest()[:32]}"


@dataclass
class Entry:
    generation: int
    versions: dict[str, object]
    headers: list[tuple[str, str]]
    content: bytes
    route: str = ""


@dataclass
class _State:
    """What the hook tells the middleware about the request it is serving (request.page_cache)."""

    key: str
    generation: int
    looked_up: bool
    timeout: int = 0
    versions: dict[str, object] = field(default_factory=dict)


# The counters entries have named in this process (`page_cache_versions`): read with every
# lookup, so an entry that depends on one is checked in the same round trip.
_VERSION_KEYS: set[str] = set()


def _lookup(key: str) -> tuple[Entry | None, int]:
    """The entry stored for `key` if it is still valid, and the current generation: one round
    trip to the cache (a second only the first time this process meets a counter)."""
    found = cache.get_many([key, GENERATION_KEY, *_VERSION_KEYS])
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    entry = found.get(key)
    if not isinstance(entry, Entry) or entry.generation != current:
        return None, current
    if entry.versions:
        if not _VERSION_KEYS.issuperset(entry.versions):
            _VERSION_KEYS.update(entry.versions)
            found = cache.get_many(list(entry.versions))
        if {name: found.get(name) for name in entry.versions} != entry.versions:
            return None, current
    return entry, current


def _replay(request, entry: Entry) -> HttpResponse:
    response = HttpResponse(entry.content)
    for name, value in entry.headers:
        response[name] = value
    response[HEADER] = "hit"
    request.metrics_route = entry.route  # core.observability labels the hit with the page's route
    return response


def _without_session(request) -> bool:
    """No session and no pending messages: the visitor is anonymous without loading anything."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _may_be_cached(request) -> bool:
    from core.ratelimit import bucket_for

    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.path_info.startswith(NOT_PAGES)
        and "Authorization" not in request.headers
        and bucket_for(request) is None  # searches are counted by the rate limits: never early
    )


def _storable(request, response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
        # A page that used the request's CSP nonce (django-csp sets _csp_nonce when it is read)
        # must not be replayed: the next response's header carries another nonce.
        and getattr(request, "_csp_nonce", None) is None
    )


class PageCacheMiddleware:
    """After SecurityHeadersMiddleware and WhiteNoise, before SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_be_cached(request):
            return self.get_response(request)
        key = cache_key(request)
        early = _without_session(request)
        if early:
            entry, current = _lookup(key)
            if entry is not None:
                return _replay(request, entry)
        else:
            current = 0  # looked up by the hook, once the session says who this is
        state = request.page_cache = _State(key=key, generation=current, looked_up=early)
        response = self.get_response(request)
        if state.timeout > 0 and state.generation and _storable(request, response):
            from core.observability import route_of

            headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED]
            entry = Entry(state.generation, state.versions, headers, response.content, route_of(request))
            _VERSION_KEYS.update(state.versions)
            cache.set(key, entry, state.timeout)
            response[HEADER] = "miss"
        return response


def _request_is_cacheable(request) -> bool:
    if getattr(request, "is_preview", False) or request.user.is_authenticated:
        return False
    return len(messages.get_messages(request)) == 0


@hooks.register("on_serve_page", order=100)
def serve_from_cache(callback):
    def inner(page, request, serve_args, serve_kwargs):
        state = getattr(request, "page_cache", None)
        timeout = page_cache_seconds(page)
        if state is None or timeout <= 0 or not _request_is_cacheable(request):
            return callback(page, request, serve_args, serve_kwargs)
        if not state.looked_up:  # an anonymous visitor with a session cookie
            entry, state.generation = _lookup(state.key)
            if entry is not None:
                return _replay(request, entry)
        # Read before rendering: data changing while the page renders makes the entry stale.
        state.versions = page.page_cache_versions() if hasattr(page, "page_cache_versions") else {}
        state.timeout = timeout
        response = callback(page, request, serve_args, serve_kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return response

    return inner


def connect_signals() -> None:
    """Called from CmsConfig.ready()."""
    request_started.connect(_request_started, dispatch_uid="pagecache-request-started")
    request_finished.connect(_request_finished, dispatch_uid="pagecache-request-finished")
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(generation_bump, dispatch_uid=f"pagecache-{id(signal)}")
    post_delete.connect(generation_bump, sender=Page, dispatch_uid="pagecache-page-delete")
    for signal in (post_save, post_delete):
        signal.connect(
            generation_bump, sender=PageViewRestriction, dispatch_uid=f"pagecache-restriction-{id(signal)}"
        )
        # A site's hostname, port or root page decides which page a path leads to (cms/routing.py).
        signal.connect(generation_bump, sender=Site, dispatch_uid=f"pagecache-site-{id(signal)}")


# Values computed from the page tree alone, per process and generation (cms/routing.py keeps
# its routes the same way): a read costs the generation's one cache read, and nothing to unpickle.
TREE = TimedMemo(ttl=600, size=4096)


def tree_cached(name: str, compute):
    """A value computed from the page tree alone (which pages exist, are live and public, where
    they are), remembered in this process until the next generation: any publish, unpublish,
    move, deletion or change of view restrictions recomputes it. For the footer's links, the
    home page's links to the event list and the impact method, and each page's language
    versions, so that rendering a page does not query them."""
    return TREE.get((generation(), name), compute)


def public_pages(pages):
    """`pages.public()` without its query each time: the private sections (pages with a view
    restriction, and everything under them) come from the tree memory, which a restriction's
    change, a move or a deletion renews."""
    from django.db.models import Q

    def sections() -> list[tuple[str, int]]:
        return list(PageViewRestriction.objects.values_list("page__path", "page__depth").distinct())

    private = Q()
    for path, depth in tree_cached("private-sections", sections):
        private |= Q(path__startswith=path, depth__gte=depth)
    return pages.exclude(private) if private else pages
