"""A point typed as "latitude, longitude" in the Wagtail admin: works without JavaScript and
loads no map library from elsewhere (GeoDjango's default widget would)."""

from django import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry

from places.geo import GeoParamError, parse_near


class LatLonWidget(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "59.9184, 10.5874", "inputmode": "decimal", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str) and value:
            try:
                value = GEOSGeometry(value)
            except (GEOSException, ValueError, TypeError):
                return value
        if isinstance(value, GEOSGeometry):
            return f"{value.y:.5f}, {value.x:.5f}"
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        text = (data.get(name) or "").strip()
        if not text:
            return ""
        try:
            point = parse_near(text)
        except GeoParamError:
            return text  # the field reports it as an invalid value
        return point.ewkt
