"""Quote requests ("Be om pristilbud"): the request and its photos become the first messages
of the chat conversation with the business; photos are cleaned and only the two parties see
them; requests are rate limited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from catalog.models import Category
from chat.models import Conversation, Message
from repair.models import QuoteRequest, QuoteRequestPhoto
from repair.services import MAX_QUOTE_PHOTOS, QUOTES_PER_DAY, RepairerError, quote_request_send
from tests.factories import UserFactory
from tests.factory_repair import make_repairer
from tests.photos import gif, jpeg_with_gps
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


def _upload(content: bytes, name="sykkel.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_a_request_opens_the_conversation_with_the_business_and_is_its_first_message(db):
    repairer = make_repairer()
    resident = UserFactory()
    bikes = Category.objects.get(slug="bicycles")
    quote = quote_request_send(requester=resident, repairer=repairer, category=bikes, text="Giret hopper.")
    conversation = quote.conversation
    assert set(conversation.participant_ids) == {resident.pk, repairer.owners.get().pk}
    assert conversation.subject == repairer
    (message,) = Message.objects.filter(conversation=conversation)
    assert message.sender == resident and "Giret hopper." in message.body and bikes.name in message.body


def test_a_second_request_reopens_the_same_conversation(db):
    repairer = make_repairer()
    resident = UserFactory()
    first = quote_request_send(
        requester=resident,
        repairer=repairer,
        category=Category.objects.get(slug="bicycles"),
        text="Punktering.",
    )
    QuoteRequest.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(year=2020))
    second = quote_request_send(
        requester=resident,
        repairer=repairer,
        category=Category.objects.get(slug="e-bikes"),
        text="Batteriet.",
    )
    assert second.conversation_id == first.conversation_id
    assert Conversation.objects.count() == 1


def test_photos_are_cleaned_and_linked_in_a_message_only_the_two_parties_can_open(db):
    repairer = make_repairer()
    resident = UserFactory()
    client = login(resident)
    response = client.post(
        f"/reparasjon/{repairer.slug}/pristilbud/",
        {
            "category": "bicycles",
            "text": "Bremsen tar ikke.",
            "photos": [_upload(jpeg_with_gps()), _upload(jpeg_with_gps(colour=(0, 0, 0)))],
        },
    )
    quote = QuoteRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{quote.conversation_id}/")
    photos = list(quote.photos.all())
    assert len(photos) == 2
    messages = list(Message.objects.filter(conversation=quote.conversation).order_by("pk"))
    assert len(messages) == 2
    url = f"/reparasjon/pristilbud/{quote.pk}/bilde/{photos[0].pk}/"
    assert url in messages[1].body
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not image.getexif()  # GPS and camera gone
    assert login(repairer.owners.get()).get(url).status_code == 200
    assert login(UserFactory()).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_quote_photos_carry_no_description_and_nothing_of_the_file_name(db):
    """The request form asks for no description, so none is stored (PhotoBase.alt_text stays
    empty); the uploader's file name is neither the description nor the stored name, and the
    chat message links the photos by number only."""
    repairer = make_repairer()
    response = login(UserFactory()).post(
        f"/reparasjon/{repairer.slug}/pristilbud/",
        {
            "category": "bicycles",
            "text": "Bremsen tar ikke.",
            "photos": [_upload(jpeg_with_gps(), "kari-storgata-5.jpg")],
        },
    )
    assert response.status_code == 302
    quote = QuoteRequest.objects.get()
    (photo,) = quote.photos.all()
    assert photo.alt_text == ""
    assert not any("kari" in name or "storgata" in name for name in photo.stored_files())
    links = Message.objects.filter(conversation=quote.conversation).order_by("pk").last().body
    assert f"/reparasjon/pristilbud/{quote.pk}/bilde/{photo.pk}/" in links and "kari" not in links


def test_a_file_that_is_not_a_photo_is_a_form_error_and_nothing_is_sent(db):
    repairer = make_repairer()
    client = login(UserFactory())
    response = client.post(
        f"/reparasjon/{repairer.slug}/pristilbud/",
        {"category": "bicycles", "text": "Se bildet.", "photos": [_upload(gif(), "x.gif"), _upload(b"nope")]},
    )
    assert response.status_code == 400
    assert "ds-validation-message" in response.content.decode()
    assert not QuoteRequest.objects.exists() and not Message.objects.exists()


def test_at_most_four_photos(db):
    repairer = make_repairer()
    response = login(UserFactory()).post(
        f"/reparasjon/{repairer.slug}/pristilbud/",
        {
            "category": "bicycles",
            "text": "Mange bilder.",
            "photos": [_upload(jpeg_with_gps()) for _ in range(MAX_QUOTE_PHOTOS + 1)],
        },
    )
    assert response.status_code == 400
    assert not QuoteRequestPhoto.objects.exists()


def test_bad_input_is_a_form_error(db):
    repairer = make_repairer()
    client = login(UserFactory())
    response = client.post(f"/reparasjon/{repairer.slug}/pristilbud/", {"category": "no-such", "text": " "})
    assert response.status_code == 400
    assert not QuoteRequest.objects.exists()


def test_requests_are_rate_limited_per_business_and_per_day(db):
    resident = UserFactory()
    bikes = Category.objects.get(slug="bicycles")
    repairer = make_repairer()
    quote_request_send(requester=resident, repairer=repairer, category=bikes, text="En.")
    with pytest.raises(RepairerError) as refused:
        quote_request_send(requester=resident, repairer=repairer, category=bikes, text="To.")
    assert refused.value.status == 429
    others = [make_repairer(name=f"Verksted {n}") for n in range(QUOTES_PER_DAY)]
    for other in others[: QUOTES_PER_DAY - 1]:
        quote_request_send(requester=resident, repairer=other, category=bikes, text="Hei.")
    with pytest.raises(RepairerError) as refused:
        quote_request_send(requester=resident, repairer=others[-1], category=bikes, text="Hei.")
    assert refused.value.status == 429
    assert QuoteRequest.objects.count() == QUOTES_PER_DAY


def test_owners_cannot_ask_themselves_and_drafts_take_no_requests(owner):
    mine = make_repairer(owner=owner)
    assert login(owner).get(f"/reparasjon/{mine.slug}/pristilbud/").status_code == 403
    draft = make_repairer(name="Utkast", status="draft")
    assert login(UserFactory()).get(f"/reparasjon/{draft.slug}/pristilbud/").status_code == 404
