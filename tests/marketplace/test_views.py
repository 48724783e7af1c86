import pytest

from marketplace.models import Listing
from tests.factories import UserFactory, make_listing
from tests.privacy import assert_exact_point_not_shown

pytestmark = pytest.mark.usefixtures("places", "site")


FORM = {
    "kind": "give",
    "title": "Sofa i god stand",
    "description": "Tre-seter, grå.",
    "category": "sofas",
    "condition": "good",
    "place": "Jar",
}


def test_anonymous_can_search_and_sees_distance_on_cards(client, owner):
    make_listing(owner=owner, title="Sofa", category="sofas", lat=59.9186, lon=10.5880)
    response = client.get("/en/gis-bort/", {"place": "Bekkestua", "q": "sofa"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sofa" in html and "km away" in html


def test_empty_results_suggest_a_wider_radius(client, db):
    html = client.get("/en/gis-bort/", {"place": "Bekkestua", "radius_km": "2"}).content.decode()
    assert "Try a wider area" in html and "radius_km=10" in html


def test_bad_search_is_400_with_a_message_not_500(client, db):
    response = client.get("/en/gis-bort/", {"near": "garbage"})
    assert response.status_code == 400
    assert "Use the form LAT,LON" in response.content.decode()
    assert client.get("/en/gis-bort/", {"place": "Atlantis"}).status_code == 404


def test_search_centres_on_the_home_area_by_default(client, owner):
    from places.models import Place

    owner.profile.home_place = Place.objects.get(name="Sandvika")
    owner.profile.save()
    client.force_login(owner)
    assert 'value="Sandvika"' in client.get("/gis-bort/").content.decode()


def test_create_listing_by_form(owner_client, owner):
    response = owner_client.post("/gis-bort/ny/", FORM)
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert (listing.owner, listing.status, listing.area.name) == (owner, "active", "Jar")
    assert response["Location"] == f"/gis-bort/{listing.pk}/"


def test_create_needs_login(client, db):
    response = client.post("/gis-bort/ny/", FORM)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert not Listing.objects.exists()


def test_create_with_a_map_point(owner_client):
    response = owner_client.post("/gis-bort/ny/", {**FORM, "place": "", "point": "59.9,10.55"})
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert (round(listing.location.y, 4), round(listing.location.x, 4)) == (59.9, 10.55)


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"title": ""}, "This field is required"),
        ({"category": "nope"}, "Select a valid choice"),
        ({"condition": ""}, "Say what condition"),
        ({"place": ""}, "Choose an area"),
        ({"place": "Atlantis"}, "Select a valid choice"),
        ({"title": "x\x00y"}, "Control characters are not allowed"),
        ({"title": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_form_input_shows_the_error_and_stores_nothing(owner_client, change, field_message):
    response = owner_client.post("/en/gis-bort/ny/", {**FORM, **change})
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Listing.objects.exists()


def test_save_as_draft(owner_client):
    owner_client.post("/gis-bort/ny/", {**FORM, "save_draft": "1"})
    assert Listing.objects.get().status == "draft"


def test_owner_edits_and_the_page_shows_it(owner_client, owner):
    listing = make_listing(owner=owner, title="Gammel tittel", category="sofas")
    response = owner_client.post(
        f"/gis-bort/{listing.pk}/rediger/", {**FORM, "title": "Ny tittel", "place": "Sandvika"}
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.title == "Ny tittel" and listing.area.name == "Sandvika"


def test_owner_lifecycle_actions(owner_client, owner):
    listing = make_listing(owner=owner)
    for action, status in [("withdraw", "withdrawn"), ("publish", "active"), ("complete", "completed")]:
        assert owner_client.post(f"/gis-bort/{listing.pk}/{action}/").status_code == 302
        listing.refresh_from_db()
        assert listing.status == status


def test_others_cannot_edit_or_act(client, owner):
    listing = make_listing(owner=owner)
    client.force_login(UserFactory())
    assert client.get(f"/gis-bort/{listing.pk}/rediger/").status_code == 403
    assert client.post(f"/gis-bort/{listing.pk}/rediger/", FORM).status_code == 403
    for action in ("withdraw", "complete", "renew"):
        assert client.post(f"/gis-bort/{listing.pk}/{action}/").status_code == 403
    listing.refresh_from_db()
    assert listing.status == "active" and listing.title == "Sykkel gis bort"


def test_drafts_are_invisible_to_others(client, owner):
    draft = make_listing(owner=owner, publish=False)
    assert client.get(f"/gis-bort/{draft.pk}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/gis-bort/{draft.pk}/rediger/").status_code == 404


def test_action_needs_post_and_a_known_action(owner_client, owner):
    listing = make_listing(owner=owner)
    assert owner_client.get(f"/gis-bort/{listing.pk}/withdraw/").status_code == 405
    assert owner_client.post(f"/gis-bort/{listing.pk}/explode/").status_code == 404


def test_detail_never_shows_the_exact_point(client, owner):
    listing = make_listing(owner=owner, lat=59.918412, lon=10.587433)
    html = client.get(f"/gis-bort/{listing.pk}/").content.decode()
    assert_exact_point_not_shown(html, 59.918412, 10.587433)


def test_my_listings_tabs(owner_client, owner):
    make_listing(owner=owner, title="Publisert sofa")
    make_listing(owner=owner, title="Uferdig lampe", publish=False)
    active = owner_client.get("/gis-bort/mine/").content.decode()
    assert "Publisert sofa" in active and "Uferdig lampe" not in active
    drafts = owner_client.get("/gis-bort/mine/", {"status": "draft"}).content.decode()
    assert "Uferdig lampe" in drafts and "Publisert sofa" not in drafts


def test_my_listings_runs_the_same_queries_for_one_listing_with_photos_as_for_five(owner_client, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.services import listing_image_add
    from tests.accounts.privacy_world import photo

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get("/gis-bort/mine/").status_code == 200
        return len(captured)

    listing_image_add(listing=make_listing(owner=owner, title="Lampe 0"), image=photo())
    queries()  # the first request also warms what every process keeps
    one = queries()
    for n in range(1, 5):
        listing_image_add(listing=make_listing(owner=owner, title=f"Lampe {n}"), image=photo())
    assert queries() == one  # each card's cover comes from one prefetch, not a query per card


def test_map_data_holds_only_public_points(client, owner):
    import json
    import re

    listing = make_listing(owner=owner, lat=59.921234, lon=10.581234)
    html = client.get("/en/gis-bort/kart/", {"place": "Bekkestua"}).content.decode()
    pins = json.loads(
        re.search(r'<script id="map-pins" type="application/json">(.*?)</script>', html).group(1)
    )
    assert pins == [
        {
            "lat": round(listing.public_lat, 5),
            "lon": round(listing.public_lon, 5),
            "title": listing.title,
            "kind": "Give away",
            "url": f"/en/gis-bort/{listing.pk}/",
        }
    ]
    assert_exact_point_not_shown(html, listing.location.y, listing.location.x)


def test_map_with_bad_parameters_sends_back_to_the_list_with_the_error(client, db):
    response = client.get("/gis-bort/kart/", {"near": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/gis-bort/?near=x")


def test_completing_a_listing_writes_one_impact_entry(owner_client, owner):
    from catalog.models import ImpactEntry

    listing = make_listing(owner=owner, category="e-bikes")
    owner_client.post(f"/gis-bort/{listing.pk}/complete/")
    owner_client.post(f"/gis-bort/{listing.pk}/complete/")  # a second click changes nothing
    entry = ImpactEntry.objects.get()
    assert (entry.kind, entry.category.slug, entry.source_id) == ("reuse", "e-bikes", listing.pk)


def test_a_listing_that_needs_repair_shows_nearby_repairers_of_its_category(client, owner):
    from tests.factory_repair import make_repairer

    make_repairer(name="Bekkestua Sykkelservice", categories=("bicycles",), at=(59.9190, 10.5880))
    make_repairer(name="Skomaker Nilsen", categories=("shoes",), at=(59.9190, 10.5880))
    make_repairer(name="Utkast-verksted", categories=("bicycles",), status="draft")
    broken = make_listing(owner=owner, title="Sykkel med punktert slange", condition="needs_repair")
    html = client.get(f"/gis-bort/{broken.pk}/").content.decode()
    assert "Bekkestua Sykkelservice" in html
    assert "Skomaker Nilsen" not in html and "Utkast-verksted" not in html
    fine = make_listing(owner=owner, title="Sykkel i god stand", condition="good")
    assert "Bekkestua Sykkelservice" not in client.get(f"/gis-bort/{fine.pk}/").content.decode()


def test_a_marketplace_search_offers_to_borrow_instead(client, owner):
    from tests.sharing.conftest import make_hub, make_item

    make_item(hub=make_hub("Fornebu utlån"), title="Kajakk med åre", category="water-sports")
    make_item(
        hub=make_hub("Langt unna", lat=60.39, lon=5.32), title="Kajakk i Bergen", category="water-sports"
    )
    html = client.get("/en/gis-bort/", {"q": "kajakk", "place": "Fornebu"}).content.decode()
    assert "Borrow instead?" in html and "Kajakk med åre" in html and "Fornebu utlån" in html
    assert "Kajakk i Bergen" not in html  # only within 10 km
    assert (
        "Borrow instead?"
        not in client.get("/en/gis-bort/", {"q": "sofa", "place": "Fornebu"}).content.decode()
    )


def test_a_wanted_listing_shows_its_owner_what_can_be_borrowed(client, owner):
    from tests.sharing.conftest import make_hub, make_item
    from tests.support import login

    make_item(
        hub=make_hub("Bekkestua utlån", lat=59.9184, lon=10.5874), title="Stige 6 meter", category="ladders"
    )
    wanted = make_listing(owner=owner, title="Stige", kind="wanted", condition="", category="ladders")
    assert "Stige 6 meter" in login(owner).get(f"/en/gis-bort/{wanted.pk}/").content.decode()
    assert "Stige 6 meter" not in client.get(f"/en/gis-bort/{wanted.pk}/").content.decode()
