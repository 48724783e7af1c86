"""GET /api/v1/impact and /api/v1/impact.csv: the figures change by exactly the factor values."""

import csv
import io
from decimal import Decimal

import pytest

from tests.catalog.impact_support import FACTORS, complete_giveaway, complete_loan, log_repair, set_factor

pytestmark = pytest.mark.django_db


def impact(client) -> dict:
    response = client.get("/api/v1/impact")
    assert response.status_code == 200
    return response.json()


def d(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_api_answers_with_the_contracts_fields_when_nothing_is_recorded(client):
    body = impact(client)
    for field in ("items_reused", "loans_completed", "repairs_logged", "kg_co2e_avoided", "kg_waste_avoided"):
        assert body[field] == 0
    assert body["per_category"] == [] and len(body["per_month"]) == 12


@pytest.mark.parametrize(
    ("complete", "count_field", "kind"),
    [
        (lambda: complete_giveaway(category="bicycles"), "items_reused", "reuse"),
        (lambda: complete_loan(category="bicycles"), "loans_completed", "loan"),
        (lambda: log_repair(category="bicycles"), "repairs_logged", "repair"),
    ],
    ids=["giveaway", "loan", "repair"],
)
def test_a_completed_exchange_loan_or_repair_adds_exactly_its_factors(
    client, places, complete, count_field, kind
):
    set_factor("bikes")
    before = impact(client)
    complete()
    after = impact(client)
    assert after[count_field] == before[count_field] + 1
    assert d(after["kg_co2e_avoided"]) - d(before["kg_co2e_avoided"]) == FACTORS[f"{kind}_kg_co2e"]
    assert d(after["kg_waste_avoided"]) - d(before["kg_waste_avoided"]) == FACTORS[f"{kind}_kg_waste"]
    bikes = next(row for row in after["per_category"] if row["category"] == "bikes")
    assert d(bikes["kg_co2e_avoided"]) == FACTORS[f"{kind}_kg_co2e"] and bikes[count_field] == 1
    assert after["per_month"][-1][count_field] == 1
    town = [row for row in after["per_town"] if row[count_field]]
    assert len(town) == 1


def test_changing_a_factor_changes_the_api_figures(client):
    factor = set_factor("bikes")
    log_repair(category="bicycles")
    assert d(impact(client)["kg_co2e_avoided"]) == Decimal("48.25")
    factor.repair_kg_co2e = Decimal("60.50")
    factor.save()
    assert d(impact(client)["kg_co2e_avoided"]) == Decimal("60.50")


def test_the_csv_has_the_same_figures_as_the_json(client, places):
    set_factor("bikes")
    complete_giveaway(category="bicycles")
    log_repair(category="e-bikes")
    response = client.get("/api/v1/impact.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    body = impact(client)
    total = next(row for row in rows if row["breakdown"] == "total")
    assert d(total["kg_co2e_avoided"]) == d(body["kg_co2e_avoided"]) == Decimal("55.90")
    bikes = next(row for row in rows if row["breakdown"] == "category" and row["key"] == "bikes")
    assert (int(bikes["items_reused"]), int(bikes["repairs_logged"])) == (1, 1)
    assert len([row for row in rows if row["breakdown"] == "month"]) == 12


def test_the_impact_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/impact" in paths and "/api/v1/impact.csv" in paths
