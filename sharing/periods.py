"""Reading the times people and programs give: ISO 8601 with an offset, a local time without one
(Europe/Oslo, the municipality's time, DST included) or a bare date."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

MAX_WINDOW = timedelta(days=366)


class PeriodError(ValueError):
    def __init__(self, message: str, *, field: str):
        self.message = message
        self.field = field
        super().__init__(message)


def parse_moment(value: str, *, field: str, end_of_day: bool = False) -> datetime:
    """An aware datetime. A bare date means its local midnight, or the next midnight with
    `end_of_day` (so "to 2026-12-06" includes the 6th)."""
    text = (value or "").strip()
    if not text or len(text) > 40:
        raise PeriodError(
            _("Give a date or a time, for example 2026-12-05 or 2026-12-05T10:00."), field=field
        )
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time())
        else:
            moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        raise PeriodError(
            _("Give a date or a time, for example 2026-12-05 or 2026-12-05T10:00."), field=field
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # Europe/Oslo; fold=0 picks the first of a repeated hour
    return moment


def parse_window(
    start: str, end: str, *, start_field: str = "from", end_field: str = "to"
) -> tuple[datetime, datetime]:
    since = parse_moment(start, field=start_field)
    until = parse_moment(end, field=end_field, end_of_day=True)
    if until <= since:
        raise PeriodError(_("The end must be after the start."), field=end_field)
    if until - since > MAX_WINDOW:
        raise PeriodError(_("Ask for at most a year at a time."), field=end_field)
    return since, until
