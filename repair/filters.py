"""The one FilterSet for repairer searches, shared by the HTML directory and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from catalog.forms import GeoCategorySearchForm
from core.search import MAX_QUERY_LENGTH
from repair.models import Repairer
from repair.selectors import Ordering, RepairerSearch, repairer_search

ORDERING_CHOICES = [
    (Ordering.DISTANCE, _("Nearest first")),
    (Ordering.NAME, _("By name")),
    (Ordering.RATING, _("Best rated")),
    (Ordering.RELEVANCE, _("Best match")),
]
_TRUE = {"true", "1", "on", "yes", "ja"}
_FALSE = {"", "false", "0", "off", "no", "nei"}


class RepairerSearchForm(GeoCategorySearchForm):
    """Validates the parameters together: geo ones become a point and radius, the category
    slug category ids, `open_now` a boolean. An unknown place sets `not_found` (404)."""

    def clean(self):
        data = super().clean()
        open_now = (data.get("open_now") or "").strip().lower()
        if open_now in _TRUE:
            data["open_now_flag"] = True
        elif open_now in _FALSE:
            data["open_now_flag"] = False
        else:
            self.add_error("open_now", _("Use true or false."))
        return data


class RepairerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="_by_search")
    category = django_filters.CharFilter(label=_("Category"), method="_by_search")
    open_now = django_filters.CharFilter(label=_("Open now"), method="_by_search")
    near = django_filters.CharFilter(label=_("Near (latitude,longitude)"), method="_by_search")
    place = django_filters.CharFilter(label=_("Place"), method="_by_search")
    radius_km = django_filters.CharFilter(label=_("Distance (km)"), method="_by_search")
    ordering = django_filters.ChoiceFilter(label=_("Order by"), choices=ORDERING_CHOICES, method="_by_search")

    class Meta:
        model = Repairer
        fields: list[str] = []
        form = RepairerSearchForm

    def __init__(self, *args, at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.at = at

    def _by_search(self, queryset, name, value):
        return queryset  # the whole search runs once, in filter_queryset

    def filter_queryset(self, queryset):
        return repairer_search(self.search)

    @property
    def search(self) -> RepairerSearch:
        data = self.form.cleaned_data
        return RepairerSearch(
            q=(data.get("q") or "").strip()[:MAX_QUERY_LENGTH],
            category_ids=data.get("category_ids", ()),
            open_now=data.get("open_now_flag", False),
            geo=data.get("geo"),
            ordering=data.get("ordering") or "",
            at=self.at,
        )

    @property
    def not_found(self) -> bool:
        return self.form.not_found
