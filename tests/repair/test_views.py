import pytest
from django.test import Client

from repair.models import Repairer, RepairerHoursException
from tests.factories import UserFactory
from tests.factory_repair import BEKKESTUA, SANDVIKA, make_repairer
from tests.photos import gif, jpeg_with_gps
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")

PROFILE = {
    "name": "Høvik Skomakeri",
    "short_description": "Såler, hæler og glidelåser.",
    "description": "",
    "categories": ["shoes", "bags-accessories"],
    "address": "Høvikveien 12",
    "postal_code": "1363",
    "postal_town": "Høvik",
    "point": "59.9000, 10.5660",
    "phone": "",
    "email": "",
    "website": "",
    "access": "step_free",
    "access_note": "",
    "org_number": "974760673",
}


def test_directory_lists_cards_with_distance_and_open_state_and_paginates(client, db):
    for n in range(22):
        make_repairer(name=f"Verksted {n:02d}", at=SANDVIKA if n % 2 else BEKKESTUA)
    response = client.get("/reparasjon/?place=Sandvika&radius_km=10")
    assert response.status_code == 200
    html = response.content.decode()
    assert "22 reparatører" in html
    assert html.count('class="ds-card listing-card repairer-card"') == 20
    assert "km unna" in html and 'data-open="' in html
    assert 'rel="next"' in html
    assert response.context["page"].object_list[0].distance == 0.0
    page_two = client.get("/reparasjon/?place=Sandvika&radius_km=10&page=2").content.decode()
    assert page_two.count('class="ds-card listing-card repairer-card"') == 2


def test_directory_filters_work_as_a_plain_get_form(client, db):
    make_repairer(name="Sykkelfikseren", categories=("bicycles",))
    make_repairer(name="Skomakeren", categories=("shoes",))
    html = client.get("/reparasjon/?category=shoes&open_now=&q=").content.decode()
    assert "Skomakeren" in html and "Sykkelfikseren" not in html
    assert 'name="open_now" value="true"' in html and 'role="search"' in html


def test_directory_bad_parameters_answer_400_or_404_with_the_message(client, db):
    response = client.get("/reparasjon/?place=Atlantis")
    assert response.status_code == 404 and "Atlantis" in response.content.decode()
    assert client.get("/reparasjon/?radius_km=-1&place=Sandvika").status_code == 400
    assert client.get("/reparasjon/?open_now=kanskje").status_code == 400


def test_profile_page_shows_hours_services_map_and_contact(client, db):
    repairer = make_repairer(
        phone="67 12 34 56", email="post@example.test", website="https://example.test", languages=["nb", "pl"]
    )
    from repair.services import ServiceData, repairer_services_set

    repairer_services_set(repairer=repairer, services=[ServiceData("Lapping av slange", 150)])
    html = client.get(f"/reparasjon/{repairer.slug}/").content.decode()
    assert "Åpningstider" in html and 'aria-current="date"' in html
    assert "Lapping av slange" in html and "fra 150 kr" in html
    assert 'href="tel:67123456"' in html and 'href="mailto:post@example.test"' in html
    assert 'id="map-pins"' in html and "polsk" in html.lower()


def test_unpublished_profiles_are_404_except_for_owners(client, owner):
    draft = make_repairer(owner=owner, status="draft")
    assert client.get(f"/reparasjon/{draft.slug}/").status_code == 404
    assert login(owner).get(f"/reparasjon/{draft.slug}/").status_code == 200


def test_a_business_registers_edits_and_sends_for_approval(owner, owner_client):
    response = owner_client.post("/reparasjon/mine/ny/", PROFILE)
    repairer = Repairer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reparasjon/mine/{repairer.pk}/"
    assert repairer.status == "draft" and list(repairer.owners.all()) == [owner]
    assert repairer.org_number == "974760673" and repairer.access == "step_free"
    assert (round(repairer.lat, 4), round(repairer.lon, 4)) == (59.9, 10.566)
    edited = owner_client.post(f"/reparasjon/mine/{repairer.pk}/", {**PROFILE, "phone": "22 22 22 22"})
    assert edited.status_code == 302
    repairer.refresh_from_db()
    assert repairer.phone == "22 22 22 22"
    owner_client.post(f"/reparasjon/mine/{repairer.pk}/send/")
    repairer.refresh_from_db()
    assert repairer.status == "pending"


def test_a_bad_check_digit_is_a_form_error(owner_client):
    response = owner_client.post("/reparasjon/mine/ny/", {**PROFILE, "org_number": "974760674"})
    assert response.status_code == 400
    assert "kontrollsifferet" in response.content.decode()
    assert not Repairer.objects.exists()


def test_profile_form_needs_a_category_and_a_point(owner_client):
    response = owner_client.post("/reparasjon/mine/ny/", {**PROFILE, "categories": [], "point": "nowhere"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"categories", "point"}


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/reparasjon/mine/ny/")
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_owner_a_cannot_edit_owner_bs_profile(owner_client):
    published = make_repairer(name="Bs verksted")
    draft = make_repairer(name="Bs utkast", status="draft")
    for path in ("", "apningstider/", "tjenester/", "bilder/"):
        assert owner_client.get(f"/reparasjon/mine/{published.pk}/{path}").status_code == 403
        assert owner_client.get(f"/reparasjon/mine/{draft.pk}/{path}").status_code == 404
    assert (
        owner_client.post(f"/reparasjon/mine/{published.pk}/", {**PROFILE, "name": "Kapret"}).status_code
        == 403
    )
    assert owner_client.post(f"/reparasjon/mine/{draft.pk}/send/").status_code == 404
    assert not Repairer.objects.filter(name="Kapret").exists()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_csrf_is_required_on_the_dashboard(owner):
    repairer = make_repairer(owner=owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert (
        client.post(f"/reparasjon/mine/{repairer.pk}/", {**PROFILE, "name": "Uten token"}).status_code == 403
    )


def test_owner_sets_weekly_hours_and_a_holiday(owner, owner_client):
    repairer = make_repairer(owner=owner, hours=[])
    data = {
        "week-monday": "9-17",
        "week-tuesday": "9–12, 13–17",
        "week-friday": "10-02",
        "special-TOTAL_FORMS": "2",
        "special-INITIAL_FORMS": "0",
        "special-0-start_date": "2026-12-24",
        "special-0-end_date": "2026-12-26",
        "special-0-closed": "on",
        "special-0-note": "Jul",
        "special-1-start_date": "",
    }
    response = owner_client.post(f"/reparasjon/mine/{repairer.pk}/apningstider/", data)
    assert response.status_code == 302, response.context and response.context["week"].errors
    hours = [(h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in repairer.weekly_hours.all()]
    assert hours == [
        (0, "09:00", "17:00"),
        (1, "09:00", "12:00"),
        (1, "13:00", "17:00"),
        (4, "10:00", "02:00"),
    ]
    exception = RepairerHoursException.objects.get()
    assert (exception.closed, exception.note, str(exception.end_date)) == (True, "Jul", "2026-12-26")


def test_hours_form_errors_name_the_problem(owner, owner_client):
    repairer = make_repairer(owner=owner, hours=[])
    data = {
        "week-monday": "når som helst",
        "week-friday": "20-03",
        "week-saturday": "01-04",
        "special-TOTAL_FORMS": "1",
        "special-INITIAL_FORMS": "0",
        "special-0-start_date": "2026-12-24",
        "special-0-end_date": "2026-12-20",
    }
    response = owner_client.post(f"/reparasjon/mine/{repairer.pk}/apningstider/", data)
    assert response.status_code == 400
    week = response.context["week"]
    assert set(week.errors) == {"monday", "saturday"}
    assert response.context["exceptions"].forms[0].errors
    assert not repairer.weekly_hours.exists()


def test_owner_lists_services(owner, owner_client):
    repairer = make_repairer(owner=owner)
    data = {
        "services-TOTAL_FORMS": "3",
        "services-INITIAL_FORMS": "0",
        "services-0-name": "Bytte batteri",
        "services-0-price_from": "490",
        "services-0-price_note": "pluss deler",
        "services-1-name": "",
        "services-2-name": "Skjermbytte",
        "services-2-price_from": "-5",
    }
    response = owner_client.post(f"/reparasjon/mine/{repairer.pk}/tjenester/", data)
    assert response.status_code == 400  # a negative price
    data["services-2-price_from"] = ""
    assert owner_client.post(f"/reparasjon/mine/{repairer.pk}/tjenester/", data).status_code == 302
    assert [s.name for s in repairer.services.all()] == ["Bytte batteri", "Skjermbytte"]


def test_owner_uploads_a_photo_without_metadata_and_a_gif_is_refused(owner, owner_client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    repairer = make_repairer(owner=owner)
    refused = owner_client.post(
        f"/reparasjon/mine/{repairer.pk}/bilder/",
        {"photo": SimpleUploadedFile("x.gif", gif(), content_type="image/gif")},
    )
    assert refused.status_code == 400 and "JPEG, PNG, WebP" in refused.content.decode()
    response = owner_client.post(
        f"/reparasjon/mine/{repairer.pk}/bilder/",
        {
            "photo": SimpleUploadedFile("shop.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            "alt_text": "Verkstedet",
        },
    )
    assert response.status_code == 302
    photo = repairer.photos.get()
    stored = photo.original.read()
    assert b"SirkelCam" not in stored and b"GPS" not in stored
    assert set(photo.renditions) == {"thumbnail", "card", "full"} and photo.alt_text == "Verkstedet"
    assert owner_client.post(f"/reparasjon/mine/{repairer.pk}/bilder/", {"delete": "x"}).status_code == 404
    other = make_repairer(name="Andres")
    assert owner_client.post(f"/reparasjon/mine/{other.pk}/bilder/", {"delete": photo.pk}).status_code == 403
    owner_client.post(f"/reparasjon/mine/{repairer.pk}/bilder/", {"delete": photo.pk})
    assert not repairer.photos.exists()


def test_dashboard_lists_only_my_profiles(owner, owner_client):
    make_repairer(owner=owner, name="Mitt verksted")
    make_repairer(name="Noen andres")
    html = owner_client.get("/reparasjon/mine/").content.decode()
    assert "Mitt verksted" in html and "Noen andres" not in html


# --- the editors' queue in the Wagtail admin ------------------------------------------------------


def test_editor_approves_from_the_queue(editor, owner, django_capture_on_commit_callbacks):
    pending = make_repairer(owner=owner, name="Venter på godkjenning", status="pending")
    client = login(editor)
    queue = client.get("/cms/reparatorer/")
    assert queue.status_code == 200 and "Venter på godkjenning" in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cms/reparatorer/{pending.pk}/", {"action": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "published"


def test_editor_rejects_with_a_reason_and_sets_the_badge(editor, owner):
    pending = make_repairer(owner=owner, status="pending")
    client = login(editor)
    client.post(f"/cms/reparatorer/{pending.pk}/", {"action": "reject", "reason": ""})
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(f"/cms/reparatorer/{pending.pk}/", {"action": "reject", "reason": "Mangler adresse"})
    client.post(f"/cms/reparatorer/{pending.pk}/", {"action": "verify"})
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason, pending.verified) == ("draft", "Mangler adresse", True)


def test_owners_and_residents_cannot_use_the_queue_or_set_the_badge(owner, owner_client):
    repairer = make_repairer(owner=owner, status="pending")
    assert owner_client.get("/cms/reparatorer/").status_code in (302, 403)
    owner_client.post(f"/cms/reparatorer/{repairer.pk}/", {"action": "verify"})
    owner_client.post(f"/cms/reparatorer/{repairer.pk}/", {"action": "approve"})
    resident = login(UserFactory())
    resident.post(f"/cms/reparatorer/{repairer.pk}/", {"action": "approve"})
    repairer.refresh_from_db()
    assert (repairer.status, repairer.verified) == ("pending", False)


def test_ask_in_chat_opens_a_conversation_with_the_first_owner(owner):
    import json

    from chat.models import Conversation

    repairer = make_repairer(owner=owner)
    from repair.services import repairer_owner_add

    repairer_owner_add(repairer=repairer, user=UserFactory())
    resident = login(UserFactory())
    assert "Spør i chat" in resident.get(f"/reparasjon/{repairer.slug}/").content.decode()
    response = resident.post(f"/meldinger/ny/repairer/{repairer.pk}/")
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert owner.pk in (conversation.user_low_id, conversation.user_high_id)
    api = resident.post(
        "/api/v1/conversations",
        json.dumps({"about": {"type": "repairer", "id": repairer.pk}}),
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["id"] == conversation.pk
    assert "Spør i chat" not in login(owner).get(f"/reparasjon/{repairer.slug}/").content.decode()
    draft = make_repairer(name="Utkast", status="draft")
    refused = resident.post(
        "/api/v1/conversations",
        json.dumps({"about": {"type": "repairer", "id": draft.pk}}),
        content_type="application/json",
    )
    assert refused.status_code == 403
