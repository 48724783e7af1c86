"""The one rate limiter (core/ratelimit.py): per user and per IP, on writes and searches, in
Redis; 429 + Retry-After in the API, the friendly page in HTML; and it recovers."""

import pytest
from django.utils import translation

from core import ratelimit
from tests.factories import UserFactory

EN = {"accept-language": "en"}


@pytest.fixture
def clock(monkeypatch):
    """Move the limiter's clock instead of sleeping."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    return now


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {
        "write": {"user": "3/60", "ip": "5/60"},
        "search": {"user": "4/60", "ip": "6/60"},
        "admin_write": {"user": "50/60", "ip": "50/60"},
    }


def test_hit_counts_within_the_window_and_tells_when_it_ends(clock):
    assert [ratelimit.hit("k", limit=2, window=10) for _ in range(2)] == [None, None]
    clock["t"] += 4
    assert ratelimit.hit("k", limit=2, window=10) == 6  # the window opened 4 s ago
    clock["t"] += 6
    assert ratelimit.hit("k", limit=2, window=10) is None  # a new window


def test_counters_live_in_redis_so_every_process_shares_them(clock):
    from django.core.cache import cache, caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    ratelimit.hit("shared", limit=5, window=60)
    assert cache.get("rl:shared:60:n") == 1


def test_api_search_is_limited_with_429_and_retry_after(client, db, tight, clock):
    for _ in range(6):
        assert client.get("/api/v1/listings", {"q": "sykkel"}).status_code == 200
    response = client.get("/api/v1/listings", {"q": "sykkel"}, headers=EN)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 60
    assert "Too many requests" in response.json()["detail"]
    assert response.json()["errors"] == {}


def test_plain_browsing_without_a_search_is_not_counted(client, db, tight, clock):
    for _ in range(10):
        assert client.get("/api/v1/categories").status_code == 200


def test_the_limit_recovers_when_the_window_has_passed(client, db, tight, clock):
    for _ in range(7):
        client.get("/api/v1/listings", {"q": "sykkel"})
    assert client.get("/api/v1/listings", {"q": "sykkel"}).status_code == 429
    clock["t"] += 61
    assert client.get("/api/v1/listings", {"q": "sykkel"}).status_code == 200


def test_writes_are_limited_per_user_across_ips(client, db, tight, clock, places):
    user = UserFactory()
    client.force_login(user)
    body = {"title": "x"}  # invalid: the limiter counts before the view looks at it
    for n in range(3):
        response = client.post(
            "/api/v1/listings", body, content_type="application/json", REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 400
    response = client.post("/api/v1/listings", body, content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_writes_are_limited_per_ip_across_anonymous_clients(client, db, tight, clock):
    for _ in range(5):
        assert client.post("/api/v1/conversations", {}, content_type="application/json").status_code != 429
    assert client.post("/api/v1/conversations", {}, content_type="application/json").status_code == 429


def test_one_user_hitting_the_limit_does_not_stop_another(client, db, tight, clock):
    flooder, other = UserFactory(), UserFactory()
    client.force_login(flooder)
    for n in range(4):
        client.post("/en/gis-bort/lagret/sok/", {}, REMOTE_ADDR=f"10.1.0.{n}")
    assert client.post("/en/gis-bort/lagret/sok/", {}, REMOTE_ADDR="10.1.0.9").status_code == 429
    client.force_login(other)
    assert client.post("/en/gis-bort/lagret/sok/", {}, REMOTE_ADDR="10.2.0.1").status_code != 429


def test_api_tokens_are_limited_like_users(client, db, tight, clock):
    from accounts.services import api_token_create

    _token, key = api_token_create(user=UserFactory(), name="script")
    auth = {"Authorization": f"Bearer {key}"}
    for n in range(3):
        client.post(
            "/api/v1/conversations",
            {},
            content_type="application/json",
            headers=auth,
            REMOTE_ADDR=f"10.3.0.{n}",
        )
    response = client.post(
        "/api/v1/conversations", {}, content_type="application/json", headers=auth, REMOTE_ADDR="10.3.0.9"
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("prefix", "language", "text"), [("/en", "en", "Too many requests"), ("", "nb", None)]
)
def test_html_gets_a_friendly_page_in_the_visitors_language(
    client, site, tight, clock, prefix, language, text
):
    for _ in range(6):
        client.get(f"{prefix}/gis-bort/", {"q": "sykkel"})
    response = client.get(f"{prefix}/gis-bort/", {"q": "sykkel"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["Content-Language"] == language
    if text is None:
        with translation.override("nb"):
            text = translation.gettext("Too many requests")
    assert text.encode() in response.content
    assert b"<h1" in response.content


def test_every_write_method_is_counted():
    from django.test import RequestFactory

    factory = RequestFactory()
    for method in ("post", "put", "patch", "delete"):
        assert ratelimit.bucket_for(getattr(factory, method)("/api/v1/anything")) == "write"
    assert ratelimit.bucket_for(factory.post("/cms/pages/1/edit/")) == "admin_write"
    assert ratelimit.bucket_for(factory.get("/gis-bort/", {"place": "Sandvika"})) == "search"
    assert ratelimit.bucket_for(factory.get("/gis-bort/")) is None
