import json
from pathlib import Path

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


def impact_record(*, kind: str, category: Category, occurred_on, source: str, source_id: int) -> None:
    """Add one completed exchange, loan or repair to the impact ledger (idempotent per source)."""
    from catalog.models import ImpactEntry

    ImpactEntry.objects.get_or_create(
        source=source,
        source_id=source_id,
        defaults={"kind": kind, "category": category, "occurred_on": occurred_on},
    )
