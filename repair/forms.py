"""Forms of the owners' dashboard. Validation that belongs to the data (lengths, postal code,
organisation number) lives on the model and runs again in the services."""

from django import forms
from django.forms import formset_factory, modelformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import core.forms
import core.reports
from catalog.models import Category
from catalog.selectors import category_choices
from core.forms import SafeTextMixin
from places.forms import BaseHoursExceptionFormSet, HoursExceptionForm
from places.geo import GeoParamError, parse_near
from repair.models import (
    LANGUAGE_CHOICES,
    MAX_PHOTOS,
    MAX_SERVICES,
    Repairer,
    RepairerHoursException,
    RepairLog,
    ReviewReport,
)
from repair.services import MAX_QUOTE_PHOTOS, RepairerError, repairer_photo_prepare
from repair.validators import normalise_org_number, validate_org_number


class RepairerForm(SafeTextMixin, forms.Form):
    name = forms.CharField(label=_("Name of the business"), max_length=120)
    short_description = forms.CharField(
        label=_("Short description"), max_length=200, help_text=_("One sentence shown in search results.")
    )
    description = forms.CharField(
        label=_("About the business"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    categories = forms.MultipleChoiceField(
        label=_("What do you repair?"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    address = forms.CharField(label=_("Street address"), max_length=200)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("A postal code has four digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    postal_town = forms.CharField(label=_("Postal town"), max_length=60)
    point = forms.CharField(
        label=_("Position on the map (latitude, longitude)"),
        max_length=60,
        help_text=_("For example 59.8908, 10.5238. With JavaScript you can click on the map instead."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    access = forms.ChoiceField(
        label=_("Accessibility of the premises"),
        choices=Repairer.Access.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    access_note = forms.CharField(label=_("More about accessibility"), max_length=300, required=False)
    house_calls = forms.BooleanField(label=_("We make house calls"), required=False)
    pickup = forms.BooleanField(label=_("We pick up and deliver"), required=False)
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("Nine digits, from Brønnøysundregistrene."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    warranty_months = forms.IntegerField(
        label=_("Warranty on repairs (months)"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_("How long you guarantee a repair. Empty if you give no warranty."),
    )

    def __init__(self, *args, repairer: Repairer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()
        if repairer is not None and not self.is_bound:
            for name in self.fields:
                if hasattr(repairer, name) and name not in ("categories",):
                    self.initial[name] = getattr(repairer, name)
            self.initial["categories"] = [c.slug for c in repairer.categories.all()]
            self.initial["point"] = f"{repairer.lat:.6f}, {repairer.lon:.6f}"

    def clean_categories(self):
        categories = list(Category.objects.filter(slug__in=self.cleaned_data["categories"]))
        if not categories:
            raise forms.ValidationError(_("Choose at least one thing you repair."))
        return categories

    def clean_org_number(self):
        value = self.cleaned_data["org_number"]
        if value:
            validate_org_number(value)
        return normalise_org_number(value)

    def clean_point(self):
        try:
            return parse_near(self.cleaned_data["point"].replace(" ", ""))
        except GeoParamError as error:
            raise forms.ValidationError(str(error)) from None

    def data_changes(self) -> dict:
        """The cleaned fields as the services take them (`location` for the point)."""
        data = dict(self.cleaned_data)
        data["location"] = data.pop("point")
        return data


class ServiceForm(SafeTextMixin, forms.Form):
    name = forms.CharField(label=_("Service"), max_length=120, required=False)
    price_from = forms.IntegerField(
        label=_("Price from (NOK)"), min_value=0, max_value=1_000_000, required=False
    )
    price_note = forms.CharField(label=_("About the price"), max_length=80, required=False)


ServiceFormSet = formset_factory(ServiceForm, extra=3, max_num=MAX_SERVICES, validate_max=True)

HoursExceptionFormSet = modelformset_factory(
    RepairerHoursException,
    form=HoursExceptionForm,
    formset=BaseHoursExceptionFormSet,
    extra=2,
    can_delete=True,
)


class PhotosField(forms.FileField):
    widget = forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}
    )


class PhotoUploadForm(SafeTextMixin, forms.Form):
    photo = PhotosField(label=_("Add a photo"), help_text=_("JPEG, PNG, WebP or HEIC, up to 15 MB."))
    alt_text = forms.CharField(
        label=_("Describe the photo"),
        max_length=200,
        required=False,
        help_text=_("For people who cannot see it, for example “The workshop seen from the street”."),
    )

    def __init__(self, *args, room: int = MAX_PHOTOS, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room

    def clean_photo(self):
        if self.room <= 0:
            raise forms.ValidationError(_("A profile can have at most %(n)s photos.") % {"n": MAX_PHOTOS})
        try:
            return repairer_photo_prepare(self.cleaned_data["photo"])
        except RepairerError as error:
            raise forms.ValidationError(error.message) from None


class RejectForm(SafeTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("What needs to change?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(SafeTextMixin, forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating"), choices=(), coerce=int, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Your experience"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did you have repaired, and how did it go?"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, so the labels are in the language of the request.
        self.fields["rating"].choices = [(n, gettext("%(n)s of 5") % {"n": n}) for n in range(5, 0, -1)]


class ReviewAnswerForm(SafeTextMixin, forms.Form):
    """The business's public answer to a review (that there is one is the service's rule)."""

    answer = forms.CharField(label=_("Your public answer (once)"), max_length=2000, required=False)


class ReviewReportForm(core.reports.ReportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, reasons=ReviewReport.Reason.choices, **kwargs)


def _category(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise forms.ValidationError(_("Choose a category from the list."))
    return category


class QuoteRequestForm(SafeTextMixin, forms.Form):
    category = forms.ChoiceField(label=_("What is it?"), choices=())
    text = forms.CharField(
        label=_("What is the problem?"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, the brand and model if you know them, and what you would like done."),
    )
    photos = core.forms.PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_(
            "Up to %(n)s photos: JPEG, PNG, WebP or HEIC, up to 15 MB each. Only the business sees them."
        )
        % {"n": MAX_QUOTE_PHOTOS},
    )

    def __init__(self, *args, repairer: Repairer, **kwargs):
        super().__init__(*args, **kwargs)
        # The business's own categories first: what they repair.
        own = [(c.slug, c.name) for c in repairer.categories.all()]
        self.fields["category"].choices = [("", "—"), (gettext("What they repair"), own), *category_choices()]

    def clean_category(self):
        return _category(self.cleaned_data["category"])

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_QUOTE_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos.") % {"n": MAX_QUOTE_PHOTOS})
        prepared, errors = [], []
        for number, upload in enumerate(files, start=1):
            try:
                prepared.append(repairer_photo_prepare(upload))
            except RepairerError as error:
                errors.append(gettext("Photo %(n)s: %(reason)s") % {"n": number, "reason": error.message})
        if errors:
            raise forms.ValidationError(errors)
        return prepared


class RepairLogForm(SafeTextMixin, forms.Form):
    logged_as = forms.ChoiceField(
        label=_("Who repaired it?"), choices=RepairLog.LoggedAs.choices, widget=forms.RadioSelect
    )
    repairer = forms.TypedChoiceField(label=_("Your business"), choices=(), coerce=int, required=False)
    event_name = forms.CharField(
        label=_("Repair café or event"),
        max_length=120,
        required=False,
        help_text=_("For example “Reparasjonskafé Bekkestua”."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=())
    product = forms.CharField(
        label=_("What was it?"), max_length=100, help_text=_("For example “coffee maker” or “winter jacket”.")
    )
    brand = forms.CharField(label=_("Brand"), max_length=60, required=False)
    model_name = forms.CharField(label=_("Model"), max_length=60, required=False)
    year_of_manufacture = forms.IntegerField(
        label=_("Year made (about)"), min_value=1900, max_value=2100, required=False
    )
    problem = forms.CharField(
        label=_("What was wrong?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published as open data without your name: leave out personal details."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=RepairLog.Outcome.choices, widget=forms.RadioSelect
    )
    barrier = forms.ChoiceField(
        label=_("If it could not be repaired: why?"),
        choices=[("", "—"), *RepairLog.Barrier.choices],
        required=False,
    )
    repaired_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, businesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *category_choices()]
        self.fields["repairer"].choices = [("", "—"), *[(r.pk, r.name) for r in businesses]]
        self.businesses = {r.pk: r for r in businesses}
        if not businesses:
            self.fields["logged_as"].choices = [
                c for c in RepairLog.LoggedAs.choices if c[0] != RepairLog.LoggedAs.BUSINESS
            ]
            del self.fields["repairer"]

    def clean_category(self):
        return _category(self.cleaned_data["category"])

    def clean_repairer(self):
        pk = self.cleaned_data.get("repairer")
        if pk in (None, ""):
            return None
        if pk not in self.businesses:
            raise forms.ValidationError(_("Choose one of your businesses."))
        return self.businesses[pk]

    def cleaned_data_for_log(self) -> dict:
        """The cleaned fields as repair.services.RepairLogData takes them."""
        data = dict(self.cleaned_data)
        data.setdefault("repairer", None)
        for name in ("brand", "model_name", "event_name", "barrier"):
            data[name] = data.get(name) or ""
        return data


class ClaimForm(SafeTextMixin, forms.Form):
    message = forms.CharField(
        label=_("How can we see that the business is yours?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example your role in the business, or an email address at its domain."),
    )


class InviteOwnerForm(SafeTextMixin, forms.Form):
    email = forms.EmailField(label=_("Email address of the new co-owner"))
