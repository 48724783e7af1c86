"""Forms for the shared opening hours (places.opening_hours): the week as seven text fields
("08:00–16:00, 18–20"), which works without JavaScript and reads well with a screen reader,
and a formset of dated exceptions. Apps bind them to their own concrete models."""

from django import forms
from django.forms import BaseModelFormSet
from django.utils.translation import gettext_lazy as _

from core.forms import SafeTextMixin
from places.opening_hours import (
    WEEKDAYS,
    HoursSyntaxError,
    Interval,
    format_hours,
    parse_day_hours,
    weekly_overlaps,
)

DAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class WeeklyHoursForm(forms.Form):
    """Seven fields, Monday first; an empty field is a closed day. `intervals()` gives the
    cleaned week as places.opening_hours.Interval values."""

    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, name in enumerate(DAY_FIELDS):
            self.fields[name] = forms.CharField(
                label=WEEKDAYS[weekday],
                required=False,
                max_length=100,
                help_text=_("For example 08:00–16:00, or 10–14, 16–18. Empty: closed.")
                if weekday == 0
                else "",
            )
        if rows is not None and not self.is_bound:
            for weekday, name in enumerate(DAY_FIELDS):
                hours = [(r.opens, r.closes) for r in rows if r.weekday == weekday]
                self.initial[name] = format_hours(hours) if hours else ""

    def clean(self):
        data = super().clean()
        week = []
        for weekday, name in enumerate(DAY_FIELDS):
            if name not in data:
                continue
            try:
                hours = parse_day_hours(data[name])
            except HoursSyntaxError as error:
                self.add_error(name, str(error))
                continue
            week += [Interval(weekday, opens, closes) for opens, closes in hours]
        for a, b in weekly_overlaps(week):
            self.add_error(
                DAY_FIELDS[b.weekday],
                _("%(a)s and %(b)s overlap.")
                % {
                    "a": f"{WEEKDAYS[a.weekday]} {format_hours([(a.opens, a.closes)])}",
                    "b": f"{WEEKDAYS[b.weekday]} {format_hours([(b.opens, b.closes)])}",
                },
            )
        data["intervals"] = sorted(week)
        return data

    def intervals(self) -> list[Interval]:
        return self.cleaned_data["intervals"]


class HoursExceptionForm(SafeTextMixin, forms.ModelForm):
    """One exception: dates, and either closed or special hours. Bind to a concrete model with
    `modelformset_factory(Model, form=HoursExceptionForm, formset=BaseHoursExceptionFormSet)`."""

    closed = forms.BooleanField(label=_("Closed all day"), required=False)

    class Meta:
        fields = ("start_date", "end_date", "closed", "opens", "closes", "note")
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = False
        self.fields["end_date"].help_text = _("Empty: the same day.")
        if self.instance.pk and not self.is_bound:
            self.initial["closed"] = self.instance.opens is None

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and not end:
            data["end_date"] = end = start
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first."))
        opens, closes = data.get("opens"), data.get("closes")
        if data.get("closed"):
            data["opens"] = data["closes"] = None
        elif opens is None or closes is None:
            self.add_error("opens", _("Tick “closed all day” or give both opening and closing times."))
        elif opens == closes:
            self.add_error("closes", _("The closing time must differ from the opening time."))
        return data

    def save(self, commit=True):
        self.instance.end_date = self.cleaned_data["end_date"]
        self.instance.opens = self.cleaned_data.get("opens")
        self.instance.closes = self.cleaned_data.get("closes")
        return super().save(commit=commit)


class BaseHoursExceptionFormSet(BaseModelFormSet):
    """Refuses a date that is both closed and open in two rows, and special hours that
    overlap on the same date."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("start_date")
        ]
        for n, a in enumerate(rows):
            for b in rows[n + 1 :]:
                if a["start_date"] > b["end_date"] or b["start_date"] > a["end_date"]:
                    continue
                if (a["opens"] is None) != (b["opens"] is None):
                    raise forms.ValidationError(
                        _("%(date)s is both closed and open: remove one of the two rows.")
                        % {"date": max(a["start_date"], b["start_date"]).strftime("%d.%m.%Y")}
                    )
                if a["opens"] is not None:
                    clash = weekly_overlaps(
                        [Interval(0, a["opens"], a["closes"]), Interval(0, b["opens"], b["closes"])]
                    )
                    if clash:
                        raise forms.ValidationError(
                            _("Special hours on %(date)s overlap.")
                            % {"date": max(a["start_date"], b["start_date"]).strftime("%d.%m.%Y")}
                        )
