from django import forms
from django.utils.translation import gettext_lazy as _

import core.reports
from catalog.models import Category
from catalog.selectors import category_choices
from core.forms import PhotosField, SafeTextMixin
from marketplace.models import MAX_IMAGES, Listing, ListingReport
from marketplace.services import SAVED_SEARCH_PARAMS, ListingError, listing_image_prepare
from places.geo import GeoParamError, make_point, parse_near
from places.models import Place


def prepare_photos(files, *, room: int) -> list:
    """Sanitize uploaded photos; a ValidationError naming every file that is refused."""
    if len(files) > room:
        raise forms.ValidationError(_("You can add at most %(n)s more photos.") % {"n": room})
    prepared, errors = [], []
    for number, upload in enumerate(files, start=1):
        try:
            prepared.append(listing_image_prepare(upload))
        except ListingError as error:
            errors.append(_("Photo %(n)s: %(reason)s") % {"n": number, "reason": error.message})
    if errors:
        raise forms.ValidationError(errors)
    return prepared


class PhotoUploadForm(forms.Form):
    photos = PhotosField(
        label=_("Add photos"), required=True, help_text=_("JPEG, PNG, WebP or HEIC, up to 15 MB each.")
    )

    def __init__(self, *args, room: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room

    def clean_photos(self):
        return prepare_photos(self.cleaned_data["photos"], room=self.room)


class ListingForm(SafeTextMixin, forms.Form):
    """Create or edit a listing. The location is a named place (works without JavaScript) or a
    point from the map or the browser (filled in by static/js/location-picker.js); either way
    only a fuzzed point is ever shown."""

    kind = forms.ChoiceField(
        label=_("What do you want to do?"), choices=Listing.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )
    category = forms.ChoiceField(label=_("Category"))
    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=[("", _("Not relevant"))] + list(Listing.Condition.choices),
        required=False,
    )
    wants = forms.CharField(
        label=_("What would you like in return?"),
        max_length=200,
        required=False,
        help_text=_("Only for swaps."),
    )
    pickup_notes = forms.CharField(
        label=_("Pickup"),
        max_length=300,
        required=False,
        help_text=_("For example: “In the shed, after 17.”"),
    )
    place = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Place.objects.order_by("name"),
        to_field_name="name",
        required=False,
        empty_label=_("Choose an area"),
        help_text=_("Others see the area and a point about 250 m from where the item is, never the address."),
    )
    point = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to 8 photos (JPEG, PNG, WebP or HEIC, up to 15 MB each). The first one is the cover."
        ),
    )

    def __init__(self, *args, home_place: Place | None = None, with_photos: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_photos:
            del self.fields["photos"]
        self.fields["category"].choices = [("", _("Choose a category"))] + category_choices()
        if home_place is not None and not self.is_bound:
            self.initial.setdefault("place", home_place.name)

    def clean_photos(self):
        return prepare_photos(self.cleaned_data["photos"], room=MAX_IMAGES)

    def clean_category(self):
        category = Category.objects.filter(slug=self.cleaned_data["category"]).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category."))
        return category

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != Listing.Kind.WANTED and not data.get("condition"):
            self.add_error("condition", _("Say what condition the item is in."))
        if data.get("point"):
            try:
                data["location"] = parse_near(data["point"])
            except GeoParamError:
                self.add_error(
                    "place", _("The point from the map could not be read; choose an area instead.")
                )
        elif data.get("place"):
            data["location"] = make_point(data["place"].lat, data["place"].lon)
        elif "place" not in self.errors:
            self.add_error("place", _("Choose an area, or pick a point on the map."))
        return data


class ReserveForm(SafeTextMixin, forms.Form):
    partner = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(core.reports.ReportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, reasons=ListingReport.Reason.choices, **kwargs)


class FeedbackForm(SafeTextMixin, forms.Form):
    """The comment with a rating after an exchange (the rating's rules are the service's)."""

    text = forms.CharField(label=_("Comment"), max_length=300, required=False)


class SavedSearchForm(SafeTextMixin, forms.Form):
    """A search to save: its name and the search's parameters as they came from the search form
    (services.SAVED_SEARCH_PARAMS; the service checks that they make a valid search)."""

    name = forms.CharField(label=_("Name of the search"), max_length=100, required=False)
    q = forms.CharField(max_length=200, required=False)
    kind = forms.CharField(max_length=200, required=False)
    category = forms.CharField(max_length=200, required=False)
    condition = forms.CharField(max_length=200, required=False)
    near = forms.CharField(max_length=200, required=False)
    place = forms.CharField(max_length=200, required=False)
    radius_km = forms.CharField(max_length=200, required=False)

    def params(self) -> dict:
        return {name: self.cleaned_data[name] for name in SAVED_SEARCH_PARAMS}
