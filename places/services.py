import json
from pathlib import Path

from django.db import transaction

from places.geo import make_point
from places.models import Place

DATA_FILE = Path(__file__).resolve().parent / "data" / "baerum_places.json"


@transaction.atomic
def places_load(*, path: Path = DATA_FILE) -> tuple[int, int]:
    """Create or update the gazetteer from the data file; returns (created, updated)."""
    created = updated = 0
    for row in json.loads(path.read_text(encoding="utf-8"))["places"]:
        _, was_created = Place.objects.update_or_create(
            name=row["name"],
            defaults={"kind": row["kind"], "point": make_point(row["lat"], row["lon"])},
        )
        created += was_created
        updated += not was_created
    return created, updated
