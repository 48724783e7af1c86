"""The one FilterSet for item searches, shared by the HTML list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from catalog.forms import GeoCategorySearchForm
from core.search import MAX_QUERY_LENGTH
from sharing.models import Hub, Item
from sharing.periods import PeriodError, parse_window
from sharing.selectors import ItemSearch, item_search


class ItemSearchForm(GeoCategorySearchForm):
    """Validates the parameters together: geo, category slug, hub and the wanted period."""

    def clean(self):
        data = super().clean()
        data["hub_id"] = None
        if hub := data.get("hub"):
            found = Hub.objects.filter(slug=hub).values_list("pk", flat=True).first()
            if found is None and hub.isdigit() and len(hub) < 12:
                found = Hub.objects.filter(pk=int(hub)).values_list("pk", flat=True).first()
            if found is None:
                self.add_error("hub", _("Unknown lending hub “%(hub)s”.") % {"hub": hub[:60]})
            data["hub_id"] = found
        data["available"] = None
        start, end = data.get("available_from"), data.get("available_to")
        if start or end:
            if not (start and end):
                field = "available_to" if start else "available_from"
                self.add_error(field, _("Give both the start and the end of the period."))
            else:
                try:
                    data["available"] = parse_window(
                        start, end, start_field="available_from", end_field="available_to"
                    )
                except PeriodError as error:
                    self.add_error(error.field, error.message)
        return data


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="_by_search")
    category = django_filters.CharFilter(label=_("Category"), method="_by_search")
    hub = django_filters.CharFilter(label=_("Lending hub"), method="_by_search")
    available_from = django_filters.CharFilter(label=_("Free from"), method="_by_search")
    available_to = django_filters.CharFilter(label=_("Free until"), method="_by_search")
    near = django_filters.CharFilter(label=_("Near (latitude,longitude)"), method="_by_search")
    place = django_filters.CharFilter(label=_("Place"), method="_by_search")
    radius_km = django_filters.CharFilter(label=_("Distance (km)"), method="_by_search")

    class Meta:
        model = Item
        fields: list[str] = []
        form = ItemSearchForm

    def _by_search(self, queryset, name, value):
        return queryset  # the whole search runs once, in filter_queryset

    def filter_queryset(self, queryset):
        return item_search(self.search)

    @property
    def search(self) -> ItemSearch:
        data = self.form.cleaned_data
        return ItemSearch(
            q=(data.get("q") or "").strip()[:MAX_QUERY_LENGTH],
            category_ids=data.get("category_ids", ()),
            hub_id=data.get("hub_id"),
            available=data.get("available"),
            geo=data.get("geo"),
        )

    @property
    def not_found(self) -> bool:
        return self.form.not_found
