"""Small counting helpers the apps' selectors share (the staff dashboard's weekly counts)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone


def week_starts(*, weeks: int, today: date | None = None) -> list[date]:
    """The Mondays of the last `weeks` ISO weeks, oldest first, this week last."""
    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def count_per_week(
    queryset: QuerySet, field: str, *, weeks: int = 8, today: date | None = None
) -> list[tuple[date, int]]:
    """(Monday, count) for each of the last `weeks` weeks by the datetime `field` (local
    time), empty weeks included; one query."""
    starts = week_starts(weeks=weeks, today=today)
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    counts = {
        (row["week"].date() if hasattr(row["week"], "date") else row["week"]): row["n"]
        for row in queryset.filter(**{f"{field}__gte": since})
        .annotate(week=TruncWeek(field))
        .values("week")
        .annotate(n=Count("pk"))
    }
    return [(start, counts.get(start, 0)) for start in starts]
