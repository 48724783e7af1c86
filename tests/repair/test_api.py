import json
from datetime import time

import pytest
from django.test import Client

from accounts.services import api_token_create
from places.opening_hours import Interval
from repair.models import Repairer
from tests.factory_repair import BEKKESTUA, FORNEBU, SANDVIKA, make_repairer
from tests.support import login

pytestmark = pytest.mark.usefixtures("places")
EN = {"accept-language": "en"}
ALWAYS = [Interval(d, time(0), time(0)) for d in range(7)]


def get(path, client=None, **headers):
    return (client or Client()).get(path, headers={**EN, **headers})


def test_list_has_the_fields_of_api_md(db):
    repairer = make_repairer(name="Sykkelklinikken", categories=("bicycles", "e-bikes"), hours=ALWAYS)
    body = get("/api/v1/repairers?place=Sandvika").json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    result = body["results"][0]
    for key in (
        "id",
        "name",
        "categories",
        "address",
        "lat",
        "lon",
        "distance_km",
        "open_now",
        "rating_avg",
        "rating_count",
        "url",
    ):
        assert key in result
    assert result["id"] == repairer.pk and result["name"] == "Sykkelklinikken"
    assert sorted(result["categories"]) == ["bicycles", "e-bikes"]
    assert result["address"] == "Sandviksveien 1, 1337 Sandvika"
    assert (result["lat"], result["lon"]) == (59.8908, 10.5238)  # businesses are not fuzzed
    assert result["distance_km"] == 0.0
    assert result["open_now"] is True and result["opening_state"] == "Open"
    assert result["rating_avg"] is None and result["rating_count"] == 0
    assert result["url"].endswith(f"/api/v1/repairers/{repairer.pk}")


def test_without_a_place_there_is_no_distance(db):
    make_repairer()
    assert get("/api/v1/repairers").json()["results"][0]["distance_km"] is None


def test_filters_combine_category_open_now_and_radius(db):
    make_repairer(name="Åpen sykkel", categories=("bicycles",), hours=ALWAYS, at=SANDVIKA)
    make_repairer(name="Stengt sykkel", categories=("bicycles",), hours=[], at=SANDVIKA)
    make_repairer(name="Åpen sko", categories=("shoes",), hours=ALWAYS, at=SANDVIKA)
    make_repairer(name="Åpen sykkel Fornebu", categories=("bikes",), hours=ALWAYS, at=FORNEBU)
    body = get("/api/v1/repairers?category=bikes&open_now=true&place=Sandvika&radius_km=2").json()
    assert [r["name"] for r in body["results"]] == ["Åpen sykkel"]
    body = get("/api/v1/repairers?category=bikes&open_now=true&place=Sandvika&radius_km=10").json()
    assert [r["name"] for r in body["results"]] == ["Åpen sykkel", "Åpen sykkel Fornebu"]
    assert len(get("/api/v1/repairers?category=bikes&open_now=false").json()["results"]) == 3


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("near=abc", 400, "near"),
        ("near=91,10", 400, "near"),
        ("place=Atlantis", 404, "place"),
        ("place=Sandvika&radius_km=0", 400, "radius_km"),
        ("place=Sandvika&radius_km=51", 400, "radius_km"),
        ("place=Sandvika&radius_km=NaN", 400, "radius_km"),
        ("category=no-such", 400, "category"),
        ("open_now=maybe", 400, "open_now"),
        ("ordering=cheapest", 400, "ordering"),
        ("page=0", 400, "page"),
        ("page_size=1000", 400, "page_size"),
    ],
)
def test_bad_parameters_are_4xx_with_the_field(db, query, status, field):
    make_repairer()
    response = get(f"/api/v1/repairers?{query}")
    assert response.status_code == status, response.content
    assert field in response.json()["errors"]


def test_a_page_beyond_the_last_is_404(db):
    make_repairer()
    response = get("/api/v1/repairers?page=2")
    assert response.status_code == 404 and "page" in response.json()["errors"]


def test_pages(db):
    for n in range(3):
        make_repairer(name=f"Verksted {n}")
    body = get("/api/v1/repairers?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "page=2" in body["next"]


def test_detail_of_a_draft_is_404_for_others(db, owner):
    draft = make_repairer(owner=owner, status="draft")
    assert get(f"/api/v1/repairers/{draft.pk}").status_code == 404
    assert get(f"/api/v1/repairers/{draft.pk}", client=login(owner)).status_code == 200


def test_detail_has_services_and_hours(db):
    repairer = make_repairer()
    body = get(f"/api/v1/repairers/{repairer.pk}").json()
    assert body["hours"][0] == {"weekday": 0, "opens": "09:00", "closes": "17:00"}
    assert body["services"] == [] and body["web_url"].endswith(f"/reparasjon/{repairer.slug}/")


# --- GeoJSON ------------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_of_published_profiles_in_lon_lat(db):
    published = make_repairer(name="Publisert", at=BEKKESTUA)
    make_repairer(name="Utkast", status="draft")
    make_repairer(name="Venter", status="pending")
    make_repairer(name="Suspendert", status="suspended")
    response = get("/api/v1/repairers.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection" and isinstance(body["features"], list)
    assert len(body["features"]) == 1
    feature = body["features"][0]
    assert feature["type"] == "Feature" and feature["id"] == published.pk
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (10.5874, 59.9184)
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert feature["properties"]["name"] == "Publisert" and feature["properties"]["categories"] == [
        "bicycles"
    ]


def test_geojson_is_open_data_cacheable_and_conditional(db):
    make_repairer()
    response = get("/api/v1/repairers.geojson")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]
    again = get("/api/v1/repairers.geojson", **{"if-none-match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = get("/api/v1/repairers.geojson", **{"if-modified-since": response["Last-Modified"]})
    assert since.status_code == 304


def test_geojson_etag_changes_when_a_profile_is_unpublished(db):
    first = make_repairer(name="En")
    make_repairer(name="To")
    etag = get("/api/v1/repairers.geojson")["ETag"]
    first.status = Repairer.Status.SUSPENDED
    first.save()
    response = get("/api/v1/repairers.geojson", **{"if-none-match": etag})
    assert response.status_code == 200 and len(json.loads(response.content)["features"]) == 1


# --- owners change their profile ----------------------------------------------------------------


def patch(client, repairer_id, body):
    return client.patch(
        f"/api/v1/repairers/{repairer_id}", json.dumps(body), content_type="application/json", headers=EN
    )


def test_owner_patches_their_profile(owner, owner_client):
    repairer = make_repairer(owner=owner)
    response = patch(owner_client, repairer.pk, {"phone": "67 00 00 00", "categories": ["shoes", "bicycles"]})
    assert response.status_code == 200, response.content
    repairer.refresh_from_db()
    assert repairer.phone == "67 00 00 00"
    assert sorted(c.slug for c in repairer.categories.all()) == ["bicycles", "shoes"]


def test_owner_a_cannot_patch_owner_bs_profile(owner, owner_client):
    theirs = make_repairer(name="Bs verksted")
    response = patch(owner_client, theirs.pk, {"name": "Kapret"})
    assert response.status_code == 403
    draft = make_repairer(name="Bs utkast", status="draft")
    assert patch(owner_client, draft.pk, {"name": "Kapret"}).status_code == 404
    assert not Repairer.objects.filter(name="Kapret").exists()


def test_anonymous_cannot_patch(db):
    repairer = make_repairer()
    assert patch(Client(), repairer.pk, {"name": "X"}).status_code == 401


def test_patch_refuses_a_bad_organisation_number_with_a_message(owner, owner_client):
    repairer = make_repairer(owner=owner)
    response = patch(owner_client, repairer.pk, {"org_number": "974760674"})
    assert response.status_code == 400
    assert "check digit" in response.json()["errors"]["org_number"][0]


def test_patch_refuses_unknown_categories_and_half_a_point(owner, owner_client):
    repairer = make_repairer(owner=owner)
    assert "categories" in patch(owner_client, repairer.pk, {"categories": ["nope"]}).json()["errors"]
    assert patch(owner_client, repairer.pk, {"categories": []}).status_code == 400
    assert "location" in patch(owner_client, repairer.pk, {"lat": 59.9}).json()["errors"]


def test_patch_with_a_token_needs_no_csrf_but_a_session_does(owner):
    repairer = make_repairer(owner=owner)
    _, key = api_token_create(user=owner, name="app")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"/api/v1/repairers/{repairer.pk}",
        json.dumps({"phone": "1"}),
        content_type="application/json",
        headers={"authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200
    session = Client(enforce_csrf_checks=True)
    session.force_login(owner)
    assert patch(session, repairer.pk, {"phone": "2"}).status_code in (401, 403)


def test_the_badge_cannot_be_set_through_the_api(owner, owner_client):
    repairer = make_repairer(owner=owner)
    patch(owner_client, repairer.pk, {"verified": True})
    repairer.refresh_from_db()
    assert not repairer.verified
