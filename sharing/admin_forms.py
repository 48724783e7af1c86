"""Forms for the Wagtail admin (editors manage hubs; editors and hub staff the catalogue):
plain latitude/longitude instead of a map widget that would load scripts from a CDN, staff by
email address, and units as a number."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core.forms import SafeTextMixin
from places.forms import DAY_FIELDS, WeeklyHoursForm
from places.geo import make_point
from places.opening_hours import WEEKDAYS
from sharing.selectors import lendable_and_idle_units
from sharing.services import hub_hours_set, hub_staff_set, item_units_set


def _day_field(weekday: int) -> forms.CharField:
    return forms.CharField(
        label=WEEKDAYS[weekday],
        required=False,
        max_length=100,
        help_text=_("For example 10–18, or 10–14, 16–18. Empty: closed.") if weekday == 0 else "",
    )


class HubAdminForm(SafeTextMixin, WagtailAdminModelForm):
    lat = forms.FloatField(
        label=_("Latitude"), min_value=57.0, max_value=72.0, help_text=_("For example 59.8953")
    )
    lon = forms.FloatField(
        label=_("Longitude"), min_value=4.0, max_value=32.0, help_text=_("For example 10.6266")
    )
    staff_emails = forms.CharField(
        label=_("Staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Email addresses of the people who run the hub, one per line. They must have an account."
        ),
    )

    hours_monday = _day_field(0)
    hours_tuesday = _day_field(1)
    hours_wednesday = _day_field(2)
    hours_thursday = _day_field(3)
    hours_friday = _day_field(4)
    hours_saturday = _day_field(5)
    hours_sunday = _day_field(6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hub = self.instance
        if hub.pk:
            week = WeeklyHoursForm(rows=list(hub.weekly_hours.all()))
            for name in DAY_FIELDS:
                self.initial.setdefault(f"hours_{name}", week.initial.get(name, ""))
        if hub.pk and hub.location:
            self.initial.setdefault("lat", round(hub.location.y, 6))
            self.initial.setdefault("lon", round(hub.location.x, 6))
            emails = hub.memberships.order_by("user__email").values_list("user__email", flat=True)
            self.initial.setdefault("staff_emails", "\n".join(emails))

    def clean_staff_emails(self):
        emails = [e.strip().lower() for e in self.cleaned_data.get("staff_emails", "").split() if e.strip()]
        users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
        missing = sorted(set(emails) - {u.email.lower() for u in users})
        if missing:
            raise forms.ValidationError(
                _("No active account for: %(emails)s") % {"emails": ", ".join(missing)}
            )
        return users

    def clean(self):
        data = super().clean()
        if data.get("lat") is not None and data.get("lon") is not None:
            self.instance.location = make_point(data["lat"], data["lon"])
        week = WeeklyHoursForm(data={name: data.get(f"hours_{name}", "") for name in DAY_FIELDS})
        if week.is_valid():
            data["intervals"] = week.intervals()
        else:
            for name, errors in week.errors.items():
                for error in errors:
                    self.add_error(f"hours_{name}" if name in DAY_FIELDS else None, error)
        return data

    def save(self, commit=True):
        hub = super().save(commit=commit)
        if commit:
            hub_staff_set(hub=hub, users=self.cleaned_data.get("staff_emails", []))
            hub_hours_set(hub=hub, intervals=self.cleaned_data.get("intervals", []))
        return hub


class ItemAdminForm(SafeTextMixin, WagtailAdminModelForm):
    units = forms.IntegerField(
        label=_("Units"),
        min_value=1,
        max_value=500,
        initial=1,
        help_text=_("How many identical copies the hub lends."),
    )
    accessories_text = forms.CharField(
        label=_("Accessories"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; checked at pickup and return."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        if item.pk:
            self.initial.setdefault("units", item.units.filter(status="available").count())
            self.initial.setdefault("accessories_text", "\n".join(item.accessories))
        self.fields["hub"].required = True

    def clean(self):
        data = super().clean()
        self.instance.accessories = [
            line.strip()[:80] for line in data.get("accessories_text", "").splitlines() if line.strip()
        ][:30]
        hub = data.get("hub")
        if hub is not None:
            self.instance.location = self.instance.public_location = hub.location
        units = data.get("units")
        if self.instance.pk and units is not None:
            lendable, idle = lendable_and_idle_units(self.instance)
            if lendable - units > idle:
                self.add_error(
                    "units",
                    _("Only %(n)s units have no bookings ahead; cancel or move bookings first.")
                    % {"n": idle},
                )
        return data

    def save(self, commit=True):
        item = super().save(commit=commit)
        if commit:
            item_units_set(item=item, count=self.cleaned_data["units"])
        return item
