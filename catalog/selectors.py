import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Category, ImpactEntry


def category_list() -> QuerySet[Category]:
    """Main categories, each followed by its subcategories, in editorial order."""
    return Category.objects.select_related("parent").order_by("sort_order", "slug")


def category_with_descendants(slug: str) -> list[int] | None:
    """Ids of the category and its subcategories (what "category=bikes" means in a search);
    None for an unknown slug."""
    ids = list(Category.objects.filter(slug=slug).values_list("pk", flat=True))
    if not ids:
        return None
    return ids + list(Category.objects.filter(parent_id=ids[0]).values_list("pk", flat=True))


def categories_with_descendants(pks) -> list[int]:
    """Ids of these categories and their subcategories, in one query whatever their number."""
    pks = list(pks)
    if not pks:
        return []
    return list(Category.objects.filter(Q(pk__in=pks) | Q(parent_id__in=pks)).values_list("pk", flat=True))


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for forms: (main category name, [(slug, name), ...]) with the main
    category itself first in its group."""
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for category in category_list():
        if category.parent_id is None:
            groups[category.pk] = (category.name, [(category.slug, category.name)])
        elif category.parent_id in groups:
            groups[category.parent_id][1].append((category.slug, f"– {category.name}"))
    return list(groups.values())


# --- Impact: the ledger × the factors (the one place the figures are computed) ----------------

IMPACT_METRICS = ("items_reused", "loans_completed", "repairs_logged", "kg_co2e_avoided", "kg_waste_avoided")
_KIND_FIELDS = {"reuse": "reuse", "loan": "loan", "repair": "repair"}


def _factor(kind: str, measure: str):
    """The entry's factor for its kind: its own category's, else its main category's, else 0."""
    return Coalesce(
        F(f"category__impact_factor__{kind}_kg_{measure}"),
        F(f"category__parent__impact_factor__{kind}_kg_{measure}"),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _per_entry(measure: str) -> Case:
    return Case(
        *(When(kind=kind, then=_factor(field, measure)) for kind, field in _KIND_FIELDS.items()),
        default=Value(Decimal("0")),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _aggregates() -> dict:
    zero = Value(Decimal("0"))
    return {
        "items_reused": Count("pk", filter=Q(kind=ImpactEntry.Kind.REUSE)),
        "loans_completed": Count("pk", filter=Q(kind=ImpactEntry.Kind.LOAN)),
        "repairs_logged": Count("pk", filter=Q(kind=ImpactEntry.Kind.REPAIR)),
        "kg_co2e_avoided": Coalesce(Sum(_per_entry("co2e")), zero),
        "kg_waste_avoided": Coalesce(Sum(_per_entry("waste")), zero),
        "loan_days": Coalesce(Sum("loan_days"), Value(0)),
        "pledge_bags": Coalesce(Sum("pledge_bags"), Value(0)),
        "pledge_kg": Coalesce(Sum("pledge_kg"), zero),
    }


def _figures(row: dict) -> dict:
    return {
        "items_reused": row["items_reused"],
        "loans_completed": row["loans_completed"],
        "repairs_logged": row["repairs_logged"],
        "kg_co2e_avoided": Decimal(row["kg_co2e_avoided"]).quantize(Decimal("0.01")),
        "kg_waste_avoided": Decimal(row["kg_waste_avoided"]).quantize(Decimal("0.01")),
        "loan_days": row["loan_days"],
        "pledge_bags": row["pledge_bags"],
        "pledge_kg": Decimal(row["pledge_kg"]).quantize(Decimal("0.1")),
    }


@dataclass(frozen=True)
class ImpactRow:
    """One line of a breakdown: `key` is machine-readable (slug, "2026-11", place name, kind)."""

    key: str
    label: str
    figures: dict


@dataclass(frozen=True)
class ImpactReport:
    totals: dict
    per_category: list[ImpactRow]
    per_month: list[ImpactRow]
    per_town: list[ImpactRow]
    per_kind: list[ImpactRow]


def impact_totals() -> dict:
    """The whole ledger's figures (the home page counters)."""
    return _figures(ImpactEntry.objects.aggregate(**_aggregates()))


def impact_report(*, months: int = 12, today: date | None = None) -> ImpactReport:
    """Every figure the dashboard, the API and the CSV show, computed from the ledger and the
    current factors (five aggregate queries, whatever the ledger's size). Per category means
    per main category (a subcategory's entries count under it); per month covers the last
    `months` calendar months including this one, empty months included; per town groups by
    the entry's area ("Unknown area" where it has none)."""
    from django.utils import timezone

    entries = ImpactEntry.objects.all()
    totals = _figures(entries.aggregate(**_aggregates()))

    main = Coalesce(F("category__parent_id"), F("category_id"))
    by_category = {
        row["main"]: _figures(row)
        for row in entries.annotate(main=main).values("main").annotate(**_aggregates())
    }
    per_category = [
        ImpactRow(key=c.slug, label=c.name, figures=by_category[c.pk])
        for c in Category.objects.filter(pk__in=by_category).order_by("sort_order", "slug")
    ]

    today = today or timezone.localdate()
    first = date(today.year, today.month, 1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    by_month = {
        row["month"]: _figures(row)
        for row in entries.filter(occurred_on__gte=first)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(**_aggregates())
    }
    per_month = []
    month = first
    empty = _figures({**{m: 0 for m in IMPACT_METRICS}, "loan_days": 0, "pledge_bags": 0, "pledge_kg": 0})
    for _step in range(months):
        per_month.append(
            ImpactRow(
                key=f"{month:%Y-%m}",
                label=date_format(month, "YEAR_MONTH_FORMAT"),
                figures=by_month.get(month, empty),
            )
        )
        month = (month + timedelta(days=32)).replace(day=1)

    per_town = [
        ImpactRow(
            key=row["area__name"] or "",
            label=row["area__name"] or str(_("Unknown area")),
            figures=_figures(row),
        )
        for row in entries.values("area__name")
        .annotate(**_aggregates())
        .order_by(F("area__name").asc(nulls_last=True))
    ]
    by_kind = {row["kind"]: _figures(row) for row in entries.values("kind").annotate(**_aggregates())}
    per_kind = [
        ImpactRow(key=kind, label=str(label), figures=by_kind.get(kind, empty))
        for kind, label in ImpactEntry.Kind.choices
    ]
    return ImpactReport(
        totals=totals, per_category=per_category, per_month=per_month, per_town=per_town, per_kind=per_kind
    )


# The report is computed from the ledger and the factors, which change a few times a day: it is
# kept in the cache under a version that every ledger write and every change of a factor or a
# category moves on (catalog.services.impact_changed, connected in CatalogConfig.ready), so the
# next read sees the change. The lifetime is a safety net for writes that bypass the models'
# signals (a queryset .update(), SQL by hand).
IMPACT_VERSION_KEY = "impact:version"
IMPACT_REPORT_SECONDS = 600


def impact_version() -> int:
    """The current version of the ledger × factors (a counter in the cache). A counter that is
    lost (a flushed or evicted cache) starts again from the clock in milliseconds, never from a
    number an older report may still be stored under."""
    value = cache.get(IMPACT_VERSION_KEY)
    if value is None:
        cache.add(IMPACT_VERSION_KEY, int(time.time() * 1000), timeout=None)
        value = cache.get(IMPACT_VERSION_KEY)
    return int(value)


def impact_totals_cached() -> dict:
    """`impact_totals()` once per version of the ledger and factors (the home page's counters:
    the aggregate is most of an uncached home page's work)."""
    return cache.get_or_set(f"impact:totals:{impact_version()}", impact_totals, IMPACT_REPORT_SECONDS)


def impact_report_cached() -> ImpactReport:
    """`impact_report()` for the dashboard, the API and the CSV: computed once per version of
    the ledger and factors, language (category names and month labels) and day (the last 12
    months end today)."""
    from django.utils import timezone

    key = f"impact:report:{impact_version()}:{translation.get_language()}:{timezone.localdate().isoformat()}"
    report = cache.get(key)
    if report is None:
        report = impact_report()
        cache.set(key, report, IMPACT_REPORT_SECONDS)
    return report


def impact_factor_list() -> list[tuple[Category, object, bool]]:
    """Every category with the factor that applies to it and whether it is inherited from its
    main category: (category, factor or None, inherited). For the "how we count" page."""
    from catalog.models import ImpactFactor

    factors = {f.category_id: f for f in ImpactFactor.objects.all()}
    rows = []
    for category in category_list():
        own = factors.get(category.pk)
        if own is not None:
            rows.append((category, own, False))
        else:
            rows.append((category, factors.get(category.parent_id), True))
    return rows
