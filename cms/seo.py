"""Language versions, canonical addresses and page metadata for every page the site serves:
CMS pages of any type (through `page` in the template context) and the apps' views (through
the URL resolver). The language switcher, the hreflang links, the canonical link, Open Graph
and the sitemap all read the same answers from here.

A CMS page's other-language version is its Wagtail translation when one is live and public;
without one there is none (the switcher then leads to that language's home page and says the
page is not translated). An app page exists in every language (the same view under /en/)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language_info
from wagtail.models import Page

# og:locale wants language_TERRITORY.
OG_LOCALES = {"nb": "nb_NO", "en": "en_GB"}


@dataclass(frozen=True)
class Version:
    code: str
    name: str  # the language in its own name: "Norsk (bokmål)", "English"
    url: str | None  # this page in that language; None: not translated
    current: bool


def language_name(code: str) -> str:
    local = get_language_info(code)["name_local"]
    return local[:1].upper() + local[1:]


def current_language(request: HttpRequest) -> str:
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or settings.LANGUAGE_CODE


def _page_urls(request: HttpRequest, page: Page) -> dict[str, str]:
    """URL path of each live, public translation of `page` (itself included): one query when
    the tree has changed, else remembered (cms.page_cache.tree_cached)."""
    from wagtail.models import Site

    from cms.page_cache import public_pages, tree_cached

    def compute() -> dict[str, str]:
        urls = {}
        translations = public_pages(page.get_translations(inclusive=True).live()).select_related("locale")
        for translation_page in translations:
            url = translation_page.get_url(request)
            if url:
                urls[translation_page.locale.language_code] = url
        return urls

    site = Site.find_for_request(request)
    return tree_cached(f"versions:{page.pk}:{site.pk if site else ''}", compute)


def _app_urls(request: HttpRequest) -> dict[str, str]:
    """The same view in every language (the apps' URLs are under i18n_patterns)."""
    if request.resolver_match is None:  # an error page: no language versions
        return {}
    return {code: translate_url(request.path, code) for code, _ in settings.LANGUAGES}


def versions(request: HttpRequest, page: Page | None = None) -> list[Version]:
    """This page in each of the site's languages, computed once per request."""
    cached = getattr(request, "_sirkel_versions", None)
    if cached is not None:
        return cached
    current = current_language(request)
    urls = _page_urls(request, page) if isinstance(page, Page) else _app_urls(request)
    result = [
        Version(code=code, name=language_name(code), url=urls.get(code), current=code == current)
        for code, _ in settings.LANGUAGES
    ]
    request._sirkel_versions = result
    return result


def home_url(code: str) -> str:
    """The home page in a language: / or /en/."""
    with translation.override(code):
        from django.urls import reverse

        return reverse("wagtail_serve", args=[""])


def canonical_path(request: HttpRequest) -> str:
    """The address search engines should index: the path, keeping only a page number past the
    first (filters and sort orders are the same content)."""
    page_number = request.GET.get("page", "")
    if page_number.isdigit() and int(page_number) > 1:
        return f"{request.path}?{urlencode({'page': int(page_number)})}"
    return request.path


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def page_title(page: Page | None) -> str:
    if isinstance(page, Page):
        return page.seo_title or page.title
    return ""


# Plain-text fields a page type may have that say what it is about, tried in order when the
# editor left the search description empty.
DESCRIPTION_FALLBACK_FIELDS = ("intro", "hero_text", "summary", "lead")


def page_description(page: Page | None) -> str:
    if not isinstance(page, Page):
        return ""
    if page.search_description:
        return page.search_description
    for name in DESCRIPTION_FALLBACK_FIELDS:
        value = getattr(page, name, None)
        if isinstance(value, str) and value.strip():
            return Truncator(strip_tags(value).strip()).chars(160)
    return ""


def untranslated_original(request: HttpRequest) -> tuple[Page, str] | None:
    """For a page not found under a language prefix (/en/...): the page at the same path in
    the default language, if it is live and public, and its URL, so the 404 page can say that
    the page is only available in that language. None otherwise."""
    from django.http import Http404
    from wagtail.models import Site

    from cms.page_cache import public_pages

    current = current_language(request)
    prefix = home_url(current)
    if current == settings.LANGUAGE_CODE or not request.path.startswith(prefix):
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [part for part in request.path[len(prefix) :].split("/") if part]
    if not components:
        return None
    try:
        page = site.root_page.specific.route(request, components).page
    except Http404:
        return None
    if page.locale.language_code == current or not public_pages(Page.objects.filter(pk=page.pk)).exists():
        return None
    url = page.get_url(request)
    return (page, url) if url else None
