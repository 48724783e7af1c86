"""The repair log as open data in the Open Repair Data Standard (ORDS v0.3) CSV format of the
Open Repair Alliance. The mapping from our category taxonomy to ORDS product categories is the
data file repair/data/ords_categories.json. Nothing personal is exported: not who logged a
repair, not their area; free text has email addresses and phone numbers removed."""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from repair.models import RepairLog

MAPPING_FILE = Path(__file__).resolve().parent / "data" / "ords_categories.json"
DATA_PROVIDER = "Sirkel (Bærum kommune)"
COUNTRY = "NOR"
ID_PREFIX = "sirkel"
# The columns of the ORDS v0.3 aggregate files, in their order, then record_date.
COLUMNS = (
    "id",
    "data_provider",
    "country",
    "partner_product_category",
    "product_category",
    "product_category_id",
    "brand",
    "year_of_manufacture",
    "product_age",
    "repair_status",
    "repair_barrier_if_end_of_life",
    "group_identifier",
    "event_date",
    "problem",
    "record_date",
)
REPAIR_STATUS = {
    RepairLog.Outcome.FIXED: "Fixed",
    RepairLog.Outcome.REPAIRABLE: "Repairable",
    RepairLog.Outcome.END_OF_LIFE: "End of life",
}
BARRIER = {
    RepairLog.Barrier.NO_PARTS: "Spare parts not available",
    RepairLog.Barrier.PARTS_EXPENSIVE: "Spare parts too expensive",
    RepairLog.Barrier.CANNOT_OPEN: "No way to open the product",
    RepairLog.Barrier.NO_INFORMATION: "Repair information not available",
    RepairLog.Barrier.NO_EQUIPMENT: "Lack of equipment",
    RepairLog.Barrier.WORN_OUT: "Product too worn out",
}
# Short keywords match whole words only ("fan" is not in "elefant"); longer ones anywhere,
# as Norwegian compounds ("kaffetrakter") need.
WHOLE_WORD_MAX = 4
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(\+?\d[\d \-]{6,14}\d)(?!\d)")


@cache
def _mapping() -> tuple[dict[str, str], dict[str, dict]]:
    data = json.loads(MAPPING_FILE.read_text(encoding="utf-8"))
    return data["ords_categories"], data["mapping"]


def _matches(keyword: str, product: str, words: set[str]) -> bool:
    return keyword in words if len(keyword) <= WHOLE_WORD_MAX else keyword in product


def ords_category(category_slug: str, parent_slug: str | None, product: str) -> tuple[int, str] | None:
    """(ORDS id, ORDS name) for a logged product, or None when ORDS has no category for it."""
    names, mapping = _mapping()
    rule = mapping.get(category_slug)
    if rule is None and parent_slug:
        rule = mapping.get(parent_slug)
    if rule is None:
        return None
    product = product.lower()
    words = set(re.findall(r"\w+", product))
    for keyword, ords_id in rule.get("keywords", []):
        if _matches(keyword, product, words):
            return ords_id, names[str(ords_id)]
    if rule.get("default") is None:
        return None
    return rule["default"], names[str(rule["default"])]


def scrub(text: str) -> str:
    """Free text without email addresses or phone numbers, on one line, and not starting
    with a character a spreadsheet would take for a formula."""
    text = EMAIL.sub("[…]", text)
    text = PHONE.sub("[…]", text)
    return " ".join(text.split()).lstrip("=+@")


def group_identifier(entry: RepairLog) -> str:
    """Businesses are public (their profile's slug); repair cafés by the event's name;
    residents' own repairs as one group, never per person."""
    if entry.logged_as == RepairLog.LoggedAs.BUSINESS and entry.repairer is not None:
        return f"{ID_PREFIX}-repairer-{entry.repairer.slug}"
    if entry.logged_as == RepairLog.LoggedAs.REPAIR_CAFE:
        return f"{ID_PREFIX}-event-{scrub(entry.event_name)}"
    return f"{ID_PREFIX}-residents"


def ords_row(entry: RepairLog) -> dict[str, str]:
    category = entry.category
    parent = category.parent
    ords = ords_category(category.slug, parent.slug if parent else None, entry.product)
    partner = " ~ ".join([*([parent.name_en] if parent else []), category.name_en, scrub(entry.product)])
    year = entry.year_of_manufacture
    return {
        "id": f"{ID_PREFIX}_{entry.pk}",
        "data_provider": DATA_PROVIDER,
        "country": COUNTRY,
        "partner_product_category": partner,
        "product_category": ords[1] if ords else "",
        "product_category_id": str(ords[0]) if ords else "",
        "brand": scrub(entry.brand),
        "year_of_manufacture": str(year) if year else "",
        "product_age": str(max(0, entry.repaired_on.year - year)) if year else "",
        "repair_status": REPAIR_STATUS[entry.outcome],
        "repair_barrier_if_end_of_life": BARRIER.get(entry.barrier, "") if entry.barrier else "",
        "group_identifier": group_identifier(entry),
        "event_date": entry.repaired_on.isoformat(),
        "problem": scrub(entry.problem),
        "record_date": entry.updated_at.date().isoformat(),
    }


def ords_csv_lines(entries: Iterable[RepairLog]) -> Iterator[str]:
    """The CSV (RFC 4180, comma, a header row) line by line, for a streaming response."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writeheader()
    yield flush()
    for entry in entries:
        writer.writerow(ords_row(entry))
        yield flush()
