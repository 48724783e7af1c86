"""The one FilterSet for listing searches, shared by the HTML list, the map and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from catalog.forms import GeoCategorySearchForm
from core.search import MAX_QUERY_LENGTH
from marketplace.models import Listing
from marketplace.selectors import ListingSearch, Ordering, listing_search, listing_search_count

ORDERING_CHOICES = [
    (Ordering.DISTANCE, _("Nearest first")),
    (Ordering.NEWEST, _("Newest first")),
    (Ordering.RELEVANCE, _("Best match")),
]


class ListingSearchForm(GeoCategorySearchForm):
    """The place and category parameters, validated together (catalog.forms)."""


class ListingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="_by_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Listing.Kind.choices, method="_by_search")
    category = django_filters.CharFilter(label=_("Category"), method="_by_search")
    condition = django_filters.ChoiceFilter(
        label=_("Condition"), choices=Listing.Condition.choices, method="_by_search"
    )
    near = django_filters.CharFilter(label=_("Near (latitude,longitude)"), method="_by_search")
    place = django_filters.CharFilter(label=_("Place"), method="_by_search")
    radius_km = django_filters.CharFilter(label=_("Distance (km)"), method="_by_search")
    ordering = django_filters.ChoiceFilter(label=_("Order by"), choices=ORDERING_CHOICES, method="_by_search")

    class Meta:
        model = Listing
        fields: list[str] = []
        form = ListingSearchForm

    def _by_search(self, queryset, name, value):
        return queryset  # the whole search runs once, in filter_queryset

    def filter_queryset(self, queryset):
        return listing_search(self.search)

    @property
    def search(self) -> ListingSearch:
        data = self.form.cleaned_data
        return ListingSearch(
            q=(data.get("q") or "").strip()[:MAX_QUERY_LENGTH],
            kind=data.get("kind") or "",
            category_ids=data.get("category_ids", ()),
            condition=data.get("condition") or "",
            geo=data.get("geo"),
            ordering=data.get("ordering") or "",
            viewer_id=self.viewer_id,
        )

    def count_capped(self) -> tuple[int, bool]:
        """The number of results (capped at 1000) and whether it was capped."""
        return listing_search_count(self.search)

    @property
    def viewer_id(self) -> int | None:
        user = getattr(self.request, "user", None)
        return user.pk if user is not None and user.is_authenticated else None

    @property
    def not_found(self) -> bool:
        return self.form.not_found
