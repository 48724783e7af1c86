"""Property tests (Hypothesis) for the parsers that read what people and programs type:
coordinates and radii, opening hours, booking periods and free-text search. Whatever the input,
each either gives a value within its documented bounds or raises its own error with a message
for the user; it never raises anything else. And what the site writes, it reads back."""

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.search import MAX_QUERY_WORDS, MAX_WORD_LENGTH, query_words, rank_query, text_match
from places.geo import MAX_RADIUS_KM, GeoParamError, parse_near, parse_radius
from places.opening_hours import MIDNIGHT, HoursSyntaxError, format_hours, parse_day_hours
from sharing.periods import MAX_WINDOW, PeriodError, parse_moment, parse_window

OSLO = ZoneInfo("Europe/Oslo")

# Text as it arrives from forms and query strings: any Unicode, with the characters that break
# naive code mixed in (NUL, RTL override, quotes, SQL and tsquery syntax, digits and separators).
HOSTILE = st.sampled_from(
    ["\x00", "\u202e", "'", '"', ";", "--", "&", "|", "!", ":*", "(", ")", "<script>", "\\", "%", "_", "٣"]
)
TEXT = st.lists(
    st.one_of(st.text(max_size=12), HOSTILE, st.sampled_from(["59.9", ",", "10.5", "-", "24"])), max_size=8
).map("".join)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _has_message(error: Exception) -> bool:
    return bool(str(error).strip())


# --- Coordinates and radius ------------------------------------------------------------------------


@given(TEXT)
@example("59.9,10.5")
@example("nan,10")
@example("1e400,0")
@example("59,9,10,5")
def test_parse_near_gives_a_point_on_earth_or_a_message(text):
    try:
        point = parse_near(text)
    except GeoParamError as error:
        assert set(error.errors) == {"near"} and _has_message(error) and error.status == 400
    else:
        assert -90 <= point.y <= 90 and -180 <= point.x <= 180 and point.srid == 4326


@given(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)
def test_parse_near_reads_back_what_it_is_given(lat, lon):
    point = parse_near(f"{lat!r}, {lon!r}")
    assert (point.y, point.x) == (lat, lon)


@given(st.one_of(TEXT, st.floats(), st.none()))
@example("inf")
@example("0")
@example("-5")
@example("50.0000001")
def test_parse_radius_is_within_bounds_or_a_message(value):
    try:
        radius = parse_radius(value)
    except GeoParamError as error:
        assert set(error.errors) == {"radius_km"} and _has_message(error)
    else:
        assert math.isfinite(radius) and 0 < radius <= MAX_RADIUS_KM


# --- Opening hours ------------------------------------------------------------------------------------

CLOCK = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@given(TEXT)
@example("08:00–16:00, 18–20")
@example("25-26")
@example("10-10")
@example("kl. 9 til 15 og 17.30-19")
def test_parse_day_hours_gives_sorted_intervals_or_a_message(text):
    try:
        hours = parse_day_hours(text)
    except HoursSyntaxError as error:
        assert _has_message(error)
    else:
        assert hours == sorted(hours)
        for opens, closes in hours:
            assert isinstance(opens, time) and isinstance(closes, time)
            assert opens != closes or opens == MIDNIGHT


@given(st.lists(st.tuples(CLOCK, st.one_of(CLOCK, st.just(MIDNIGHT))), max_size=4))
def test_written_hours_read_back_the_same(intervals):
    """What format_hours writes (the initial text of the hours forms) reads back, in both
    languages, "Open all day" included."""
    intervals = sorted((o, c) for o, c in intervals if o != c or o == MIDNIGHT)
    for language in ("en", "nb"):
        with translation.override(language):
            assert parse_day_hours(format_hours(intervals)) == intervals


# --- Booking periods ---------------------------------------------------------------------------------

MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))


@given(TEXT)
@example("2026-12-05")
@example("2026-02-30")
@example("2026-03-29T02:30")  # does not exist in Oslo (clocks go forward)
@example("2026-10-25T02:30")  # happens twice in Oslo
@example("9999-12-31")
def test_parse_moment_gives_an_aware_time_or_a_message(text):
    for end_of_day in (False, True):
        try:
            moment = parse_moment(text, field="from", end_of_day=end_of_day)
        except PeriodError as error:
            assert error.field == "from" and _has_message(error)
        else:
            assert timezone.is_aware(moment)


@given(MOMENTS, st.integers(-14 * 60, 14 * 60))
def test_a_time_with_an_offset_reads_back_as_the_same_instant(naive, offset_minutes):
    zone = timezone.get_fixed_timezone(offset_minutes)
    moment = naive.replace(tzinfo=zone)
    assert parse_moment(moment.isoformat(), field="from") == moment


@given(MOMENTS.map(lambda m: m.replace(second=0, microsecond=0)))
def test_a_local_time_without_offset_is_oslo_time(naive):
    moment = parse_moment(naive.isoformat(timespec="minutes"), field="from")
    local = moment.astimezone(OSLO).replace(tzinfo=None)
    # Equal, except in the hour that does not exist when the clocks go forward in spring.
    round_trip = naive.replace(tzinfo=OSLO).astimezone(UTC).astimezone(OSLO).replace(tzinfo=None)
    if round_trip == naive:
        assert local == naive
    else:
        assert abs(local - naive) <= timedelta(hours=1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)), st.integers(0, 400))
def test_a_window_of_dates_includes_its_last_day(first, days):
    last = first + timedelta(days=days)
    try:
        since, until = parse_window(first.isoformat(), last.isoformat())
    except PeriodError as error:
        assert error.field == "to" and days >= 366
    else:
        assert since.astimezone(OSLO).date() == first
        assert until.astimezone(OSLO).date() == last + timedelta(days=1)
        assert timedelta(0) < until - since <= MAX_WINDOW


@given(TEXT, TEXT)
def test_parse_window_is_ordered_and_bounded_or_a_message(start, end):
    try:
        since, until = parse_window(start, end)
    except PeriodError as error:
        assert error.field in {"from", "to"} and _has_message(error)
    else:
        assert since < until <= since + MAX_WINDOW


# --- Free-text search ----------------------------------------------------------------------------------


@given(TEXT)
def test_query_words_are_bounded_word_characters(text):
    words = query_words(text)
    assert len(words) <= MAX_QUERY_WORDS
    for word in words:
        assert 0 < len(word) <= MAX_WORD_LENGTH and word == word.lower()
        assert all(ch.isalnum() or ch == "_" for ch in word)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT)
@example("sykkel & ! ( kajakk")
@example("'; DROP TABLE marketplace_listing; --")
@example("a:* | b")
@example("\x00\u202e")
def test_any_search_text_is_a_valid_query_in_postgresql(text):
    """The condition and the ranking query built from any text run in PostgreSQL without an
    error (no text reaches tsquery or SQL syntax)."""
    condition = text_match(table="marketplace_listing", vector="search_vector", title="title", text=text)
    ranking = rank_query(text)
    assert (condition is None) == (ranking is None) == (not query_words(text))
    if condition is None:
        return
    sql, params = condition.as_sql(None, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM marketplace_listing WHERE {sql}", params)  # noqa: S608
        assert cursor.fetchone()[0] >= 0
        cursor.execute("SELECT numnode(to_tsquery('sirkel_norwegian', %s)) >= 0", [ranking])
        assert cursor.fetchone()[0] is True


# --- The public search endpoints, fed the same text ------------------------------------------------

PARAMETER = st.one_of(TEXT, st.sampled_from(["", "59.9,10.5", "Sandvika", "2026-12-05", "5", "true", "-1"]))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["/api/v1/listings", "/api/v1/items", "/api/v1/repairers", "/api/v1/places"]),
    st.dictionaries(
        st.sampled_from(
            [
                "q",
                "near",
                "place",
                "radius_km",
                "category",
                "kind",
                "condition",
                "ordering",
                "open_now",
                "available_from",
                "available_to",
                "hub",
                "page",
                "page_size",
            ]
        ),
        PARAMETER,
        max_size=5,
    ),
)
def test_search_endpoints_answer_any_parameters_with_results_or_a_clear_error(client, places, path, params):
    """Never a 5xx: results, or 400/404/422 with an explanation."""
    response = client.get(path, params, headers={"accept-language": "en"})
    assert response.status_code in {200, 400, 404, 422}, (path, params, response.status_code)
    body = response.json()
    if response.status_code != 200:
        assert body.get("detail"), body
