"""Hostile input on the forms and endpoints that store what people type: NUL bytes, other
control characters and text-direction overrides are refused with a clear 4xx and nothing is
stored; a 10 MB body is refused before any of it is read into a form; SQL fragments and
HTML/JavaScript are ordinary text: stored as typed, shown escaped, never executed."""

import json
import uuid
from datetime import timedelta
from typing import NamedTuple

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import AuditEntry, Role, User
from accounts.services import user_add_role
from catalog.models import Category
from chat.models import ConversationReport, Message
from chat.services import conversation_open
from cms.events.models import EventRegistration
from cms.services import site_ensure
from core.images import sanitize_upload
from core.text import HIDDEN_CHARACTERS_MESSAGE
from marketplace.models import ExchangeFeedback, Listing, ListingImage, ListingReport, SavedSearch
from marketplace.services import listing_image_add, listing_image_prepare
from repair.models import (
    OwnershipClaim,
    QuoteRequest,
    Repairer,
    RepairerHoursException,
    RepairerPhoto,
    RepairLog,
    Review,
    ReviewReport,
)
from repair.services import review_save
from sharing.models import Hub, Item, ItemPhoto, Reservation, Unit
from sharing.services import item_photo_add
from tests.factories import UserFactory, make_listing, mfa_enable
from tests.factories.events import make_event, make_event_index
from tests.factory_repair import BEKKESTUA, make_repairer
from tests.photos import jpeg_with_gps
from tests.sharing.conftest import days_ahead, make_hub, make_item
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "roles", "site")

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
# Each case: the form's address, valid data, the text field the hostile value goes into, and what
# is stored (a count or the stored value) to compare before and after. Third-party views (allauth's
# sign-up, Wagtail's snippet editor) answer a refused form with 200 and the form again.


class Case(NamedTuple):
    url: str
    data: dict
    field: str
    stored: object  # a callable
    refused_status: int = 400
    signed_in: bool = True

    def client(self, user):
        return login(user) if self.signed_in else Client()


def _photo(name="IMG_1.jpg"):
    return SimpleUploadedFile(name, jpeg_with_gps(width=200, height=150), content_type="image/jpeg")


def _listing(user):
    form = {"kind": "give", "title": "Lampe", "category": "lamps", "condition": "good", "place": "Jar"}
    return Case("/en/gis-bort/ny/", form, "title", lambda: Listing.objects.filter(owner=user).count())


def _message(user):
    conversation, _ = conversation_open(user=user, subject=make_listing(owner=UserFactory()))
    return Case(
        f"/en/meldinger/{conversation.pk}/",
        {"body": "Hei"},
        "body",
        lambda: Message.objects.filter(conversation=conversation).count(),
    )


def _conversation_report(user):
    conversation, _ = conversation_open(user=user, subject=make_listing(owner=UserFactory()))
    return Case(
        f"/en/meldinger/{conversation.pk}/rapporter/",
        {"text": "Truende"},
        "text",
        lambda: ConversationReport.objects.filter(conversation=conversation).count(),
    )


def _item(user):
    form = {
        "title": "Stikksag", "description": "", "category": "tools", "max_loan_days": "5",
        "min_notice_hours": "0", "deposit": "", "required_proof": "", "accessories": "", "pledge": "",
        "place": "", "point": "59.91840,10.58740",
    }  # fmt: skip
    return Case("/en/laan/utlan/ny/", form, "title", lambda: Item.objects.filter(owner=user).count())


PROFILE = {
    "name": "Høvik Skomakeri", "short_description": "Såler og hæler.", "description": "",
    "categories": ["shoes"], "address": "Høvikveien 12", "postal_code": "1363", "postal_town": "Høvik",
    "point": "59.9000, 10.5660", "phone": "", "email": "", "website": "", "access": "step_free",
    "access_note": "", "org_number": "974760673",
}  # fmt: skip


def _repairer(user):
    return Case(
        "/en/reparasjon/mine/ny/", PROFILE, "name", lambda: Repairer.objects.filter(owners=user).count()
    )


def _repairer_edit(user):
    repairer = make_repairer(owner=user, status="draft")
    return Case(
        f"/en/reparasjon/mine/{repairer.pk}/",
        PROFILE,
        "description",
        lambda: Repairer.objects.values_list("name", "description").get(pk=repairer.pk),
    )


def _repairer_services(user):
    repairer = make_repairer(owner=user)
    form = {"services-TOTAL_FORMS": "3", "services-INITIAL_FORMS": "0", "services-0-name": "Bytte batteri",
            "services-0-price_from": "490", "services-0-price_note": "pluss deler"}  # fmt: skip
    return Case(
        f"/en/reparasjon/mine/{repairer.pk}/tjenester/",
        form,
        "services-0-price_note",
        lambda: list(repairer.services.values_list("name", "price_note")),
    )


def _repairer_hours_exception(user):
    repairer = make_repairer(owner=user, hours=[])
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    form = {"week-monday": "9-17", "special-TOTAL_FORMS": "1", "special-INITIAL_FORMS": "0",
            "special-0-start_date": day, "special-0-closed": "on", "special-0-note": "Jul"}  # fmt: skip
    return Case(
        f"/en/reparasjon/mine/{repairer.pk}/apningstider/",
        form,
        "special-0-note",
        lambda: RepairerHoursException.objects.filter(repairer=repairer).count(),
    )


def _repairer_photo(user):
    repairer = make_repairer(owner=user)
    return Case(
        f"/en/reparasjon/mine/{repairer.pk}/bilder/",
        {"photo": _photo(), "alt_text": "Verkstedet"},
        "alt_text",
        lambda: RepairerPhoto.objects.filter(repairer=repairer).count(),
    )


def _review(user):
    repairer = make_repairer()
    return Case(
        f"/en/reparasjon/{repairer.slug}/vurdering/",
        {"rating": "4", "text": "Fint arbeid."},
        "text",
        lambda: Review.objects.filter(author=user).count(),
    )


def _review_answer(user):
    repairer = make_repairer(owner=user)
    review, _ = review_save(repairer=repairer, author=UserFactory(), rating=2, text="Treg")
    return Case(
        f"/en/reparasjon/{repairer.slug}/vurdering/{review.pk}/svar/",
        {"answer": "Beklager ventetiden."},
        "answer",
        lambda: Review.objects.values_list("answer", flat=True).get(pk=review.pk),
    )


def _review_report(user):
    repairer = make_repairer()
    review, _ = review_save(repairer=repairer, author=UserFactory(), rating=1, text="Svindel!")
    return Case(
        f"/en/reparasjon/{repairer.slug}/vurdering/{review.pk}/rapporter/",
        {"reason": ReviewReport.Reason.FAKE, "text": "Aldri vært der."},
        "text",
        lambda: ReviewReport.objects.filter(review=review).count(),
    )


def _quote_request(user):
    repairer = make_repairer()
    return Case(
        f"/en/reparasjon/{repairer.slug}/pristilbud/",
        {"category": "bicycles", "text": "Bremsen tar ikke.", "photos": [_photo()]},
        "text",
        lambda: QuoteRequest.objects.filter(requester=user).count(),
    )


def _repair_log(user):
    form = {"logged_as": "resident", "category": "bicycles", "product": "Terrengsykkel", "brand": "",
            "model_name": "", "problem": "Slakk kjede", "outcome": "fixed",
            "repaired_on": timezone.localdate().isoformat()}  # fmt: skip
    return Case("/en/reparasjon/logg/", form, "problem", lambda: RepairLog.objects.count())


def _claim(user):
    repairer = make_repairer()
    repairer.owners.clear()
    return Case(
        f"/en/reparasjon/{repairer.slug}/krev/",
        {"message": "Jeg driver verkstedet."},
        "message",
        lambda: OwnershipClaim.objects.filter(repairer=repairer).count(),
    )


def _event_registration(user):
    event = make_event(make_event_index(site_ensure()))
    return Case(
        event.url + "pamelding/",
        {"item": "Brødrister", "problem": "Blir ikke varm"},
        "item",
        lambda: EventRegistration.objects.filter(event=event).count(),
    )


def _completed_exchange(user) -> Listing:
    listing = make_listing(owner=UserFactory())
    Listing.objects.filter(pk=listing.pk).update(
        status="completed", reserved_for=user, completed_at=timezone.now()
    )
    return listing


def _feedback(user):
    listing = _completed_exchange(user)
    return Case(
        f"/en/gis-bort/{listing.pk}/tilbakemelding/",
        {"rating": "positive", "text": "Takk!"},
        "text",
        lambda: ExchangeFeedback.objects.filter(author=user).count(),
    )


def _listing_report(user):
    listing = make_listing(owner=UserFactory())
    return Case(
        f"/en/gis-bort/{listing.pk}/rapporter/",
        {"reason": ListingReport.Reason.SPAM, "text": "Reklame."},
        "text",
        lambda: ListingReport.objects.filter(listing=listing).count(),
    )


def _saved_search(field):
    def case(user):
        form = {"name": "Lamper", "q": "lampe", "kind": "give", "frequency": "instant"}
        return Case(
            "/en/gis-bort/lagret/sok/", form, field, lambda: SavedSearch.objects.filter(user=user).count()
        )

    return case


def _listing_photo_description(user):
    listing = make_listing(owner=user)
    image = listing_image_add(listing=listing, image=listing_image_prepare(_photo()))
    return Case(
        f"/en/gis-bort/{listing.pk}/bilder/",
        {"action": "describe", "image": image.pk, "alt_text": "Lampen"},
        "alt_text",
        lambda: ListingImage.objects.values_list("alt_text", flat=True).get(pk=image.pk),
    )


def _item_photo_description(user):
    item = make_item(owner=user, category="tools", title="Stikksag")
    photo = item_photo_add(item=item, image=sanitize_upload(_photo()), by=user)
    return Case(
        f"/en/laan/{item.pk}/bilder/",
        {"action": "describe", "photo": photo.pk, "alt_text": "Sagen"},
        "alt_text",
        lambda: ItemPhoto.objects.values_list("alt_text", flat=True).get(pk=photo.pk),
    )


def _lent_out(user, **item) -> Reservation:
    item = make_item(owner=user, **item)
    now = timezone.now()
    return Reservation.objects.create(
        item=item, unit=item.units.first(), borrower=UserFactory(), start=now - timedelta(minutes=5),
        end=now + timedelta(days=1), status=Reservation.Status.CHECKED_OUT,
    )  # fmt: skip


def _check_in(user):
    loan = _lent_out(user)
    return Case(
        f"/en/laan/utlan/{loan.pk}/ta-imot/",
        {"condition": "ok", "notes": "Fin"},
        "notes",
        lambda: Reservation.objects.filter(pk=loan.pk, status=Reservation.Status.RETURNED).count(),
    )


def _refer_to_repairer(user):
    repairer = make_repairer(categories=("bicycles",), at=BEKKESTUA)
    loan = _lent_out(user, category="bicycles", title="Sykkel")
    Unit.objects.filter(pk=loan.unit_id).update(status="in_repair")
    return Case(
        f"/en/laan/utlan/enhet/{loan.unit_id}/reparasjon/",
        {"repairer": repairer.pk, "note": "Haster"},
        "note",
        lambda: Message.objects.filter(sender=user).count(),
    )


def _settings(user):
    def stored_name():
        user.profile.refresh_from_db()
        return user.profile.display_name

    form = {"display_name": "Kari", "preferred_language": "nb", "home_place": "", "email_on_unread": "on"}
    return Case("/en/konto/innstillinger/", form, "display_name", stored_name)


def _api_token(user):
    return Case(
        "/en/konto/innstillinger/tokens/", {"name": "Mitt skript"}, "name", lambda: user.api_tokens.count()
    )


def _signup(user):
    form = {"display_name": "Nybygger", "email": "ny@example.test", "password1": "lang-og-sterk-42",
            "password2": "lang-og-sterk-42"}  # fmt: skip
    return Case(
        "/en/konto/signup/",
        form,
        "display_name",
        lambda: User.objects.count(),
        refused_status=200,
        signed_in=False,
    )


def _staff(user, role):
    mfa_enable(user)  # staff screens require MFA
    user_add_role(user=user, role=role)


def _moderate_listing(user):
    _staff(user, Role.MODERATOR)
    listing = make_listing(owner=UserFactory())
    return Case(
        f"/cms/moderering/annonse/{listing.pk}/",
        {"action": "hide", "reason": "Reklame"},
        "reason",
        lambda: Listing.objects.filter(pk=listing.pk, hidden_at__isnull=False).count(),
    )


def _warn_user(user):
    _staff(user, Role.MODERATOR)
    listing = make_listing(owner=UserFactory())
    return Case(
        f"/cms/moderering/annonse/{listing.pk}/",
        {"action": "warn", "message": "Ikke gjør det igjen."},
        "message",
        lambda: AuditEntry.objects.filter(action="warn_user").count(),
    )


def _send_back_repairer(user):
    _staff(user, Role.EDITOR)
    repairer = make_repairer(status="pending")
    return Case(
        f"/cms/reparatorer/{repairer.pk}/",
        {"action": "reject", "reason": "Mangler adresse"},
        "reason",
        lambda: Repairer.objects.values_list("status", "status_reason").get(pk=repairer.pk),
    )


def _decide_claim(user):
    _staff(user, Role.EDITOR)
    repairer = make_repairer()
    claim = OwnershipClaim.objects.create(repairer=repairer, claimant=UserFactory(), message="Min")
    return Case(
        f"/cms/reparatorer/krav/{claim.pk}/",
        {"action": "refuse", "note": "Ingen bevis"},
        "note",
        lambda: OwnershipClaim.objects.values_list("status", "decision_note").get(pk=claim.pk),
    )


def _hide_review(user):
    _staff(user, Role.MODERATOR)
    review, _ = review_save(repairer=make_repairer(), author=UserFactory(), rating=1, text="Svindel!")
    return Case(
        f"/cms/reparatorer/vurderinger/{review.pk}/",
        {"action": "hide", "reason": "Falsk."},
        "reason",
        lambda: Review.objects.filter(pk=review.pk, hidden_at__isnull=False).count(),
    )


def _hub_edit(user):
    _staff(user, Role.EDITOR)
    hub = make_hub()
    form = {"name": hub.name, "slug": hub.slug, "description": "", "address": hub.address, "lat": "59.8953",
            "lon": "10.6266", "email": "", "phone": "", "rules": "Vær snill.", "max_active_per_user": "3",
            "staff_emails": ""}  # fmt: skip
    return Case(
        f"/cms/snippets/sharing/hub/edit/{hub.pk}/",
        form,
        "rules",
        lambda: Hub.objects.values_list("rules", flat=True).get(pk=hub.pk),
        refused_status=200,
    )


def _hub_item(field):
    """The hub items of the lending admin (sharing.admin_forms.ItemAdminForm), a model field and
    one of the form's own."""

    def case(user):
        _staff(user, Role.EDITOR)
        hub, category = make_hub(), Category.objects.get(slug="water-sports")
        form = {"hub": hub.pk, "title": "Kano", "description": "", "category": category.pk,
                "units": "1", "status": "available", "max_loan_days": "3", "min_notice_hours": "0",
                "age_limit": "", "required_proof": "", "deposit": "", "accessories_text": "Padleåre",
                "pledge": ""}  # fmt: skip
        return Case(
            "/cms/snippets/sharing/item/add/",
            form,
            field,
            lambda: Item.objects.filter(hub=hub).count(),
            refused_status=200,
        )

    return case


FORMS = {
    "listing": _listing, "message": _message, "conversation report": _conversation_report, "item": _item,
    "repairer": _repairer, "repairer edit": _repairer_edit, "repairer services": _repairer_services,
    "repairer hours exception": _repairer_hours_exception, "repairer photo": _repairer_photo,
    "review": _review, "review answer": _review_answer, "review report": _review_report,
    "quote request": _quote_request, "repair log": _repair_log, "claim": _claim,
    "event registration": _event_registration, "exchange feedback": _feedback,
    "listing report": _listing_report, "saved search name": _saved_search("name"),
    "saved search query": _saved_search("q"), "listing photo description": _listing_photo_description,
    "item photo description": _item_photo_description, "check-in notes": _check_in,
    "refer to repairer": _refer_to_repairer, "settings": _settings, "api token": _api_token,
    "signup": _signup, "moderate listing": _moderate_listing, "warn user": _warn_user,
    "send back repairer": _send_back_repairer, "decide claim": _decide_claim, "hide review": _hide_review,
    "hub edit": _hub_edit, "hub item title": _hub_item("title"),
    "hub item accessories": _hub_item("accessories_text"),
}  # fmt: skip


def _refusal_shown(html: str) -> bool:
    """The refusal in English, or in Norwegian for pages that exist only in Norwegian (events)."""
    with translation.override("nb"):
        norwegian = str(HIDDEN_CHARACTERS_MESSAGE)
    return any(
        message.replace("'", "&#x27;") in html for message in (str(HIDDEN_CHARACTERS_MESSAGE), norwegian)
    )


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_forms_refuse_hidden_characters_and_store_nothing(form, value):
    user = UserFactory(profile__display_name="Ola")
    case = form(user)
    before = case.stored()
    response = case.client(user).post(case.url, {**case.data, case.field: value})
    # A NUL is refused before any view (core.middleware.NulByteMiddleware), also in the
    # third-party views that answer a refused form with 200.
    assert response.status_code == (400 if "\x00" in value else case.refused_status)
    assert _refusal_shown(response.content.decode())
    assert case.stored() == before


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_forms_accept_the_same_data_without_the_hidden_characters(form):
    """The cases are valid as given: what the tests above see refused is the hidden character."""
    user = UserFactory(profile__display_name="Ola")
    case = form(user)
    before = case.stored()
    response = case.client(user).post(case.url, case.data)
    assert response.status_code in {200, 302}, response.content.decode()[:2000]
    assert case.stored() != before


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_forms_refuse_a_ten_megabyte_field_before_reading_it(form):
    user = UserFactory(profile__display_name="Ola")
    case = form(user)
    before = case.stored()
    response = case.client(user).post(case.url, {**case.data, case.field: TEN_MB})
    assert response.status_code in {400, 413}
    assert case.stored() == before


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


# Where else typed text is shown to others: (form case, the stored text, the page that shows it).
def _shown_review(user):
    case = _review(user)
    review = lambda: Review.objects.get(author=user)  # noqa: E731
    return case, lambda: review().text, lambda: f"/en/reparasjon/{review().repairer.slug}/"


def _shown_message(user):
    case = _message(user)
    return case, lambda: Message.objects.get(sender=user).body, lambda: case.url


def _shown_item(user):
    case = _item(user)
    item = lambda: Item.objects.get(owner=user)  # noqa: E731
    return case, lambda: item().title, lambda: f"/en/laan/{item().pk}/"


def _shown_review_answer(user):
    case = _review_answer(user)
    return case, case.stored, lambda: case.url.split("vurdering/")[0]


SHOWN = {"review": _shown_review, "message": _shown_message, "item": _shown_item,
         "review answer": _shown_review_answer}  # fmt: skip


@pytest.mark.parametrize("value", KEPT.values(), ids=KEPT.keys())
@pytest.mark.parametrize("shown", SHOWN.values(), ids=SHOWN.keys())
def test_sql_and_markup_in_other_forms_are_stored_as_typed_and_shown_escaped(shown, value):
    user = UserFactory(profile__display_name="Ola")
    case, stored_text, page_url = shown(user)
    client = login(user)
    assert client.post(case.url, {**case.data, case.field: value}).status_code == 302
    assert stored_text() == value
    page = client.get(page_url()).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert escape(value) in page


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_websocket_messages_refuse_hidden_characters_in_the_service_they_share(value):
    """The chat consumer validates the frame's shape and hands the body to message_send, which
    applies the same rule as the forms and the API."""
    from chat.services import ChatError, message_send

    user = UserFactory()
    conversation, _ = conversation_open(user=user, subject=make_listing(owner=UserFactory()))
    with pytest.raises(ChatError) as refused:
        message_send(conversation=conversation, sender=user, body=value, publish=lambda *args: None)
    assert refused.value.message == str(HIDDEN_CHARACTERS_MESSAGE)
    assert not Message.objects.filter(conversation=conversation).exists()


# --- The API ------------------------------------------------------------------------------------------


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


class ApiCase(NamedTuple):
    method: str
    path: str
    body: dict
    field: str
    stored: object  # a callable
    multipart: bool = False


def _api_listing(user):
    body = {"title": "Lampe", "kind": "give", "category": "lamps", "condition": "good", "place": "Jar"}
    return ApiCase(
        "post", "/api/v1/listings", body, "title", lambda: Listing.objects.filter(owner=user).count()
    )


def _api_listing_patch(user):
    listing = make_listing(owner=user)
    return ApiCase(
        "patch",
        f"/api/v1/listings/{listing.pk}",
        {"description": "Som ny."},
        "description",
        lambda: Listing.objects.values_list("title", "description").get(pk=listing.pk),
    )


def _api_listing_photo(user):
    listing = make_listing(owner=user)
    return ApiCase(
        "post",
        f"/api/v1/listings/{listing.pk}/images",
        {"image": _photo(), "alt": "Lampen"},
        "alt",
        lambda: ListingImage.objects.filter(listing=listing).count(),
        multipart=True,
    )


def _api_message(user):
    conversation, _ = conversation_open(user=user, subject=make_listing(owner=UserFactory()))
    return ApiCase(
        "post",
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"body": "Hei", "client_id": str(uuid.uuid4())},
        "body",
        lambda: Message.objects.filter(conversation=conversation).count(),
    )


def _api_repairer_patch(user):
    repairer = make_repairer(owner=user)
    return ApiCase(
        "patch",
        f"/api/v1/repairers/{repairer.pk}",
        {"name": "Sandvika Sykkel og Ski"},
        "name",
        lambda: Repairer.objects.values_list("name", "short_description").get(pk=repairer.pk),
    )


def _api_review(user):
    repairer = make_repairer()
    return ApiCase(
        "post",
        f"/api/v1/repairers/{repairer.pk}/reviews",
        {"rating": 4, "text": "Fint arbeid."},
        "text",
        lambda: Review.objects.filter(author=user).count(),
    )


ENDPOINTS = {
    "listing": _api_listing, "listing patch": _api_listing_patch, "listing photo alt": _api_listing_photo,
    "message": _api_message, "repairer patch": _api_repairer_patch, "review": _api_review,
}  # fmt: skip


def _send(client, case: ApiCase, body: dict):
    if case.multipart:
        return getattr(client, case.method)(case.path, body)
    return getattr(client, case.method)(case.path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_api_text_fields_refuse_hidden_characters(endpoint, value):
    user = UserFactory()
    case = endpoint(user)
    before = case.stored()
    response = _send(login(user), case, {**case.body, case.field: value})
    assert response.status_code in {400, 422} and response.json()["detail"]
    assert case.stored() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_api_accepts_the_same_bodies_without_the_hidden_characters(endpoint):
    user = UserFactory()
    case = endpoint(user)
    before = case.stored()
    response = _send(login(user), case, case.body)
    assert response.status_code in {200, 201}, response.content.decode()[:2000]
    assert case.stored() != before


@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_api_refuses_a_ten_megabyte_field(endpoint):
    user = UserFactory()
    case = endpoint(user)
    before = case.stored()
    response = _send(login(user), case, {**case.body, case.field: TEN_MB})
    assert response.status_code in {400, 413}
    assert case.stored() == before


@pytest.mark.parametrize("what", ["reservations", "waitlist"])
@pytest.mark.parametrize(
    "start",
    ["2026-12-05\x00", "2026-12-05T10:00\u202e", "'; DROP TABLE sharing_reservation; --", TEN_MB[:5000]],
)
def test_api_booking_and_waitlist_refuse_unreadable_times(start, what):
    from sharing.models import WaitlistEntry

    borrower = UserFactory()
    item = make_item(hub=make_hub())
    body = json.dumps({"start": start, "end": days_ahead(3).isoformat()})
    response = login(borrower).post(f"/api/v1/items/{item.pk}/{what}", body, content_type="application/json")
    assert response.status_code in {400, 422} and response.json()["detail"]
    assert not Reservation.objects.exists() and not WaitlistEntry.objects.exists()


def test_api_refuses_a_ten_megabyte_body_of_unknown_fields():
    owner = UserFactory()
    body = json.dumps({"user": 1, "padding": TEN_MB})
    response = login(owner).post("/api/v1/conversations", body, content_type="application/json")
    assert response.status_code in {400, 413}


# --- NUL in any query or form value, in views that are not ours ---------------------------------------
# (core.middleware.NulByteMiddleware: PostgreSQL cannot store NUL, so without the guard these end
# as a 500 wherever no form of ours refuses them first.)


def test_a_nul_in_the_sign_in_form_is_a_400_page():
    response = Client().post("/en/konto/login/", {"login": "kari\x00@example.no", "password": "x"})
    assert response.status_code == 400
    assert b"We could not read the request" in response.content and b"<h1" in response.content


def test_a_nul_in_the_wagtail_editor_is_refused_and_no_page_is_stored(site):
    from wagtail.models import Page

    from accounts.services import roles_ensure

    roles_ensure()
    editor = UserFactory()
    user_add_role(user=editor, role=Role.EDITOR)
    mfa_enable(editor)  # staff screens require it
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page
    before = Page.objects.count()
    response = login(editor).post(
        f"/cms/pages/add/cms/standardpage/{home.pk}/",
        {"title": "Om oss\x00", "slug": "om-oss", "action-publish": "1"},
    )
    assert response.status_code == 400
    assert Page.objects.count() == before


@pytest.mark.parametrize(
    "path", ["/api/v1/listings?q=sykkel%00", "/api/v1/places?q=Jar%00", "/en/gis-bort/?q=%00", "/en/?x=%00"]
)
def test_a_nul_in_the_query_string_is_a_clear_400(client, path):
    response = client.get(path, headers={"accept-language": "en"})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json() == {"detail": "Control characters are not allowed.", "errors": {}}
    else:
        assert b"Control characters are not allowed." in response.content
