import json

import pytest
from django.test import Client

from accounts.services import api_token_create
from marketplace.models import Listing
from marketplace.services import MAX_NEW_LISTINGS_PER_DAY
from tests.factories import UserFactory, make_listing
from tests.privacy import assert_exact_point_not_shown

pytestmark = pytest.mark.usefixtures("places")

EN = {"accept-language": "en"}
VALID = {
    "title": "Barnesykkel 16 tommer",
    "description": "Litt rust på styret.",
    "kind": "give",
    "category": "childrens-bikes",
    "condition": "used",
    "lat": 59.9184,
    "lon": 10.5874,
}


def post(client, body, **headers):
    return client.post(
        "/api/v1/listings", json.dumps(body), content_type="application/json", headers={**EN, **headers}
    )


def patch(client, listing_id, body):
    return client.patch(
        f"/api/v1/listings/{listing_id}", json.dumps(body), content_type="application/json", headers=EN
    )


def test_create_returns_201_with_the_public_point_only(owner_client, owner):
    response = post(owner_client, VALID)
    assert response.status_code == 201, response.content
    body = response.json()
    listing = Listing.objects.get(pk=body["id"])
    assert listing.owner == owner and listing.status == "active"
    assert (body["lat"], body["lon"]) == (round(listing.public_lat, 5), round(listing.public_lon, 5))
    assert (body["lat"], body["lon"]) != (VALID["lat"], VALID["lon"])
    assert_exact_point_not_shown(response.content.decode(), VALID["lat"], VALID["lon"])
    assert body["owner"] == {"display_name": "Kari"}
    assert body["area"] == "Bekkestua"


def test_create_with_a_place_name(owner_client):
    response = post(
        owner_client, {**{k: v for k, v in VALID.items() if k not in ("lat", "lon")}, "place": "jar"}
    )
    assert response.status_code == 201
    assert response.json()["area"] == "Jar"


def test_create_with_a_personal_token_needs_no_csrf(owner):
    _, key = api_token_create(user=owner, name="app")
    response = post(Client(enforce_csrf_checks=True), VALID, authorization=f"Bearer {key}")
    assert response.status_code == 201


def test_session_post_without_csrf_token_is_refused(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = post(client, VALID)
    assert response.status_code in (401, 403)
    assert not Listing.objects.exists()


def test_anonymous_cannot_create(client, db):
    assert post(client, VALID).status_code == 401
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "no-such"}, "category"),
        ({"kind": "sell"}, "kind"),
        ({"condition": "broken"}, "condition"),
        ({"title": ""}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"title": "Stol\x00"}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"lat": 95}, "lat"),
        ({"lat": "abc"}, "lat"),
    ],
)
def test_bad_input_is_400_with_the_field_and_nothing_stored(owner_client, change, field):
    response = post(owner_client, {**VALID, **change})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and field in body["errors"], body
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {k: v for k, v in VALID.items() if k not in ("lat", "lon")},  # no location
        {**VALID, "place": "Jar"},  # both
        {**{k: v for k, v in VALID.items() if k != "condition"}},  # give without condition
    ],
)
def test_inconsistent_input_is_400(owner_client, body):
    response = post(owner_client, body)
    assert response.status_code == 400 and response.json()["detail"]
    assert not Listing.objects.exists()


def test_unknown_place_in_a_new_listing_is_400(owner_client):
    body = {**{k: v for k, v in VALID.items() if k not in ("lat", "lon")}, "place": "Atlantis"}
    response = post(owner_client, body)
    assert response.status_code == 400 and "place" in response.json()["errors"]


def test_not_json_is_400(owner_client):
    response = owner_client.post("/api/v1/listings", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_daily_limit_answers_429_with_retry_after(owner_client, owner):
    for n in range(MAX_NEW_LISTINGS_PER_DAY):
        make_listing(owner=owner, title=f"Ting {n}")
    response = post(owner_client, VALID)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Listing.objects.count() == MAX_NEW_LISTINGS_PER_DAY


def test_list_with_geo_has_distance_and_envelope(client, owner):
    make_listing(owner=owner, title="Nær", lat=59.9186, lon=10.5880)
    body = client.get("/api/v1/listings", {"place": "Bekkestua", "radius_km": 3}).json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    result = body["results"][0]
    assert result["title"] == "Nær" and 0 <= result["distance_km"] <= 0.5
    assert set(result) >= {
        "id",
        "title",
        "kind",
        "category",
        "condition",
        "status",
        "lat",
        "lon",
        "created_at",
        "url",
    }


def test_list_without_geo_has_no_distance(client, owner):
    make_listing(owner=owner)
    assert client.get("/api/v1/listings").json()["results"][0]["distance_km"] is None


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"near": "x"}, 400),
        ({"radius_km": "500", "near": "59.9,10.5"}, 400),
        ({"place": "Atlantis"}, 404),
        ({"page": "0"}, 400),
        ({"page": "abc"}, 400),
        ({"page_size": "1000"}, 400),
        ({"page": "5"}, 404),
        ({"category": "nope"}, 400),
    ],
)
def test_bad_list_parameters_are_4xx_never_500(client, owner, params, status):
    make_listing(owner=owner)
    response = client.get("/api/v1/listings", params)
    assert response.status_code == status, response.content
    assert set(response.json()) == {"detail", "errors"}


def test_detail_of_a_draft_is_404_for_others(client, owner):
    draft = make_listing(owner=owner, publish=False)
    assert client.get(f"/api/v1/listings/{draft.pk}").status_code == 404
    client.force_login(owner)
    assert client.get(f"/api/v1/listings/{draft.pk}").status_code == 200


def test_owner_patches_and_withdraws(owner_client, owner):
    listing = make_listing(owner=owner)
    response = patch(owner_client, listing.pk, {"title": "Ny tittel", "kind": "swap", "wants": "Kaffe"})
    assert response.status_code == 200 and response.json()["title"] == "Ny tittel"
    assert response.json()["wants"] == "Kaffe"
    assert owner_client.delete(f"/api/v1/listings/{listing.pk}").status_code == 204
    listing.refresh_from_db()
    assert listing.status == "withdrawn"


def test_moving_a_listing_refuzzes_from_the_new_point_with_the_same_seed(owner_client, owner):
    listing = make_listing(owner=owner)
    response = patch(owner_client, listing.pk, {"place": "Sandvika"})
    assert response.status_code == 200 and response.json()["area"] == "Sandvika"


def test_others_cannot_patch_or_delete(client, owner):
    listing = make_listing(owner=owner)
    client.force_login(UserFactory())
    assert patch(client, listing.pk, {"title": "Mine nå"}).status_code == 403
    assert client.delete(f"/api/v1/listings/{listing.pk}").status_code == 403
    draft = make_listing(owner=owner, publish=False)
    assert client.delete(f"/api/v1/listings/{draft.pk}").status_code == 404
    listing.refresh_from_db()
    assert listing.title != "Mine nå" and listing.status == "active"


def test_patch_with_null_title_is_400(owner_client, owner):
    listing = make_listing(owner=owner)
    assert patch(owner_client, listing.pk, {"title": None}).status_code == 400


def test_openapi_documents_the_listing_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/listings"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/listings/{listing_id}"])
