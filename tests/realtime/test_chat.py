"""The chat protocol (API.md) against live Daphne processes sharing Redis."""

import json
import uuid

import pytest
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from chat.models import Message
from chat.services import block_user, conversation_open
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.realtime


def cookie_for(user) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}"


def open_socket(server, conversation_id: int, user=None, cookie: str | None = None):
    if cookie is None and user is not None:
        _, cookie = cookie_for(user)
    headers = {"Cookie": cookie} if cookie else {}
    return connect(
        f"{server.ws_url}/ws/chat/{conversation_id}/",
        origin=server.url,
        additional_headers=headers,
        open_timeout=10,
    )


def recv(ws) -> dict:
    return json.loads(ws.recv(timeout=10))


def frames_until_read_marker(ws, marker_id: int) -> list[dict]:
    """Everything the socket got before the read receipt for `marker_id`: a channel delivers in
    order, so the receipt proves nothing earlier is still on its way."""
    frames = []
    while True:
        frame = recv(ws)
        if frame["type"] == "read" and frame["last_read_id"] == marker_id:
            return frames
        frames.append(frame)


@pytest.fixture
def talk(live_site):
    """A listing, its owner and someone asking about it, with their conversation."""
    owner, asker = UserFactory(profile__display_name="Olga"), UserFactory(profile__display_name="Per")
    listing = make_listing(owner=owner)
    conversation, _ = conversation_open(user=asker, subject=listing)
    return conversation, owner, asker


def test_a_message_reaches_the_other_process_once(talk, live_site, second_daphne):
    conversation, owner, asker = talk
    with (
        open_socket(live_site, conversation.pk, owner) as a,
        open_socket(second_daphne, conversation.pk, asker) as b,
    ):
        a.send(json.dumps({"type": "message", "body": "Hei fra A", "client_id": str(uuid.uuid4())}))
        got = recv(b)
        assert (
            got["type"] == "message"
            and got["body"] == "Hei fra A"
            and got["sender"]["display_name"] == "Olga"
        )
        assert got["conversation"] == conversation.pk
        echo = recv(a)  # the sender's own copy, with its client_id, says "sent"
        assert echo["id"] == got["id"] and echo["client_id"] == got["client_id"]
        b.send(json.dumps({"type": "read", "last_read_id": got["id"]}))
        assert frames_until_read_marker(b, got["id"]) == []  # nothing else, no duplicate
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_resume_after_a_dropped_socket_loses_nothing_and_repeats_nothing(talk, live_site, second_daphne):
    conversation, owner, asker = talk
    with open_socket(live_site, conversation.pk, owner) as a:
        with open_socket(second_daphne, conversation.pk, asker) as b:
            a.send(json.dumps({"type": "message", "body": "én"}))
            first = recv(b)
            assert recv(a)["id"] == first["id"]  # the sender's own copy
        # The asker's phone goes through a tunnel: their socket is gone.
        sent = []
        for body in ("to", "tre", "fire"):
            a.send(json.dumps({"type": "message", "body": body}))
            sent.append(recv(a)["id"])
    with open_socket(live_site, conversation.pk, asker) as b:
        b.send(json.dumps({"type": "resume", "after": first["id"]}))
        replayed = [recv(b) for _ in range(3)]
        assert [f["body"] for f in replayed] == ["to", "tre", "fire"]
        assert [f["id"] for f in replayed] == sent
        b.send(json.dumps({"type": "read", "last_read_id": sent[-1]}))
        assert frames_until_read_marker(b, sent[-1]) == []


def test_a_message_that_arrives_live_before_the_resume_is_not_replayed_again(talk, live_site):
    conversation, owner, asker = talk
    with open_socket(live_site, conversation.pk, owner) as a:
        a.send(json.dumps({"type": "message", "body": "én"}))
        first = recv(a)
        with open_socket(live_site, conversation.pk, asker) as b:
            # Reconnected, but the client has not sent its resume yet: "to" comes in live.
            a.send(json.dumps({"type": "message", "body": "to"}))
            live = recv(b)
            assert live["body"] == "to"
            b.send(json.dumps({"type": "resume", "after": first["id"]}))  # replays "to" no more
            b.send(json.dumps({"type": "read", "last_read_id": live["id"]}))
            assert frames_until_read_marker(b, live["id"]) == []


def test_the_same_client_id_stores_one_message(talk, live_site):
    conversation, owner, _ = talk
    client_id = str(uuid.uuid4())
    with open_socket(live_site, conversation.pk, owner) as a:
        frame = json.dumps({"type": "message", "body": "Kun én gang", "client_id": client_id})
        a.send(frame)
        first = recv(a)
        a.send(frame)  # the client did not see the answer and retries
        again = recv(a)
        assert first["id"] == again["id"] and again["client_id"] == client_id
    assert Message.objects.filter(client_id=client_id).count() == 1


def test_anonymous_and_outsiders_are_refused(talk, live_site):
    conversation, _, _ = talk
    with pytest.raises(ConnectionClosed) as anonymous, open_socket(live_site, conversation.pk) as ws:
        ws.recv(timeout=10)
    assert anonymous.value.rcvd.code == 4401
    with (
        pytest.raises(ConnectionClosed) as outsider,
        open_socket(live_site, conversation.pk, UserFactory()) as ws,
    ):
        ws.recv(timeout=10)
    assert outsider.value.rcvd.code == 4403


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "message", "body": "x" * 2001}, "too_long"),
        ({"type": "message", "body": "   "}, "invalid"),
        ({"type": "message", "body": 42}, "invalid"),
        ({"type": "message", "body": "hei", "client_id": "not-a-uuid"}, "invalid"),
        ({"type": "read", "last_read_id": "x"}, "invalid"),
        ({"type": "resume", "after": -1}, "invalid"),
        ({"type": "dance"}, "invalid"),
    ],
)
def test_bad_frames_get_error_codes_and_store_nothing(talk, live_site, frame, code):
    conversation, owner, _ = talk
    with open_socket(live_site, conversation.pk, owner) as a:
        a.send(json.dumps(frame))
        reply = recv(a)
        assert (reply["type"], reply["code"]) == ("error", code) and reply["detail"]
    assert not Message.objects.exists()


def test_a_blocked_user_gets_blocked(talk, live_site):
    conversation, owner, asker = talk
    block_user(blocker=owner, blocked=asker)
    with open_socket(live_site, conversation.pk, asker) as b:
        b.send(json.dumps({"type": "message", "body": "Hallo?"}))
        reply = recv(b)
        assert reply["code"] == "blocked"
    assert not Message.objects.exists()


def test_flooding_is_rate_limited(talk, live_site):
    conversation, owner, _ = talk
    with open_socket(live_site, conversation.pk, owner) as a:
        codes = []
        for n in range(25):
            a.send(json.dumps({"type": "message", "body": f"spam {n}"}))
            frame = recv(a)
            codes.append(frame.get("code", frame["type"]))
    assert codes[:20] == ["message"] * 20
    assert "rate_limited" in codes[20:]
    assert Message.objects.count() == 20


def test_script_is_just_text(talk, live_site):
    conversation, owner, asker = talk
    with open_socket(live_site, conversation.pk, owner) as a:
        a.send(json.dumps({"type": "message", "body": "<script>alert(1)</script>"}))
        assert recv(a)["body"] == "<script>alert(1)</script>"
    client, _ = cookie_for(asker)
    html = client.get(f"/meldinger/{conversation.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_logging_out_closes_the_socket(talk, live_site):
    conversation, owner, _ = talk
    client, cookie = cookie_for(owner)
    with open_socket(live_site, conversation.pk, cookie=cookie) as a:
        a.send(json.dumps({"type": "typing"}))  # proves the socket is up
        client.post("/konto/logout/")
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                recv(a)
    assert closed.value.rcvd.code == 4401


def test_typing_reaches_the_other_side_only(talk, live_site, second_daphne):
    conversation, owner, asker = talk
    with (
        open_socket(live_site, conversation.pk, owner) as a,
        open_socket(second_daphne, conversation.pk, asker) as b,
    ):
        a.send(json.dumps({"type": "typing"}))
        assert recv(b) == {"type": "typing", "user": owner.pk}
        a.send(json.dumps({"type": "message", "body": "ferdig"}))
        assert recv(a)["type"] == "message"  # no typing echo before the message


def test_a_deactivated_user_is_closed_on_their_next_frame(talk, live_site):
    conversation, owner, _ = talk
    with open_socket(live_site, conversation.pk, owner) as a:
        a.send(json.dumps({"type": "message", "body": "før"}))
        assert recv(a)["type"] == "message"
        type(owner).objects.filter(pk=owner.pk).update(is_active=False)  # no signal, no socket close
        a.send(json.dumps({"type": "message", "body": "etter"}))
        with pytest.raises(ConnectionClosed) as closed:
            recv(a)
    assert closed.value.rcvd.code == 4403
    assert list(Message.objects.values_list("body", flat=True)) == ["før"]
