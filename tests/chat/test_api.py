import json
import uuid

import pytest
from django.test import Client

from chat.models import Message
from chat.services import block_user
from tests.factories import UserFactory, make_listing
from tests.support import login

pytestmark = pytest.mark.usefixtures("places")


def post(client, path, body):
    return client.post(
        path, json.dumps(body), content_type="application/json", headers={"accept-language": "en"}
    )


def test_open_about_a_listing_then_reopen(db):
    listing = make_listing(owner=UserFactory(profile__display_name="Olga"))
    asker = UserFactory(profile__display_name="Per")
    client = login(asker)
    first = post(client, "/api/v1/conversations", {"about": {"type": "listing", "id": listing.pk}})
    assert first.status_code == 201
    body = first.json()
    assert {p["display_name"] for p in body["participants"]} == {"Olga", "Per"}
    assert body["about"] == {"type": "listing", "id": listing.pk, "title": listing.title}
    again = post(client, "/api/v1/conversations", {"about": {"type": "listing", "id": listing.pk}})
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_talking_to_oneself_is_400_and_blocked_is_403(db):
    me, other = UserFactory(), UserFactory()
    client = login(me)
    assert post(client, "/api/v1/conversations", {"user": me.pk}).status_code == 400
    block_user(blocker=other, blocked=me)
    assert post(client, "/api/v1/conversations", {"user": other.pk}).status_code == 403


@pytest.mark.parametrize(
    "body",
    [{}, {"about": {"type": "spaceship", "id": 1}}, {"about": {"type": "listing", "id": 1}, "user": 2}],
)
def test_bad_open_requests_are_4xx(db, body):
    response = post(login(UserFactory()), "/api/v1/conversations", body)
    assert response.status_code in (400, 404) and response.json()["detail"]


def test_send_list_after_and_unread(db):
    listing = make_listing()
    asker = UserFactory()
    asker_client = login(asker)
    conversation_id = post(
        asker_client, "/api/v1/conversations", {"about": {"type": "listing", "id": listing.pk}}
    ).json()["id"]
    client_id = str(uuid.uuid4())
    first = post(
        asker_client,
        f"/api/v1/conversations/{conversation_id}/messages",
        {"body": "Hei", "client_id": client_id},
    )
    assert first.status_code == 201 and first.json()["client_id"] == client_id
    retry = post(
        asker_client,
        f"/api/v1/conversations/{conversation_id}/messages",
        {"body": "Hei", "client_id": client_id},
    )
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    post(asker_client, f"/api/v1/conversations/{conversation_id}/messages", {"body": "Er den ledig?"})
    owner_client = login(listing.owner)
    inbox = owner_client.get("/api/v1/conversations").json()
    assert inbox[0]["unread_count"] == 2 and inbox[0]["last_message"]["body"] == "Er den ledig?"
    after = owner_client.get(
        f"/api/v1/conversations/{conversation_id}/messages", {"after": first.json()["id"]}
    ).json()
    assert [m["body"] for m in after] == ["Er den ledig?"]
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "status"), [({"body": ""}, 400), ({"body": "x" * 2001}, 400), ({"body": "a\x00b"}, 400)]
)
def test_bad_messages_are_400_and_not_stored(db, body, status):
    listing = make_listing()
    client = login(UserFactory())
    conversation_id = post(
        client, "/api/v1/conversations", {"about": {"type": "listing", "id": listing.pk}}
    ).json()["id"]
    assert post(client, f"/api/v1/conversations/{conversation_id}/messages", body).status_code == status
    assert not Message.objects.exists()


def test_over_the_chat_limit_is_429_with_retry_after_and_not_stored(db):
    from chat.services import RATE_LIMIT_MESSAGES, RATE_LIMIT_WINDOW

    client = login(UserFactory())
    conversation_id = post(
        client, "/api/v1/conversations", {"about": {"type": "listing", "id": make_listing().pk}}
    ).json()["id"]
    path = f"/api/v1/conversations/{conversation_id}/messages"
    assert {post(client, path, {"body": f"Hei {i}"}).status_code for i in range(RATE_LIMIT_MESSAGES)} == {201}
    response = post(client, path, {"body": "Hei igjen"})
    assert response.status_code == 429 and int(response["Retry-After"]) == RATE_LIMIT_WINDOW
    assert response.json()["errors"] == {"detail": ["rate_limited"]}
    assert Message.objects.count() == RATE_LIMIT_MESSAGES


def test_outsiders_get_404(db):
    listing = make_listing()
    client = login(UserFactory())
    conversation_id = post(
        client, "/api/v1/conversations", {"about": {"type": "listing", "id": listing.pk}}
    ).json()["id"]
    outsider = login(UserFactory())
    assert outsider.get(f"/api/v1/conversations/{conversation_id}/messages").status_code == 404
    assert (
        post(outsider, f"/api/v1/conversations/{conversation_id}/messages", {"body": "Hei"}).status_code
        == 404
    )
    assert Client().get("/api/v1/conversations").status_code == 401
