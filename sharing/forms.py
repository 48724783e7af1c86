"""The booking form: a period in Oslo time (a date and a time for each end), the pledge and the
proof where the item asks for them. The rules themselves are the service's."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
from catalog.selectors import category_choices
from core.forms import MultiplePhotosField, SafeTextMixin
from places.geo import GeoParamError, make_point, parse_near
from places.models import Place
from sharing.models import MAX_ITEM_PHOTOS, MAX_RETURN_PHOTOS, Item, Reservation
from sharing.services import ItemData

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


class BookingForm(SafeTextMixin, forms.Form):
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


# --- Check-out and check-in (the hub's staff or the personal owner) -------------------------------


class CheckOutForm(SafeTextMixin, forms.Form):
    """Hand a booked unit out: which unit, the accessories that go with it, the proof seen."""

    unit = forms.ModelChoiceField(label=_("Unit handed out"), queryset=None, empty_label=None)
    accessories = forms.MultipleChoiceField(
        label=_("Accessories handed out"), required=False, widget=forms.CheckboxSelectMultiple
    )
    proof_verified = forms.BooleanField(required=False)

    def __init__(self, *args, reservation, units, **kwargs):
        super().__init__(*args, **kwargs)
        item = reservation.item
        self.fields["unit"].queryset = units
        self.fields["unit"].initial = reservation.unit_id
        self.fields["unit"].help_text = _(
            "The booked unit, or another one that is free for the whole booking."
        )
        if item.accessories:
            self.fields["accessories"].choices = [(a, a) for a in item.accessories]
            self.fields["accessories"].initial = list(item.accessories)
        else:
            del self.fields["accessories"]
        if item.required_proof:
            self.fields["proof_verified"].label = _("I have checked the borrower's %(proof)s") % {
                "proof": item.required_proof
            }
        else:
            del self.fields["proof_verified"]


class CheckInForm(SafeTextMixin, forms.Form):
    """Take a unit back: its condition, notes and photos, the accessories returned and, for an
    item with a pledge, what came of it."""

    condition = forms.ChoiceField(
        label=_("Condition"), choices=Reservation.Condition.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is worn, damaged or missing."),
    )
    accessories = forms.MultipleChoiceField(
        label=_("Accessories returned"), required=False, widget=forms.CheckboxSelectMultiple
    )
    photos = MultiplePhotosField(
        label=_("Photos"),
        required=False,
        room=MAX_RETURN_PHOTOS,
        help_text=_("Up to 8 photos of the condition (JPEG, PNG, WebP or HEIC, up to 15 MB each)."),
    )
    pledge_bags = forms.IntegerField(
        label=_("Bags of litter collected"), min_value=0, max_value=10_000, required=False
    )
    pledge_kg = forms.DecimalField(
        label=_("Kilograms of litter collected"),
        min_value=0,
        max_value=10_000,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )

    def __init__(self, *args, reservation, **kwargs):
        super().__init__(*args, **kwargs)
        item = reservation.item
        if item.accessories:
            self.fields["accessories"].choices = [(a, a) for a in item.accessories]
            self.fields["accessories"].initial = list(reservation.accessories_out or item.accessories)
        else:
            del self.fields["accessories"]
        if item.pledge:
            self.fields["pledge_bags"].help_text = _("The pledge: %(pledge)s") % {"pledge": item.pledge}
        else:
            del self.fields["pledge_bags"]
            del self.fields["pledge_kg"]


class ReferForm(SafeTextMixin, forms.Form):
    """Ask one of the suggested repairers about a damaged unit."""

    repairer = forms.TypedChoiceField(label=_("Repairer"), coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Message to the repairer"),
        max_length=800,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, repairers, **kwargs):
        super().__init__(*args, **kwargs)
        self.repairers = {r.pk: r for r in repairers}
        self.fields["repairer"].choices = [(r.pk, r.name) for r in repairers]

    def clean_repairer(self):
        return self.repairers[self.cleaned_data["repairer"]]


class ReportPeriodForm(forms.Form):
    """The utilisation report's window: from one Oslo date to another (inclusive)."""

    MAX_DAYS = 366 * 2

    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end must be on or after the start."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", _("Choose at most two years."))
            elif not (start.year >= 2000 and end.year <= timezone.localdate().year + YEARS_AHEAD):
                self.add_error("start", _("Choose dates within the coming years."))
        return data


# --- A resident's own items ------------------------------------------------------------------------


class ItemForm(SafeTextMixin, forms.Form):
    """Create or edit one's own item. The location is an area (the home area by default; works
    without JavaScript) or a point from the map (static/js/location-picker.js): the point is
    kept private, others see a point about 250 m away."""

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )
    category = forms.ChoiceField(label=_("Category"))
    max_loan_days = forms.IntegerField(label=_("Longest loan (days)"), min_value=1, max_value=90, initial=7)
    min_notice_hours = forms.IntegerField(
        label=_("Minimum notice (hours)"), min_value=0, max_value=24 * 30, initial=0, required=False
    )
    deposit = forms.CharField(
        label=_("Deposit"),
        max_length=200,
        required=False,
        help_text=_("Agreed when it is picked up, for example “200 kr in cash”. Sirkel handles no payments."),
    )
    age_limit = forms.IntegerField(label=_("Minimum age"), min_value=1, max_value=99, required=False)
    required_proof = forms.CharField(
        label=_("Proof the borrower needs"),
        max_length=200,
        required=False,
        help_text=_("For example a wet card (våttkort): confirmed when booking, checked at pickup."),
    )
    accessories = forms.CharField(
        label=_("Accessories"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: what comes with it and is checked at pickup and return."),
    )
    pledge = forms.CharField(
        label=_("Pledge"),
        max_length=300,
        required=False,
        help_text=_("What the borrower promises in return, for example to pick up litter on the way."),
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
    photos = MultiplePhotosField(
        label=_("Photos"),
        required=False,
        room=MAX_ITEM_PHOTOS,
        help_text=_(
            "Up to 8 photos (JPEG, PNG, WebP or HEIC, up to 15 MB each). The first one is the cover."
        ),
    )

    def __init__(
        self,
        *args,
        home_place: Place | None = None,
        with_photos: bool = True,
        editing: bool = False,
        hub_item: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not with_photos:
            del self.fields["photos"]
        self.editing = editing
        self.hub_item = hub_item
        if hub_item:
            # A hub's item is where the hub is; its staff choose whether bookings wait for them.
            del self.fields["place"], self.fields["point"]
            self.fields["requires_approval"] = forms.BooleanField(
                label=_("Bookings wait for the staff's approval"), required=False
            )
        elif editing:
            self.fields["place"].help_text = _("Leave it empty to keep where the item is now.")
        self.fields["category"].choices = [("", _("Choose a category"))] + category_choices()
        if home_place is not None and not self.is_bound and not editing:
            self.initial.setdefault("place", home_place.name)

    def clean_category(self):
        category = Category.objects.filter(slug=self.cleaned_data["category"]).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category."))
        return category

    def clean_accessories(self):
        lines = [line.strip()[:80] for line in self.cleaned_data["accessories"].splitlines()]
        unique = list(dict.fromkeys(line for line in lines if line))
        if len(unique) > 30:
            raise forms.ValidationError(_("List at most 30 accessories."))
        return tuple(unique)

    def clean(self):
        data = super().clean()
        data["location"] = None
        if self.hub_item:
            return data
        if data.get("point"):
            try:
                data["location"] = parse_near(data["point"])
            except GeoParamError:
                self.add_error(
                    "place", _("The point from the map could not be read; choose an area instead.")
                )
        elif data.get("place"):
            data["location"] = make_point(data["place"].lat, data["place"].lon)
        elif not self.editing and "place" not in self.errors:
            self.add_error("place", _("Choose an area, or pick a point on the map."))
        return data

    def item_data(self) -> ItemData:
        data = self.cleaned_data
        return ItemData(
            title=data["title"].strip(),
            category=data["category"],
            description=data["description"],
            max_loan_days=data["max_loan_days"],
            min_notice_hours=data.get("min_notice_hours") or 0,
            deposit=data["deposit"],
            age_limit=data.get("age_limit"),
            required_proof=data["required_proof"],
            accessories=data["accessories"],
            pledge=data["pledge"],
            requires_approval=data.get("requires_approval", False),
        )

    @classmethod
    def initial_of(cls, item: Item) -> dict:
        return {
            "title": item.title,
            "description": item.description,
            "category": item.category.slug,
            "max_loan_days": item.max_loan_days,
            "min_notice_hours": item.min_notice_hours,
            "deposit": item.deposit,
            "age_limit": item.age_limit,
            "required_proof": item.required_proof,
            "accessories": "\n".join(item.accessories),
            "pledge": item.pledge,
            "requires_approval": item.requires_approval,
        }


class PhotoUploadForm(forms.Form):
    photos = MultiplePhotosField(
        label=_("Add photos"), help_text=_("JPEG, PNG, WebP or HEIC, up to 15 MB each.")
    )

    def __init__(self, *args, room: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room
        self.fields["photos"].room = room
