"""Whole-response cache for CMS pages served to anonymous visitors, for every page type.

Wagtail's `on_serve_page` hook wraps each page's `serve()`; this layer sits inside Wagtail's
view-restriction check (so a restricted page is still checked on every request) and stores the
rendered HTML in the cache (Redis) under the page, the language, the host and the full path.
Any publish, unpublish, move, deletion or change of view restrictions starts a new
generation, so no visitor sees an old version of a page or of a list of pages; what a page
shows from the apps (newest listings, events) is at most `page_cache_seconds` old.

Not cached: signed-in visitors, requests other than GET, responses that are not 200, pages that
set cookies, used a CSRF token (forms) or a CSP nonce, and requests with pending messages. A page type opts
out with `page_cache_seconds = 0`, sets its own lifetime with `page_cache_seconds = N`, and a
page whose HTML depends on more than path and language returns that part from
`page_cache_variant(request)`. settings.PAGE_CACHE_SECONDS is the default (0 turns it off)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(GENERATION_KEY, value, timeout=None)
    return int(value)


def generation_bump(**kwargs) -> None:
    """Forget every cached page (by moving to a new key generation)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: the next read starts one
        cache.add(GENERATION_KEY, 2, timeout=None)


def page_cache_seconds(page: Page) -> int:
    """The page type's own lifetime, else the setting's; the setting at 0 turns every page
    type's cache off (a page type's own value does not override the switch)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return 0
    return int(getattr(page, "page_cache_seconds", settings.PAGE_CACHE_SECONDS))


def _request_is_cacheable(request) -> bool:
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    if request.user.is_authenticated:
        return False
    return len(messages.get_messages(request)) == 0


def cache_key(page: Page, request) -> str:
    variant = page.page_cache_variant(request) if hasattr(page, "page_cache_variant") else ""
    where = f"{request.get_host()}|{request.get_full_path()}|{variant}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"pagecache:{generation()}:{page.pk}:{translation.get_language()}:{digest}"


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
        # A page that used the request's CSP nonce (django-csp sets _csp_nonce when it is read)
        # must not be replayed: the next response's header carries another nonce.
        and getattr(request, "_csp_nonce", None) is None
    )


@hooks.register("on_serve_page", order=100)
def serve_from_cache(callback):
    def inner(page, request, serve_args, serve_kwargs):
        timeout = page_cache_seconds(page)
        if timeout <= 0 or not _request_is_cacheable(request):
            return callback(page, request, serve_args, serve_kwargs)
        key = cache_key(page, request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response[HEADER] = "hit"
            return response
        response = callback(page, request, serve_args, serve_kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _storable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), timeout)
            response[HEADER] = "miss"
        return response

    return inner


def connect_signals() -> None:
    """Called from CmsConfig.ready()."""
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(generation_bump, dispatch_uid=f"pagecache-{id(signal)}")
    post_delete.connect(generation_bump, sender=Page, dispatch_uid="pagecache-page-delete")
    for signal in (post_save, post_delete):
        signal.connect(
            generation_bump, sender=PageViewRestriction, dispatch_uid=f"pagecache-restriction-{id(signal)}"
        )


def tree_cached(name: str, compute, timeout: int = 3600):
    """A value computed from the page tree alone (which pages exist, are live and public, where
    they are), cached until the next generation: any publish, unpublish, move, deletion or
    change of view restrictions recomputes it. For the footer's links and the home page's links
    to the event list and the impact method, so that rendering a page does not query them."""
    key = f"pagecache:tree:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
