from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from cms import selectors
from core.search import MAX_QUERY_LENGTH

SEARCH_PAGE_SIZE = 10


def search_view(request):
    """One site search: pages (Wagtail search, Norwegian configuration) a page at a time, and
    the first listings, repairers and items to borrow, each group linking to its app's list."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {"query": query, "query_string": urlencode({"q": query}), "count": 0, "page": None}
    if query:
        found = selectors.site_search(query, language_code=get_language())
        paginator = Paginator(found["pages"], SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        for result in page.object_list:
            result.summary = selectors.page_summary(result)
        context.update(
            page=page if paginator.count else None,
            page_count=paginator.count,
            groups=found["groups"] if page.number == 1 else [],
            count=paginator.count + sum(group.count for group in found["groups"]),
        )
    return render(request, "cms/search.html", context)


def sitemap_view(request):
    """sitemap.xml: published, public pages in both languages and the apps' list pages."""
    entries = selectors.sitemap_entries(request)
    return TemplateResponse(request, "sitemap.xml", {"urlset": entries}, content_type="application/xml")


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in selectors.robots_disallowed())]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
