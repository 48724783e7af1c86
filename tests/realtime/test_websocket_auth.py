"""A WebSocket through a live Daphne: session authentication and origin validation."""

import json

import pytest
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.factories import UserFactory

pytestmark = pytest.mark.realtime


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def ping(url: str, origin: str, cookie: str | None):
    headers = {"Cookie": cookie} if cookie else {}
    with connect(url, origin=origin, additional_headers=headers, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "ping"}))
        return json.loads(ws.recv(timeout=10))


def test_signed_in_user_gets_a_pong_with_their_id(live_site):
    user = UserFactory()
    reply = ping(f"{live_site.ws_url}/ws/ping/", live_site.url, session_cookie(user))
    assert reply == {"type": "pong", "user": user.pk}


def test_anonymous_connection_is_closed_with_4401(live_site):
    with pytest.raises(ConnectionClosed) as caught:
        ping(f"{live_site.ws_url}/ws/ping/", live_site.url, None)
    assert caught.value.rcvd.code == 4401


def test_foreign_origin_is_refused(live_site):
    user = UserFactory()
    with pytest.raises(InvalidStatus) as caught:
        ping(f"{live_site.ws_url}/ws/ping/", "https://evil.example", session_cookie(user))
    assert caught.value.response.status_code == 403


def test_bad_frames_get_error_frames_and_the_socket_stays_open(live_site):
    user = UserFactory()

    headers = {"Cookie": session_cookie(user)}
    replies = []
    with connect(f"{live_site.ws_url}/ws/ping/", origin=live_site.url, additional_headers=headers) as ws:
        for frame in (json.dumps({"type": "nonsense"}), "not json {", b"\x00\x01", json.dumps([1, 2])):
            ws.send(frame)
            replies.append(json.loads(ws.recv(timeout=10)))
        ws.send(json.dumps({"type": "ping"}))
        replies.append(json.loads(ws.recv(timeout=10)))

    *errors, last = replies
    assert [(e["type"], e["code"]) for e in errors] == [("error", "invalid")] * 4
    assert last == {"type": "pong", "user": user.pk}


@pytest.mark.parametrize("cookie", ["sessionid=not-a-session", "sessionid=", "other=1; sessionid"])
def test_an_unknown_or_malformed_session_is_anonymous(live_site, cookie):
    with pytest.raises(ConnectionClosed) as caught:
        ping(f"{live_site.ws_url}/ws/ping/", live_site.url, cookie)
    assert caught.value.rcvd.code == 4401


def test_a_session_from_before_a_password_change_is_anonymous(live_site):
    user = UserFactory()
    cookie = session_cookie(user)
    assert ping(f"{live_site.ws_url}/ws/ping/", live_site.url, cookie)["user"] == user.pk
    user.set_password("a-new-password-2026")
    user.save()
    with pytest.raises(ConnectionClosed) as caught:
        ping(f"{live_site.ws_url}/ws/ping/", live_site.url, cookie)
    assert caught.value.rcvd.code == 4401
