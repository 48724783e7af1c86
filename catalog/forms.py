"""The parameters every searchable list shares: a place (near / place / radius_km) and a
category slug from the shared taxonomy. Each app's FilterSet form builds on this one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.selectors import category_with_descendants
from places.geo import GeoParamError, parse_geo_params


class GeoCategorySearchForm(forms.Form):
    """Cleans the geo parameters together into `geo` (a point and radius, or None) and the
    category slug into `category_ids` (with its subcategories). An unknown place sets
    `not_found`, answered with 404."""

    not_found = False

    def clean(self):
        data = super().clean()
        try:
            data["geo"] = parse_geo_params(
                near=data.get("near"), place=data.get("place"), radius_km=data.get("radius_km")
            )
        except GeoParamError as error:
            self.not_found = error.status == 404
            for field, messages in error.errors.items():
                for message in messages:
                    self.add_error(field, message)
        data["category_ids"] = ()
        if slug := data.get("category"):
            ids = category_with_descendants(slug)
            if ids is None:
                self.add_error("category", _("Unknown category “%(slug)s”.") % {"slug": slug[:60]})
            else:
                data["category_ids"] = tuple(ids)
        return data
