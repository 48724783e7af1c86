"""Forms of the owners' dashboard. Validation that belongs to the data (lengths, postal code,
organisation number) lives on the model and runs again in the services."""

from django import forms
from django.forms import formset_factory, modelformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
from catalog.selectors import category_choices
from places.forms import BaseHoursExceptionFormSet, HoursExceptionForm
from places.geo import GeoParamError, parse_near
from repair.models import LANGUAGE_CHOICES, MAX_PHOTOS, MAX_SERVICES, Repairer, RepairerHoursException
from repair.services import RepairerError, repairer_photo_prepare
from repair.validators import normalise_org_number, validate_org_number


class RepairerForm(forms.Form):
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


class ServiceForm(forms.Form):
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


class PhotoUploadForm(forms.Form):
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


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs to change?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
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
