from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.forms import GeoCategorySearchForm
from cms.events.models import EventKind, EventPage
from core.forms import SafeTextMixin


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of event"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("", _("Upcoming")), ("past", _("Past"))],
    )


class RegistrationForm(SafeTextMixin, forms.Form):
    """What the resident brings to a repair café or bike-service day, and what is wrong."""

    item = forms.CharField(
        label=_("What will you bring?"),
        max_length=120,
        help_text=_("For example: a toaster, a child's bike, a pair of jeans."),
    )
    problem = forms.CharField(
        label=_("What is wrong with it?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Helps the volunteers bring the right tools and parts."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, event: EventPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if not event.asks_for_item:
            del self.fields["item"], self.fields["problem"], self.fields["category"]
            return
        categories = list(event.repair_categories.all())
        if categories:
            self.fields["category"].choices = [
                ("", _("Choose if you like")),
                *((c.pk, c.name) for c in categories),
            ]
        else:
            del self.fields["category"]

    def clean_category(self):
        value = self.cleaned_data.get("category")
        return int(value) if value else None


class StopSearchForm(GeoCategorySearchForm):
    """Where to look for the station's next stop: a place name or coordinates, and a radius."""

    place = forms.CharField(label=_("Near"), required=False, max_length=100)
    near = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    radius_km = forms.CharField(
        label=_("Within (km)"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
