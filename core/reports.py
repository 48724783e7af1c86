"""What reporting something to the moderators looks the same for, whatever is reported (a
listing, a review): the form a reporter fills in and the daily limit per reporter. Each app
keeps its own report model, reasons and moderator actions."""

from datetime import timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import SafeTextMixin

REPORTS_PER_DAY = 10
REPORT_TEXT_MAX = 1000


class ReportForm(SafeTextMixin, forms.Form):
    """A reason from the reported thing's own list (`reasons`) and an optional explanation."""

    reason = forms.ChoiceField(label=_("What is wrong?"), choices=(), widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Tell us more"),
        max_length=REPORT_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons


def report_limit_reached(reports: QuerySet, *, reporter, per_day: int = REPORTS_PER_DAY) -> bool:
    """True when `reporter` has sent `per_day` reports of this kind in the last 24 hours
    (`reports` is the report model's queryset, with `reporter` and `created_at` fields)."""
    since = timezone.now() - timedelta(days=1)
    return reports.filter(reporter=reporter, created_at__gte=since).count() >= per_day
