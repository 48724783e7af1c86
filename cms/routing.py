"""Wagtail's routing, remembered per process.

Wagtail finds the page for a path by walking the tree from the site's root: the site, the
locale, the localized root and one query per level, about a third of an uncached page's time.
Which page a path leads to changes only when pages are published, unpublished, moved, renamed
or deleted, or a view restriction or site changes: exactly when the page cache starts a new
generation (cms/page_cache.py). So each process remembers, per generation, site, language and
path, the page's id and type. The page itself is read afresh on every request (one query), and
everything after routing (view restrictions, the page cache's hook, `serve`) runs as usual.
A routable page is remembered at its own path (its index view); its sub-views are routed by
Wagtail each time."""

import contextlib

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.http.request import split_domain_port
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from cms.page_cache import generation
from core.memo import TimedMemo

ROUTES = TimedMemo(ttl=600, size=4096)


def serve(request, path):
    """wagtail.views.serve, with the route (and the site) taken from memory when known."""
    _remembered_route(request, path)
    return wagtail_views.serve(request, path)


def _remembered_route(request, path: str) -> None:
    current = generation()
    hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
    site = ROUTES.get(("site", current, hostname, port), lambda: Site.find_for_request(request))
    request._wagtail_site = site
    if site is None:
        return
    key = ("route", current, site.pk, translation.get_language(), path)
    known = ROUTES.get(key, lambda: _route_of(request, path))
    if known is None or hasattr(request, "_wagtail_route_for_request"):  # not found, or just routed
        return
    page_id, content_type_id = known
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    page = model.objects.filter(pk=page_id, live=True).first() if model is not None else None
    if page is None:
        return
    # The page's own route for no further path: itself, or a routable page's index view.
    with contextlib.suppress(Http404):
        request._wagtail_route_for_request = page.route(request, [])


def _route_of(request, path: str) -> tuple[int, int] | None:
    """Wagtail's own routing (it keeps its result on the request); what to remember of it: the
    page a path leads to, when the whole path is that page's (not a routable page's sub-view)."""
    route = Page.route_for_request(request, path)
    if route is None:
        return None
    page, args, kwargs = route
    if (args or kwargs) and page.get_url(request) != request.path:
        return None
    return page.pk, page.content_type_id
