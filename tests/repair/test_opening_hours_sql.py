""" "Open now" in SQL (places.opening_hours.open_at_condition on the repairers' tables) agrees
with the Python computation, minute by minute around midnight and both DST changes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from places.opening_hours import Interval, OpeningHours
from repair.models import Repairer
from repair.selectors import open_now_condition
from tests.factory_repair import make_repairer

pytestmark = pytest.mark.usefixtures("places")

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
SCHEDULES = {
    "office": [Interval(d, time(9), time(17)) for d in range(5)],
    "night": [Interval(d, time(22), time(2)) for d in (FRI, SAT)],
    "late-close": [Interval(SAT, time(20), time(2, 30)), Interval(SUN, time(1), time(4))],
    "gap-open": [Interval(SUN, time(2, 30), time(6))],
    "split": [Interval(d, time(10), time(12)) for d in range(7)]
    + [Interval(d, time(13), time(18)) for d in range(7)],
    "always": [Interval(d, time(0), time(0)) for d in range(7)],
    "closed": [],
}
EXCEPTIONS = {
    "office": [
        {"start_date": date(2026, 12, 24), "end_date": date(2026, 12, 26), "note": "Jul"},
        {
            "start_date": date(2026, 12, 31),
            "end_date": date(2026, 12, 31),
            "opens": time(10),
            "closes": time(14),
        },
    ],
    "night": [{"start_date": date(2026, 10, 24), "end_date": date(2026, 10, 24)}],
    "split": [
        {"start_date": date(2026, 3, 29), "end_date": date(2026, 3, 29), "opens": time(1), "closes": time(4)},
        {
            "start_date": date(2026, 3, 29),
            "end_date": date(2026, 3, 29),
            "opens": time(22),
            "closes": time(1),
        },
    ],
}


@pytest.fixture
def repairers(db):
    made = {}
    for name, intervals in SCHEDULES.items():
        made[name] = make_repairer(name=name, hours=intervals, exceptions=EXCEPTIONS.get(name, ()))
    return made


def instants():
    """Every 15 minutes (and the minute either side of each quarter) through the DST nights,
    a New Year's week and ordinary days."""
    windows = [
        (datetime(2026, 3, 27, 20, tzinfo=UTC), 60),  # spring forward: 29 March 01:00 UTC
        (datetime(2026, 10, 23, 20, tzinfo=UTC), 60),  # fall back: 25 October 01:00 UTC
        (datetime(2026, 12, 23, 6, tzinfo=UTC), 60),
        (datetime(2026, 12, 30, 6, tzinfo=UTC), 36),
    ]
    for start, hours in windows:
        for quarter in range(hours * 4):
            at = start + timedelta(minutes=15 * quarter)
            yield at - timedelta(minutes=1)
            yield at


def test_sql_and_python_agree_on_open_now(repairers):
    python_hours = {
        name: OpeningHours.from_rows(r.weekly_hours.all(), r.hours_exceptions.all())
        for name, r in repairers.items()
    }
    disagreements = []
    checked = 0
    for at in instants():
        in_sql = set(Repairer.objects.filter(open_now_condition(at)).values_list("name", flat=True))
        in_python = {name for name, hours in python_hours.items() if hours.is_open_at(at)}
        checked += 1
        if in_sql != in_python:
            disagreements.append((at.isoformat(), sorted(in_sql ^ in_python)))
    assert checked > 1500
    assert not disagreements, disagreements[:10]


def test_sql_open_now_at_the_boundaries(repairers):
    def open_at(at):
        return set(Repairer.objects.filter(open_now_condition(at)).values_list("name", flat=True))

    # Monday 7 December 2026, winter time (UTC+1): 09:00 local is 08:00 UTC.
    assert "office" in open_at(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    assert "office" not in open_at(datetime(2026, 12, 7, 7, 59, 59, tzinfo=UTC))
    assert "office" not in open_at(datetime(2026, 12, 7, 16, 0, tzinfo=UTC))  # 17:00 local
    # Saturday 01:30 local belongs to Friday's 22–02.
    assert "night" in open_at(datetime(2026, 12, 12, 0, 30, tzinfo=UTC))
    assert "closed" not in open_at(datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
    assert "always" in open_at(datetime(2026, 12, 7, 23, 0, tzinfo=UTC))
