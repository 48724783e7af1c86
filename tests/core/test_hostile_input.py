"""Hostile input on the forms and endpoints that store what people type: NUL bytes, other
control characters and text-direction overrides are refused with a clear 4xx and nothing is
stored; a 10 MB body is refused before any of it is read into a form; SQL fragments and
HTML/JavaScript are ordinary text: stored as typed, shown escaped, never executed."""

import json
import uuid

import pytest
from django.utils import translation

from chat.models import Message
from chat.services import conversation_open
from marketplace.models import Listing
from repair.models import Repairer, Review
from sharing.models import Item, Reservation
from tests.factories import UserFactory, make_listing
from tests.factory_repair import make_repairer
from tests.sharing.conftest import days_ahead, make_hub, make_item
from tests.support import login

pytestmark = pytest.mark.usefixtures("places")

REFUSED = {
    "nul": "Lampe\x00",
    "escape sequence": "\x1b[31mLampe",
    "right-to-left override": "Lampe \u202egnp.exe",
    "isolate": "Lampe \u2067x\u2069",
    "C1 control": "La\x85mpe",  # in the middle: at the ends Python strips it as whitespace
}
KEPT = {
    "sql": "Lampe'); DROP TABLE marketplace_listing; --",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "right-to-left text": "مصباح",  # Arabic itself is text
}
TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- HTML forms ------------------------------------------------------------------------------------


def _listing(user):
    form = {"kind": "give", "title": "Lampe", "category": "lamps", "condition": "good", "place": "Jar"}
    return "/en/gis-bort/ny/", form, "title", lambda: Listing.objects.filter(owner=user).count()


def _message(user):
    conversation, _ = conversation_open(user=user, subject=make_listing(owner=UserFactory()))
    return (
        f"/en/meldinger/{conversation.pk}/",
        {"body": "Hei"},
        "body",
        lambda: Message.objects.filter(conversation=conversation).count(),
    )


def _item(user):
    form = {
        "title": "Stikksag", "description": "", "category": "tools", "max_loan_days": "5",
        "min_notice_hours": "0", "deposit": "", "required_proof": "", "accessories": "", "pledge": "",
        "place": "", "point": "59.91840,10.58740",
    }  # fmt: skip
    return "/en/laan/utlan/ny/", form, "title", lambda: Item.objects.filter(owner=user).count()


def _repairer(user):
    form = {
        "name": "Høvik Skomakeri", "short_description": "Såler og hæler.", "description": "",
        "categories": ["shoes"], "address": "Høvikveien 12", "postal_code": "1363", "postal_town": "Høvik",
        "point": "59.9000, 10.5660", "phone": "", "email": "", "website": "", "access": "step_free",
        "access_note": "", "org_number": "974760673",
    }  # fmt: skip
    return "/en/reparasjon/mine/ny/", form, "name", lambda: Repairer.objects.filter(owners=user).count()


def _review(user):
    repairer = make_repairer()
    return (
        f"/en/reparasjon/{repairer.slug}/vurdering/",
        {"rating": "4", "text": "Fint arbeid."},
        "text",
        lambda: Review.objects.filter(author=user).count(),
    )


def _settings(user):
    def stored_name():
        user.profile.refresh_from_db()
        return user.profile.display_name

    form = {"display_name": "Kari", "preferred_language": "nb", "home_place": "", "email_on_unread": "on"}
    return "/en/konto/innstillinger/", form, "display_name", stored_name


FORMS = {"listing": _listing, "message": _message, "item": _item, "repairer": _repairer, "review": _review,
         "settings": _settings}  # fmt: skip


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_forms_refuse_hidden_characters_and_store_nothing(form, value):
    user = UserFactory(profile__display_name="Ola")
    url, data, field, stored = form(user)
    before = stored()
    response = login(user).post(url, {**data, field: value})
    assert response.status_code == 400
    assert "Control characters are not allowed." in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_forms_refuse_a_ten_megabyte_field_before_reading_it(form):
    user = UserFactory(profile__display_name="Ola")
    url, data, field, stored = form(user)
    before = stored()
    response = login(user).post(url, {**data, field: TEN_MB})
    assert response.status_code in {400, 413}
    assert stored() == before


@pytest.mark.parametrize("value", KEPT.values(), ids=KEPT.keys())
def test_sql_and_markup_are_stored_as_typed_and_shown_escaped(value):
    owner = UserFactory()
    client = login(owner)
    form = {"kind": "give", "title": value, "description": value, "category": "lamps", "condition": "good",
            "place": "Jar"}  # fmt: skip
    assert client.post("/en/gis-bort/ny/", form).status_code == 302
    listing = Listing.objects.get(owner=owner)
    assert (listing.title, listing.description) == (value, value)
    page = client.get(f"/en/gis-bort/{listing.pk}/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    api = client.get(f"/api/v1/listings/{listing.pk}").json()
    assert api["title"] == value


# --- The API ------------------------------------------------------------------------------------------


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_api_text_fields_refuse_hidden_characters(value):
    owner = UserFactory()
    client = login(owner)
    listing = {"title": value, "kind": "give", "category": "lamps", "condition": "good", "place": "Jar"}
    response = _post(client, "/api/v1/listings", listing)
    assert response.status_code in {400, 422} and response.json()["detail"]
    assert not Listing.objects.filter(owner=owner).exists()

    conversation, _ = conversation_open(user=owner, subject=make_listing(owner=UserFactory()))
    message = {"body": value, "client_id": str(uuid.uuid4())}
    response = _post(client, f"/api/v1/conversations/{conversation.pk}/messages", message)
    assert response.status_code in {400, 422} and response.json()["detail"]
    assert not Message.objects.filter(conversation=conversation).exists()


@pytest.mark.parametrize(
    "start",
    ["2026-12-05\x00", "2026-12-05T10:00\u202e", "'; DROP TABLE sharing_reservation; --", TEN_MB[:5000]],
)
def test_api_booking_refuses_unreadable_times(start):
    borrower = UserFactory()
    item = make_item(hub=make_hub())
    body = {"start": start, "end": days_ahead(3).isoformat()}
    response = _post(login(borrower), f"/api/v1/items/{item.pk}/reservations", body)
    assert response.status_code in {400, 422} and response.json()["detail"]
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/listings", {"title": TEN_MB, "kind": "give", "category": "lamps", "place": "Jar"}),
        ("/api/v1/conversations", {"user": 1, "padding": TEN_MB}),
    ],
    ids=["listing", "conversation"],
)
def test_api_refuses_a_ten_megabyte_body(path, body):
    owner = UserFactory()
    response = _post(login(owner), path, body)
    assert response.status_code in {400, 413}
    assert not Listing.objects.filter(owner=owner).exists()
