from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

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
