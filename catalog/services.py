import contextlib
import json
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

from catalog.models import Category

DATA_FILE = Path(__file__).resolve().parent / "data" / "categories.json"


@transaction.atomic
def categories_load(*, path: Path = DATA_FILE, model=Category) -> int:
    """Create the categories of the data file that are missing; returns how many were created.
    Existing ones keep their (possibly edited) names. `model` lets a data migration pass its
    historical model."""
    created = 0
    for position, row in enumerate(json.loads(path.read_text(encoding="utf-8"))["categories"]):
        parent, was_created = model.objects.get_or_create(
            slug=row["slug"],
            defaults={"name_nb": row["name_nb"], "name_en": row["name_en"], "sort_order": position * 100},
        )
        created += was_created
        for child_position, child in enumerate(row["children"]):
            _, was_created = model.objects.get_or_create(
                slug=child["slug"],
                defaults={
                    "name_nb": child["name_nb"],
                    "name_en": child["name_en"],
                    "parent": parent,
                    "sort_order": position * 100 + child_position + 1,
                },
            )
            created += was_created
    return created


def impact_record(
    *,
    kind: str,
    category: Category,
    occurred_on,
    source: str,
    source_id: int,
    area=None,
    point=None,
    loan_days: int | None = None,
    pledge_bags: int | None = None,
    pledge_kg: Decimal | float | None = None,
) -> None:
    """Add one completed exchange, loan or repair to the impact ledger (idempotent per source).

    `area` is the town or area of the thing (a places.Place); give a public `point` instead and
    the nearest gazetteer place is used. Never pass an exact home location. Loans may carry
    the days borrowed and the pledge's outcome (bags / kg of litter)."""
    from catalog.models import ImpactEntry

    if area is None and point is not None:
        from places.selectors import place_nearest

        area = place_nearest(point)
    ImpactEntry.objects.get_or_create(
        source=source,
        source_id=source_id,
        defaults={
            "kind": kind,
            "category": category,
            "occurred_on": occurred_on,
            "area": area,
            "loan_days": loan_days,
            "pledge_bags": pledge_bags,
            "pledge_kg": None if pledge_kg is None else Decimal(str(pledge_kg)),
        },
    )


def impact_changed(**kwargs) -> None:
    """The ledger, a factor or a category changed: move the impact report to a new version
    (catalog.selectors.impact_report_cached). Connected to the models' save and delete signals
    (CatalogConfig.ready). Done at once and again when the transaction commits: at once, so the
    same transaction (and a test, which never commits) reads the new figures; on commit, so a
    report another process computed from the data before the commit is not kept as the new
    version's."""
    from catalog.selectors import IMPACT_VERSION_KEY

    def bump() -> None:
        with contextlib.suppress(ValueError):  # no version yet: the next read starts one
            cache.incr(IMPACT_VERSION_KEY)

    bump()
    transaction.on_commit(bump)


IMPACT_FACTORS_FILE = Path(__file__).resolve().parent / "data" / "impact_factors.json"
TWO_PLACES = Decimal("0.01")


def impact_factor_defaults(row: dict, methods: dict) -> dict:
    """The six factors of one category row of the data file, with its source text: reuse =
    weight × WRAP's kg CO2e per kg reused; repair = footprint × the Fixometer's displacement;
    loan = footprint and weight × the share of borrows that avoid a purchase."""
    weight = Decimal(str(row["weight_kg"]))
    footprint = Decimal(str(row["footprint_kg_co2e"]))
    reuse = Decimal(str(methods["reuse_kg_co2e_per_kg"]["value"]))
    displacement = Decimal(str(methods["repair_displacement"]["value"]))
    avoided = Decimal(str(methods["loan_avoided_purchase_share"]["value"]))

    def q(value: Decimal) -> Decimal:
        return value.quantize(TWO_PLACES)

    source = "\n\n".join(
        [
            f"Category figures: {row['basis']}",
            f"Reused item: {weight} kg × {reuse} kg CO2e/kg; waste avoided = the weight. "
            + methods["reuse_kg_co2e_per_kg"]["source"],
            f"Repair: {footprint} kg CO2e × {displacement}; waste avoided = the weight. "
            + methods["repair_displacement"]["source"],
            f"Loan: {avoided} × ({footprint} kg CO2e, {weight} kg). "
            + methods["loan_avoided_purchase_share"]["source"],
        ]
    )
    return {
        "reuse_kg_co2e": q(weight * reuse),
        "reuse_kg_waste": q(weight),
        "repair_kg_co2e": q(footprint * displacement),
        "repair_kg_waste": q(weight),
        "loan_kg_co2e": q(footprint * avoided),
        "loan_kg_waste": q(weight * avoided),
        "source": source,
    }


@transaction.atomic
def impact_factors_load(*, path: Path = IMPACT_FACTORS_FILE, factor_model=None, category_model=None) -> int:
    """Create the default factors of the data file for categories that have none; factors
    editors have changed are kept. Returns how many were created. The model arguments let a
    data migration pass its historical models."""
    from catalog.models import ImpactFactor

    factor_model = factor_model or ImpactFactor
    category_model = category_model or Category
    data = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for row in data["categories"]:
        category = category_model.objects.filter(slug=row["slug"]).first()
        if category is None:
            continue
        _, was_created = factor_model.objects.get_or_create(
            category=category, defaults=impact_factor_defaults(row, data["methods"])
        )
        created += was_created
    return created
