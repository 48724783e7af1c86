"""Opening hours: weekly intervals and dated exceptions, evaluated in Europe/Oslo.

One component for every app with opening hours (repairers now, lending hubs next). This module
is pure Python; the abstract models are in places.models, the form in places.forms, the SQL
condition for "open now" in `open_at_condition` below and the template in
templates/components/opening_hours.html. See docs/decisions/0014-opening-hours.md.

Rules:
- An interval belongs to the day it opens. `closes <= opens` means it closes the next day
  (22:00–02:00); 00:00–00:00 means the whole day.
- An exception covers whole dates (start_date..end_date). On a covered date the weekly
  intervals of that date do not apply: the date is closed (an exception without times) or has
  the special intervals of the exceptions covering it. Closed wins over special hours. An
  interval from the evening before still ends as planned (it belongs to that day).
- Wall times become instants the way PostgreSQL's `AT TIME ZONE` does it, so Python and SQL
  agree: a time that does not exist (02:30 on the last Sunday of March) is read with the offset
  before the change (it becomes 03:30 summer time), a time that happens twice (02:30 on the last
  Sunday of October) is the second one (winter time).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, DateField, DateTimeField, Exists, F, Func, OuterRef, Q, Value, When
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ZONE_NAME = "Europe/Oslo"
ZONE = ZoneInfo(ZONE_NAME)
CLOSES_SOON = timedelta(minutes=30)
# How far ahead "opens at …" looks (a long holiday closure still finds its reopening).
LOOKAHEAD_DAYS = 120
MIDNIGHT = time(0, 0)

WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


@dataclass(frozen=True, order=True)
class Interval:
    """Open from `opens` to `closes` on `weekday` (0 = Monday), wall-clock times."""

    weekday: int
    opens: time
    closes: time

    @property
    def crosses_midnight(self) -> bool:
        return self.closes <= self.opens


@dataclass(frozen=True)
class HoursException:
    """Dates `start`..`end` (inclusive) are closed (`hours` empty) or open only `hours`."""

    start: date
    end: date
    hours: tuple[tuple[time, time], ...] = ()
    note: str = ""

    @property
    def closed(self) -> bool:
        return not self.hours

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def _merge_touching(hours: list[tuple[time, time]]) -> list[tuple[time, time]]:
    """10–18 and 18–20 on the same day read as 10–20 (intervals past midnight stay as they are)."""
    merged: list[tuple[time, time]] = []
    for opens, closes in sorted(hours):
        if merged and merged[-1][1] == opens and not merged[-1][1] <= merged[-1][0] and opens != MIDNIGHT:
            merged[-1] = (merged[-1][0], closes)
        else:
            merged.append((opens, closes))
    return merged


def local_instant(day: date, at: time) -> datetime:
    """The instant (in UTC) of a wall time in Oslo, resolved like PostgreSQL's AT TIME ZONE.
    UTC, because Python compares two datetimes of the same zone by wall time and ignores
    `fold`: instants in one zone are not safe to sort or subtract across a DST change."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=ZONE, fold=0)
    in_gap = first.astimezone(UTC).astimezone(ZONE).replace(tzinfo=None) != naive
    return (first if in_gap else naive.replace(tzinfo=ZONE, fold=1)).astimezone(UTC)


def _span(day: date, opens: time, closes: time) -> tuple[datetime, datetime]:
    end_day = day + timedelta(days=1) if closes <= opens else day
    return local_instant(day, opens), local_instant(end_day, closes)


@dataclass(frozen=True)
class OpeningState:
    """What a visitor needs to know at `at`: open or not, until when, or when it opens next.
    Instants are aware, in UTC (convert to ZONE to show them); `opens_at` is None when nothing opens within
    LOOKAHEAD_DAYS (or no hours are known)."""

    at: datetime
    is_open: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    has_hours: bool = True

    @property
    def closes_soon(self) -> bool:
        return self.is_open and self.closes_at is not None and self.closes_at - self.at <= CLOSES_SOON

    @property
    def label(self) -> str:
        """One line for cards and pages: "Open until 17:00", "Closes soon (17:00)",
        "Closed – opens tomorrow at 10:00", "Closed – opens Monday at 10:00"."""
        if not self.has_hours:
            return _("Opening hours not given")
        if self.is_open:
            if self.closes_at is None:
                return _("Open")
            when = self._when(self.closes_at)
            if self.closes_soon:
                return _("Closes soon (%(when)s)") % {"when": when}
            return _("Open until %(when)s") % {"when": when}
        if self.opens_at is None:
            return _("Closed")
        return _("Closed – opens %(when)s") % {"when": self._when(self.opens_at, prefix=True)}

    def _when(self, instant: datetime, *, prefix: bool = False) -> str:
        local = instant.astimezone(ZONE)
        clock = local.strftime("%H:%M")
        days = (local.date() - self.at.astimezone(ZONE).date()).days
        if days == 0:
            return _("at %(time)s") % {"time": clock} if prefix else clock
        if days == 1:
            return _("tomorrow at %(time)s") % {"time": clock}
        if days < 7:
            return _("%(weekday)s at %(time)s") % {"weekday": WEEKDAYS[local.weekday()], "time": clock}
        return _("%(date)s at %(time)s") % {"date": formats.date_format(local.date(), "j. F"), "time": clock}


@dataclass(frozen=True)
class OpeningHours:
    weekly: tuple[Interval, ...] = ()
    exceptions: tuple[HoursException, ...] = field(default=())

    @classmethod
    def from_rows(cls, weekly: Iterable, exceptions: Iterable = ()) -> "OpeningHours":
        """From model rows (subclasses of places.models.WeeklyHoursBase and
        HoursExceptionBase): exception rows with the same dates and times add intervals."""
        return cls(
            weekly=tuple(sorted(Interval(r.weekday, r.opens, r.closes) for r in weekly)),
            exceptions=tuple(
                HoursException(
                    start=r.start_date,
                    end=r.end_date,
                    hours=((r.opens, r.closes),) if r.opens is not None and r.closes is not None else (),
                    note=r.note,
                )
                for r in exceptions
            ),
        )

    @property
    def has_hours(self) -> bool:
        return bool(self.weekly or any(not e.closed for e in self.exceptions))

    def hours_on(self, day: date) -> list[tuple[time, time]]:
        """The wall-clock intervals that open on `day` (after exceptions), in order."""
        covering = [e for e in self.exceptions if e.covers(day)]
        if covering:
            if any(e.closed for e in covering):
                return []
            return sorted(h for e in covering for h in e.hours)
        return [(i.opens, i.closes) for i in self.weekly if i.weekday == day.weekday()]

    def spans(self, first: date, last: date) -> list[tuple[datetime, datetime]]:
        """Instants open, from intervals opening on `first`..`last`, overlapping or touching
        ones merged (22:00–24:00 followed by 00:00–02:00 is one span)."""
        raw = []
        day = first
        while day <= last:
            raw += [_span(day, opens, closes) for opens, closes in self.hours_on(day)]
            day += timedelta(days=1)
        merged: list[list[datetime]] = []
        for start, end in sorted(raw):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(s, e) for s, e in merged]

    def state_at(self, at: datetime) -> OpeningState:
        """Open or closed at the aware instant `at`, with the closing or next opening."""
        if at.tzinfo is None:
            raise ValueError("state_at needs an aware datetime")
        if not self.has_hours:
            return OpeningState(at=at, is_open=False, has_hours=False)
        today = at.astimezone(ZONE).date()
        # A week is usually enough; the whole horizon only when the answer may lie beyond it.
        for last in (today + timedelta(days=7), today + timedelta(days=LOOKAHEAD_DAYS)):
            # Intervals opening after `last` start at or after this instant.
            beyond = local_instant(last + timedelta(days=1), MIDNIGHT)
            for start, end in self.spans(today - timedelta(days=1), last):
                if start <= at < end:
                    if end < beyond:
                        return OpeningState(at=at, is_open=True, closes_at=end)
                    break
                if start > at:
                    return OpeningState(at=at, is_open=False, opens_at=start)
        if self.is_open_in(today, at):
            return OpeningState(at=at, is_open=True, closes_at=None)  # open past the horizon
        return OpeningState(at=at, is_open=False)

    def is_open_in(self, today: date, at: datetime) -> bool:
        return any(s <= at < e for s, e in self.spans(today - timedelta(days=1), today))

    def is_open_at(self, at: datetime) -> bool:
        return self.is_open_in(at.astimezone(ZONE).date(), at)

    def week_table(self, today: date) -> list[dict]:
        """Rows for the weekly table (Monday first): name, intervals and whether it is today."""
        return [
            {
                "weekday": weekday,
                "name": WEEKDAYS[weekday],
                "hours": _merge_touching([(i.opens, i.closes) for i in self.weekly if i.weekday == weekday]),
                "is_today": weekday == today.weekday(),
            }
            for weekday in range(7)
        ]

    def upcoming_exceptions(self, today: date, *, days: int = 60) -> list[HoursException]:
        """Exceptions that are current or start within `days`, soonest first."""
        until = today + timedelta(days=days)
        return sorted(
            (e for e in self.exceptions if e.end >= today and e.start <= until),
            key=lambda e: (e.start, e.hours),
        )


# --- SQL -----------------------------------------------------------------------------------------


class _AtZone(Func):
    """(date + time) AT TIME ZONE 'Europe/Oslo': a wall time in Oslo as timestamptz."""

    arg_joiner = " + "
    template = f"((%(expressions)s) AT TIME ZONE '{ZONE_NAME}')"
    output_field = DateTimeField()


def _open_spans(rows, day: date, at: datetime):
    """The rows whose interval opening on `day` contains the instant `at`."""
    close_day = Case(
        When(closes__lte=F("opens"), then=Value(day + timedelta(days=1))),
        default=Value(day),
        output_field=DateField(),
    )
    return rows.annotate(
        _opens_at=_AtZone(Value(day, output_field=DateField()), F("opens")),
        _closes_at=_AtZone(close_day, F("closes")),
    ).filter(_opens_at__lte=at, _closes_at__gt=at)


def open_at_condition(*, weekly_model, exception_model, owner_field: str, at: datetime) -> Q:
    """A condition on the owners' queryset: open at the instant `at`, by the rules above.
    `owner_field` is the name of the rows' foreign key to the owner. Index-backed Exists
    subqueries for the two days whose intervals can contain `at` (today, and yesterday's
    intervals across midnight)."""
    today = at.astimezone(ZONE).date()
    condition = Q(pk__in=[])
    for day in (today - timedelta(days=1), today):
        mine = {owner_field: OuterRef("pk")}
        exceptions = exception_model.objects.filter(**mine, start_date__lte=day, end_date__gte=day)
        covered = Exists(exceptions)
        closed = Exists(exceptions.filter(opens__isnull=True))
        weekly_open = Exists(_open_spans(weekly_model.objects.filter(**mine, weekday=day.weekday()), day, at))
        special_open = Exists(_open_spans(exceptions.filter(opens__isnull=False), day, at))
        condition |= (~covered & weekly_open) | (covered & ~closed & special_open)
    return condition


def format_hours(hours: list[tuple[time, time]]) -> str:
    """ "08:00–16:00, 18:00–20:00" or "Closed"."""
    if not hours:
        return _("Closed")
    return ", ".join(_format_interval(opens, closes) for opens, closes in hours)


def _format_interval(opens: time, closes: time) -> str:
    if opens == closes == MIDNIGHT:
        return _("Open all day")
    end = "24:00" if closes == MIDNIGHT else closes.strftime("%H:%M")
    return f"{opens:%H:%M}–{end}"


# --- Parsing what people type --------------------------------------------------------------------

_INTERVAL = re.compile(
    r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?\s*(?:-|–|—|til|to)\s*(\d{1,2})(?:[:.](\d{2}))?\s*$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:,|;|\bog\b|\band\b|\+)\s*", re.IGNORECASE)
_CLOSED_WORDS = {"", "-", "stengt", "closed"}
# What format_hours writes for a whole day, so that hours shown in a form read back.
_ALL_DAY_WORDS = {"open all day", "åpen hele døgnet", "åpent hele døgnet", "døgnåpent"}


class HoursSyntaxError(ValueError):
    """Text that is not a list of intervals; the message is for the user."""


def _clock(hours: str, minutes: str | None, *, closing: bool) -> time:
    h, m = int(hours), int(minutes or 0)
    if h == 24 and m == 0 and closing:
        return MIDNIGHT
    if h > 23 or m > 59:
        raise HoursSyntaxError(
            _("“%(value)s” is not a time of day.") % {"value": f"{hours}:{minutes or '00'}"}
        )
    return time(h, m)


def parse_day_hours(text: str) -> list[tuple[time, time]]:
    """ "08:00–16:00, 18–20" -> [(08:00, 16:00), (18:00, 20:00)]; empty or "stengt" -> [].
    "22–02" closes the next day, "00–24" is the whole day."""
    text = (text or "").strip()
    if text.lower() in _CLOSED_WORDS:
        return []
    intervals = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        if part.strip().lower() in _ALL_DAY_WORDS | {str(_("Open all day")).lower()}:
            intervals.append((MIDNIGHT, MIDNIGHT))
            continue
        match = _INTERVAL.match(part)
        if match is None:
            raise HoursSyntaxError(
                _("Write the hours as for example 08:00–16:00, or several like 10–14, 16–18.")
            )
        opens = _clock(match.group(1), match.group(2), closing=False)
        closes = _clock(match.group(3), match.group(4), closing=True)
        if opens == closes and opens != MIDNIGHT:
            raise HoursSyntaxError(
                _("%(interval)s opens and closes at the same time.") % {"interval": part.strip()}
            )
        intervals.append((opens, closes))
    return sorted(intervals)


def _week_minutes(weekday: int, opens: time, closes: time) -> tuple[int, int]:
    start = weekday * 1440 + opens.hour * 60 + opens.minute
    length = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    if length <= 0:
        length += 1440
    return start, start + length


def weekly_overlaps(intervals: Iterable[Interval]) -> list[tuple[Interval, Interval]]:
    """Pairs of weekly intervals that overlap (touching is fine), Sunday night into Monday
    included."""
    week = 7 * 1440
    spans = [(i, *_week_minutes(i.weekday, i.opens, i.closes)) for i in intervals]
    clashes = []
    for n, (a, a_start, a_end) in enumerate(spans):
        for b, b_start, b_end in spans[n + 1 :]:
            for shift in (-week, 0, week):
                if a_start < b_end + shift and b_start + shift < a_end:
                    clashes.append((a, b))
                    break
    return clashes


# --- Display ------------------------------------------------------------------------------------


def _date_range(start: date, end: date) -> str:
    if start == end:
        return formats.date_format(start, "l j. F")
    return f"{formats.date_format(start, 'j. F')} – {formats.date_format(end, 'j. F Y')}"


def display(hours: OpeningHours, at: datetime) -> dict:
    """What templates/components/opening_hours.html shows: the state at `at`, the week with
    today marked, and the exceptions of the next 60 days (rows with the same dates merged)."""
    today = at.astimezone(ZONE).date()
    merged: dict[tuple[date, date], dict] = {}
    for exception in hours.upcoming_exceptions(today):
        row = merged.setdefault(
            (exception.start, exception.end),
            {"dates": _date_range(exception.start, exception.end), "hours": [], "closed": False, "notes": []},
        )
        row["closed"] = row["closed"] or exception.closed
        row["hours"] += list(exception.hours)
        if exception.note and exception.note not in row["notes"]:
            row["notes"].append(exception.note)
    exceptions = [
        {
            "dates": row["dates"],
            "text": _("Closed") if row["closed"] else format_hours(sorted(row["hours"])),
            "note": ", ".join(row["notes"]),
            "current": start <= today,
        }
        for (start, _end), row in merged.items()
    ]
    return {
        "state": hours.state_at(at),
        "week": [{**row, "text": format_hours(row["hours"])} for row in hours.week_table(today)],
        "exceptions": exceptions,
        "has_hours": hours.has_hours,
    }
