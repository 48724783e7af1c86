import csv

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from catalog.selectors import IMPACT_METRICS, category_list, impact_report_cached
from core.api import non_json_answer

router = Router(tags=["categories"])


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None


@router.get("", response=list[CategoryOut], auth=None)
def categories(request: HttpRequest):
    """The shared taxonomy: main categories (`parent` null) and their subcategories, with names
    in the language of `Accept-Language` (nb or en)."""
    return [
        CategoryOut(slug=c.slug, name=c.name, parent=c.parent.slug if c.parent_id else None)
        for c in category_list()
    ]


# --- Impact: GET /api/v1/impact and /api/v1/impact.csv -----------------------------------------
# Mounted at "/" (sirkel/api.py) so that ".csv" follows "impact" without a slash.

impact_router = Router(tags=["impact"])


class ImpactFiguresOut(Schema):
    items_reused: int
    loans_completed: int
    repairs_logged: int
    kg_co2e_avoided: float
    kg_waste_avoided: float


class ImpactCategoryOut(ImpactFiguresOut):
    category: str
    name: str


class ImpactMonthOut(ImpactFiguresOut):
    month: str


class ImpactTownOut(ImpactFiguresOut):
    town: str | None


class ImpactKindOut(ImpactFiguresOut):
    kind: str


class ImpactOut(ImpactFiguresOut):
    loan_days: int
    pledge_bags: int
    pledge_kg: float
    per_category: list[ImpactCategoryOut]
    per_month: list[ImpactMonthOut]
    per_town: list[ImpactTownOut]
    per_kind: list[ImpactKindOut]


def _numbers(figures: dict) -> dict:
    return {
        "items_reused": figures["items_reused"],
        "loans_completed": figures["loans_completed"],
        "repairs_logged": figures["repairs_logged"],
        "kg_co2e_avoided": float(figures["kg_co2e_avoided"]),
        "kg_waste_avoided": float(figures["kg_waste_avoided"]),
    }


@impact_router.get("/impact", response=ImpactOut, auth=None)
def impact(request: HttpRequest):
    """What the completed giveaways and swaps, loans and repairs avoided, computed from the
    impact ledger and the current impact factors per category (never typed in). The top-level
    figures are the totals; `per_category` is per main category (slug), `per_month` the last
    12 months (`YYYY-MM`), `per_town` per gazetteer area (`null`: unknown). kg rounded to 0.01."""
    report = impact_report_cached()
    totals = report.totals
    return {
        **_numbers(totals),
        "loan_days": totals["loan_days"],
        "pledge_bags": totals["pledge_bags"],
        "pledge_kg": float(totals["pledge_kg"]),
        "per_category": [
            {"category": row.key, "name": row.label, **_numbers(row.figures)} for row in report.per_category
        ],
        "per_month": [{"month": row.key, **_numbers(row.figures)} for row in report.per_month],
        "per_town": [{"town": row.key or None, **_numbers(row.figures)} for row in report.per_town],
        "per_kind": [{"kind": row.key, **_numbers(row.figures)} for row in report.per_kind],
    }


CSV_COLUMNS = ("breakdown", "key", "label", *IMPACT_METRICS)


def impact_csv_rows() -> list[list]:
    """The report as rows for the CSV download (a header, the total, then each breakdown)."""
    report = impact_report_cached()
    rows: list[list] = [list(CSV_COLUMNS)]

    def add(breakdown: str, key: str, label: str, figures: dict):
        rows.append([breakdown, key, label, *(figures[m] for m in IMPACT_METRICS)])

    add("total", "", "", report.totals)
    for name, breakdown in (
        ("category", report.per_category),
        ("month", report.per_month),
        ("town", report.per_town),
        ("kind", report.per_kind),
    ):
        for row in breakdown:
            add(name, row.key, row.label, row.figures)
    return rows


@impact_router.get(
    "/impact.csv",
    auth=None,
    response={200: None},
    openapi_extra=non_json_answer(
        "text/csv", "The figures as CSV, one row per total, category, month, town and kind."
    ),
)
def impact_csv(request: HttpRequest):
    """The same figures as `/impact` as CSV (UTF-8, comma-separated, one row per total,
    category, month, town and kind)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sirkel-impact.csv"'
    csv.writer(response).writerows(impact_csv_rows())
    return response
