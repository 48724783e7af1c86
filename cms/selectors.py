"""Reads for the site's machine-readable files: sitemap.xml entries and robots.txt rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Page

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
        Page.objects.live()
        .public()
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
