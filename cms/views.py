from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from wagtail.models import Page

from cms import selectors

SEARCH_PAGE_SIZE = 10


def search_view(request):
    """Site search over published pages (Wagtail search, Norwegian configuration)."""
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.live().public().specific().search(query) if query else Page.objects.none()
    paginator = Paginator(results, SEARCH_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page")) if paginator.count else None
    context = {
        "query": query,
        "page": page,
        "count": paginator.count,
        "query_string": urlencode({"q": query}),
    }
    return render(request, "cms/search.html", context)


def sitemap_view(request):
    """sitemap.xml: published, public pages in both languages and the apps' list pages."""
    entries = selectors.sitemap_entries(request)
    return TemplateResponse(request, "sitemap.xml", {"urlset": entries}, content_type="application/xml")


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in selectors.robots_disallowed())]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
