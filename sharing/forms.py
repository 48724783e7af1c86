"""The booking form: a period in Oslo time (a date and a time for each end), the pledge and the
proof where the item asks for them. The rules themselves are the service's."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharing.models import Item

DEFAULT_TIME = time(10, 0)
# Dates further off than this are typing mistakes (and would overflow the date arithmetic).
YEARS_AHEAD = 10


def local_moment(day: date, at: time) -> datetime | None:
    """`day` at `at` in Oslo time, or None when that time does not exist (the hour skipped when
    the clocks go forward). A repeated hour (autumn) means its first occurrence."""
    naive = datetime.combine(day, at)
    aware = timezone.make_aware(naive)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(aware.tzinfo).replace(tzinfo=None) != naive:
        return None
    return aware


def _first_time(day: date) -> time:
    """10:00, or on a day where that has passed the next whole hour (23:00 at the latest)."""
    now = timezone.localtime()
    if day != now.date() or now.time() < DEFAULT_TIME:
        return DEFAULT_TIME
    return time(min(now.hour + 1, 23), 0)


class BookingForm(forms.Form):
    start_date = forms.DateField(
        label=_("Pickup date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Pickup time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
    )
    end_date = forms.DateField(
        label=_("Return date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_time = forms.TimeField(
        label=_("Return time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
    )
    pledge_accepted = forms.BooleanField(label=_("I accept the pledge"), required=False)
    proof_confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, item: Item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        today = timezone.localdate().isoformat()
        self.fields["start_date"].widget.attrs["min"] = today
        self.fields["end_date"].widget.attrs["min"] = today
        if not item.pledge:
            del self.fields["pledge_accepted"]
        if item.required_proof:
            self.fields["proof_confirmed"].label = _("I have: %(proof)s") % {"proof": item.required_proof}
        else:
            del self.fields["proof_confirmed"]

    def clean(self):
        data = super().clean()
        this_year = timezone.localdate().year
        for side in ("start", "end"):
            day, at = data.get(f"{side}_date"), data.get(f"{side}_time")
            if day is None or at is None:
                continue
            if not this_year - 1 <= day.year <= this_year + YEARS_AHEAD:
                self.add_error(
                    f"{side}_date",
                    _("Choose a date between %(first)s and %(last)s.")
                    % {"first": this_year - 1, "last": this_year + YEARS_AHEAD},
                )
                continue
            moment = local_moment(day, at)
            if moment is None:
                self.add_error(
                    f"{side}_time",
                    _("%(time)s does not exist that day: the clocks go forward. Choose another time.")
                    % {"time": at.strftime("%H:%M")},
                )
            data[side] = moment
        return data

    @property
    def period(self) -> tuple[datetime, datetime]:
        return self.cleaned_data["start"], self.cleaned_data["end"]

    @classmethod
    def initial_for(cls, item: Item, query) -> dict:
        """Prefill from the calendar's or a suggestion's link (?start_date=…&start_time=…&…):
        what parses is kept, the rest defaults (10:00; the end a day later, within the loan)."""
        initial: dict = {}
        for name, field in (
            ("start_date", forms.DateField()),
            ("end_date", forms.DateField()),
            ("start_time", forms.TimeField()),
            ("end_time", forms.TimeField()),
        ):
            try:
                if value := field.clean(query.get(name, "")[:20]):
                    initial[name] = value
            except forms.ValidationError:
                pass
        if "start_date" in initial:
            initial.setdefault("start_time", _first_time(initial["start_date"]))
            if "end_date" not in initial:
                end = datetime.combine(initial["start_date"], initial["start_time"]) + timedelta(days=1)
                initial["end_date"] = end.date()
                initial.setdefault("end_time", end.time())
            initial.setdefault("end_time", initial["start_time"])
        return initial


class ExtendForm(forms.Form):
    """A new return time for a loan, in Oslo time."""

    end_date = forms.DateField(
        label=_("New return date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_time = forms.TimeField(
        label=_("New return time"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        day, at = data.get("end_date"), data.get("end_time")
        if day is not None and at is not None:
            this_year = timezone.localdate().year
            moment = local_moment(day, at) if this_year - 1 <= day.year <= this_year + YEARS_AHEAD else None
            if moment is None:
                self.add_error("end_date", _("Choose a time that exists, within the coming years."))
            data["end"] = moment
        return data


class ExtendAllForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Extend all my current loans by"),
        coerce=int,
        choices=[(n, n) for n in range(1, 8)],
    )
