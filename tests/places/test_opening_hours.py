"""The shared opening hours logic: boundaries, midnight, exceptions and both DST changes."""

from datetime import UTC, date, datetime, time

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from places.forms import WeeklyHoursForm
from places.opening_hours import (
    ZONE,
    HoursException,
    HoursSyntaxError,
    Interval,
    OpeningHours,
    display,
    local_instant,
    parse_day_hours,
    weekly_overlaps,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def special(day: date, *hours, last: date | None = None) -> HoursException:
    """Exception from `day` (to `last`): closed without hours, else open only those hours."""
    return HoursException(start=day, end=last or day, hours=tuple(hours))


def oslo(*args) -> datetime:
    """An Oslo wall time that exists once (tests of ambiguous times use UTC)."""
    return datetime(*args, tzinfo=ZONE)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def weekdays(opens: time, closes: time, days=(MON, TUE, WED, THU, FRI)) -> tuple[Interval, ...]:
    return tuple(Interval(d, opens, closes) for d in days)


OFFICE = OpeningHours(weekly=weekdays(time(9), time(17)))
# 2026-12-07 is a Monday.
MONDAY = date(2026, 12, 7)


def test_opens_exactly_at_the_opening_time():
    assert not OFFICE.is_open_at(oslo(2026, 12, 7, 8, 59, 59))
    assert OFFICE.is_open_at(oslo(2026, 12, 7, 9, 0))


def test_closed_exactly_at_the_closing_time():
    assert OFFICE.is_open_at(oslo(2026, 12, 7, 16, 59, 59))
    assert not OFFICE.is_open_at(oslo(2026, 12, 7, 17, 0))


def test_state_says_when_it_closes_and_closes_soon_within_30_minutes():
    state = OFFICE.state_at(oslo(2026, 12, 7, 12, 0))
    assert state.is_open and state.closes_at == oslo(2026, 12, 7, 17, 0)
    assert not state.closes_soon and state.label == "Open until 17:00"
    soon = OFFICE.state_at(oslo(2026, 12, 7, 16, 30))
    assert soon.closes_soon and soon.label == "Closes soon (17:00)"
    assert not OFFICE.state_at(oslo(2026, 12, 7, 16, 29)).closes_soon


def test_next_opening_later_today_tomorrow_and_after_the_weekend():
    assert OFFICE.state_at(oslo(2026, 12, 7, 7, 0)).label == "Closed – opens at 09:00"
    evening = OFFICE.state_at(oslo(2026, 12, 7, 18, 0))
    assert not evening.is_open and evening.opens_at == oslo(2026, 12, 8, 9, 0)
    assert evening.label == "Closed – opens tomorrow at 09:00"
    saturday = OFFICE.state_at(oslo(2026, 12, 12, 10, 0))
    assert saturday.opens_at == oslo(2026, 12, 14, 9, 0)
    assert saturday.label == "Closed – opens Monday at 09:00"


def test_several_intervals_a_day_with_a_lunch_break():
    hours = OpeningHours(weekly=(Interval(MON, time(10), time(12)), Interval(MON, time(13), time(18))))
    assert hours.is_open_at(oslo(2026, 12, 7, 11, 0))
    lunch = hours.state_at(oslo(2026, 12, 7, 12, 0))
    assert not lunch.is_open and lunch.opens_at == oslo(2026, 12, 7, 13, 0)
    assert hours.is_open_at(oslo(2026, 12, 7, 13, 0))


def test_interval_across_midnight_belongs_to_the_day_it_opens():
    # Friday 22:00 to Saturday 02:00, nothing else.
    hours = OpeningHours(weekly=(Interval(FRI, time(22), time(2)),))
    assert not hours.is_open_at(oslo(2026, 12, 11, 21, 59))
    assert hours.is_open_at(oslo(2026, 12, 11, 23, 30))
    state = hours.state_at(oslo(2026, 12, 12, 1, 45))  # Saturday night
    assert state.is_open and state.closes_at == oslo(2026, 12, 12, 2, 0) and state.closes_soon
    assert not hours.is_open_at(oslo(2026, 12, 12, 2, 0))
    # Thursday night is not open: the interval is Friday's.
    assert not hours.is_open_at(oslo(2026, 12, 11, 1, 0))


def test_sunday_night_into_monday_wraps_the_week():
    hours = OpeningHours(weekly=(Interval(SUN, time(20), time(3)),))
    assert hours.is_open_at(oslo(2026, 12, 7, 2, 0))  # Monday 02:00


def test_touching_intervals_merge_into_one_closing_time():
    hours = OpeningHours(weekly=(Interval(MON, time(18), time(0)), Interval(TUE, time(0), time(2))))
    state = hours.state_at(oslo(2026, 12, 7, 23, 0))
    assert state.closes_at == oslo(2026, 12, 8, 2, 0)


def test_open_all_day_every_day_has_no_closing_time():
    hours = OpeningHours(weekly=tuple(Interval(d, time(0), time(0)) for d in range(7)))
    state = hours.state_at(oslo(2026, 12, 7, 3, 0))
    assert state.is_open and state.closes_at is None and state.label == "Open"


def test_no_hours_at_all():
    state = OpeningHours().state_at(oslo(2026, 12, 7, 12, 0))
    assert not state.is_open and not state.has_hours and state.label == "Opening hours not given"


def test_a_closed_exception_overrides_the_weekly_hours():
    hours = OpeningHours(
        weekly=OFFICE.weekly,
        exceptions=(HoursException(start=date(2026, 12, 24), end=date(2026, 12, 27), note="Christmas"),),
    )
    assert not hours.is_open_at(oslo(2026, 12, 24, 12, 0))  # a Thursday
    state = hours.state_at(oslo(2026, 12, 24, 12, 0))
    assert state.opens_at == oslo(2026, 12, 28, 9, 0)
    assert hours.is_open_at(oslo(2026, 12, 23, 12, 0))


def test_special_hours_replace_the_weekly_hours_on_that_date():
    hours = OpeningHours(
        weekly=OFFICE.weekly,
        exceptions=(special(date(2026, 12, 23), (time(10), time(14))),),
    )
    assert not hours.is_open_at(oslo(2026, 12, 23, 9, 30))
    state = hours.state_at(oslo(2026, 12, 23, 13, 0))
    assert state.is_open and state.closes_at == oslo(2026, 12, 23, 14, 0)
    assert not hours.is_open_at(oslo(2026, 12, 23, 15, 0))


def test_special_hours_open_a_day_that_is_closed_every_week():
    hours = OpeningHours(
        weekly=OFFICE.weekly,
        exceptions=(special(date(2026, 12, 13), (time(12), time(16))),),
    )
    assert hours.is_open_at(oslo(2026, 12, 13, 12, 0))  # a Sunday


def test_closed_wins_over_special_hours_on_the_same_date():
    day = date(2026, 12, 23)
    hours = OpeningHours(
        weekly=OFFICE.weekly,
        exceptions=(special(day, (time(10), time(14))), special(day)),
    )
    assert not hours.is_open_at(oslo(2026, 12, 23, 11, 0))


def test_a_closed_day_does_not_cut_the_night_before():
    hours = OpeningHours(
        weekly=(Interval(FRI, time(22), time(2)),),
        exceptions=(HoursException(start=date(2026, 12, 12), end=date(2026, 12, 12)),),
    )
    assert hours.is_open_at(oslo(2026, 12, 12, 1, 0))


def test_a_long_closure_finds_the_reopening_weeks_ahead():
    hours = OpeningHours(
        weekly=OFFICE.weekly,
        exceptions=(HoursException(start=date(2026, 7, 1), end=date(2026, 8, 2), note="Summer"),),
    )
    state = hours.state_at(oslo(2026, 7, 6, 12, 0))
    assert state.opens_at == oslo(2026, 8, 3, 9, 0)
    assert state.label == "Closed – opens 3. August at 09:00"


# --- DST: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET ---------------


def test_spring_forward_night_interval_closes_at_the_wall_time():
    # Saturday 28 March 22:00 to Sunday 02:00 (02:00 does not exist that night: the clocks jump
    # from 02:00 to 03:00, so it closes at the jump, after three hours).
    hours = OpeningHours(weekly=(Interval(SAT, time(22), time(2)),))
    assert hours.is_open_at(utc(2026, 3, 29, 0, 59))  # 01:59 CET
    assert not hours.is_open_at(utc(2026, 3, 29, 1, 0))  # 03:00 CEST
    state = hours.state_at(utc(2026, 3, 28, 23, 0))
    assert state.closes_at == utc(2026, 3, 29, 1, 0)


def test_spring_forward_day_hours_keep_their_wall_times():
    hours = OpeningHours(weekly=(Interval(SUN, time(10), time(16)),))
    assert not hours.is_open_at(utc(2026, 3, 29, 7, 59))  # 09:59 CEST
    assert hours.is_open_at(utc(2026, 3, 29, 8, 0))  # 10:00 CEST
    assert not hours.is_open_at(utc(2026, 3, 29, 14, 0))  # 16:00 CEST
    # The Sunday before, in winter time, 10:00 is 09:00 UTC.
    assert not hours.is_open_at(utc(2026, 3, 22, 8, 30))


def test_a_time_inside_the_spring_gap_opens_an_hour_later_on_the_clock():
    # 02:30 does not exist on 29 March: read as 02:30 winter time, which is 03:30 summer time.
    hours = OpeningHours(weekly=(Interval(SUN, time(2, 30), time(6)),))
    assert not hours.is_open_at(utc(2026, 3, 29, 1, 15))  # 03:15 CEST
    assert hours.is_open_at(utc(2026, 3, 29, 1, 30))  # 03:30 CEST
    assert local_instant(date(2026, 3, 29), time(2, 30)) == utc(2026, 3, 29, 1, 30)


def test_fall_back_night_does_not_reopen_when_the_clock_repeats():
    # Saturday 24 October 22:00 to Sunday 02:30. 02:00–03:00 happens twice; closing is at the
    # second 02:30 (winter time, as PostgreSQL reads it), and it stays closed after that.
    hours = OpeningHours(weekly=(Interval(SAT, time(22), time(2, 30)),))
    assert hours.is_open_at(utc(2026, 10, 25, 0, 15))  # 02:15 CEST (first pass)
    assert hours.is_open_at(utc(2026, 10, 25, 0, 45))  # 02:45 CEST
    assert hours.is_open_at(utc(2026, 10, 25, 1, 15))  # 02:15 CET (second pass)
    assert not hours.is_open_at(utc(2026, 10, 25, 1, 30))  # 02:30 CET
    assert not hours.is_open_at(utc(2026, 10, 25, 2, 0))  # 03:00 CET
    state = hours.state_at(utc(2026, 10, 24, 21, 0))
    assert state.closes_at == utc(2026, 10, 25, 1, 30)


def test_fall_back_day_hours_keep_their_wall_times():
    hours = OpeningHours(weekly=(Interval(SUN, time(10), time(16)),))
    assert not hours.is_open_at(utc(2026, 10, 25, 8, 59))  # 09:59 CET
    assert hours.is_open_at(utc(2026, 10, 25, 9, 0))  # 10:00 CET
    assert not hours.is_open_at(utc(2026, 10, 25, 15, 0))  # 16:00 CET


def test_closes_soon_counts_real_minutes_across_the_spring_gap():
    # Open until 03:15 on the spring night: at 01:50 CET only 25 real minutes remain.
    hours = OpeningHours(weekly=(Interval(SAT, time(22), time(3, 15)),))
    state = hours.state_at(utc(2026, 3, 29, 0, 50))
    assert state.closes_at == utc(2026, 3, 29, 1, 15) and state.closes_soon


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        OFFICE.state_at(datetime(2026, 12, 7, 12, 0))


# --- parsing and validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00-16:00", [(time(8), time(16))]),
        ("8–16", [(time(8), time(16))]),
        ("kl. 10.00–14.30 og 16-18", [(time(10), time(14, 30)), (time(16), time(18))]),
        ("18-20, 10-14", [(time(10), time(14)), (time(18), time(20))]),
        ("22:00–02:00", [(time(22), time(2))]),
        ("00-24", [(time(0), time(0))]),
        ("10–24", [(time(10), time(0))]),
        ("", []),
        ("Stengt", []),
    ],
)
def test_parse_day_hours(text, expected):
    assert parse_day_hours(text) == expected


@pytest.mark.parametrize("text", ["open", "25-26", "10:61-12", "9-9", "10-", "24-10"])
def test_parse_day_hours_refuses_nonsense(text):
    with pytest.raises(HoursSyntaxError):
        parse_day_hours(text)


def test_overlap_detection_includes_midnight_and_the_week_wrap():
    assert weekly_overlaps([Interval(MON, time(22), time(2)), Interval(TUE, time(1), time(5))])
    assert weekly_overlaps([Interval(SUN, time(22), time(4)), Interval(MON, time(3), time(5))])
    assert not weekly_overlaps([Interval(MON, time(10), time(12)), Interval(MON, time(12), time(14))])


def test_weekly_form_gives_intervals_and_names_the_bad_day():
    form = WeeklyHoursForm({"monday": "9-17", "friday": "22-02", "saturday": "01-03"})
    assert not form.is_valid()
    assert "saturday" in form.errors and "overlap" in form.errors["saturday"][0]
    good = WeeklyHoursForm({"monday": "9-12, 13-17", "sunday": "stengt"})
    assert good.is_valid(), good.errors
    assert good.intervals() == [Interval(MON, time(9), time(12)), Interval(MON, time(13), time(17))]
    bad = WeeklyHoursForm({"tuesday": "whenever"})
    assert not bad.is_valid() and "08:00–16:00" in bad.errors["tuesday"][0]


def test_weekly_form_shows_existing_rows():
    form = WeeklyHoursForm(rows=[Interval(WED, time(10), time(0))])
    assert form.initial["wednesday"] == "10:00–24:00" and form.initial["monday"] == ""


# --- the template component ----------------------------------------------------------------------


def test_component_marks_today_and_lists_the_special_hours():
    hours = OpeningHours(
        weekly=OFFICE.weekly,
        exceptions=(HoursException(start=date(2026, 12, 24), end=date(2026, 12, 26), note="Christmas"),),
    )
    html = render_to_string(
        "components/opening_hours.html", {"opening": display(hours, oslo(2026, 12, 9, 12, 0))}
    )
    assert 'aria-current="date"' in html
    today_row = html.split('aria-current="date"')[1].split("</tr>")[0]
    assert "Wednesday" in today_row and "09:00–17:00" in today_row
    assert "Open until 17:00" in html
    assert "Special opening hours" in html and "Christmas" in html
    assert html.count('<th scope="row">') == 8


def test_component_in_norwegian():
    with translation.override("nb"):
        html = render_to_string(
            "components/opening_hours.html", {"opening": display(OFFICE, oslo(2026, 12, 12, 12, 0))}
        )
    assert "Åpningstider" in html and "mandag" in html.lower()


def test_the_week_table_joins_touching_intervals_of_a_day():
    hours = OpeningHours(
        weekly=(
            Interval(THU, time(10), time(18)),
            Interval(THU, time(18), time(20)),
            Interval(FRI, time(10), time(12)),
            Interval(FRI, time(13), time(15)),
        )
    )
    rows = display(hours, oslo(2026, 12, 7, 12, 0))["week"]
    assert rows[THU]["text"] == "10:00–20:00"
    assert rows[FRI]["text"] == "10:00–12:00, 13:00–15:00"
