"""The directory's map: the same search as the list (category, open now, place), as pins."""

import json
import re

import pytest
from django.test import Client

from tests.factory_repair import BEKKESTUA, FORNEBU, SANDVIKA, make_repairer

pytestmark = pytest.mark.usefixtures("places", "site")


def _pins(response) -> list[dict]:
    match = re.search(
        r'<script id="map-pins" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


def test_the_map_shows_what_the_list_finds(db):
    bikes = make_repairer(name="Sykkelsmia", at=SANDVIKA)
    make_repairer(name="Skomakeren", categories=("shoes",), at=SANDVIKA)
    make_repairer(name="Fjernt sykkelverksted", at=FORNEBU)
    make_repairer(name="Utkast sykkel", at=BEKKESTUA, status="draft")
    query = "?category=bicycles&place=Sandvika&radius_km=2"
    listed = Client().get(f"/reparasjon/{query}").content.decode()
    response = Client().get(f"/reparasjon/kart/{query}")
    assert response.status_code == 200
    pins = _pins(response)
    assert [pin["title"] for pin in pins] == ["Sykkelsmia"]
    assert "Sykkelsmia" in listed and "Fjernt sykkelverksted" not in listed
    assert pins[0]["url"] == f"/reparasjon/{bikes.slug}/"
    assert (pins[0]["lat"], pins[0]["lon"]) == (round(bikes.lat, 6), round(bikes.lon, 6))
    assert 'id="listing-map"' in response.content.decode()


def test_a_bad_search_on_the_map_goes_to_the_list_with_its_message(db):
    response = Client().get("/reparasjon/kart/?near=abc")
    assert response.status_code == 302 and response["Location"].startswith("/reparasjon/?")
