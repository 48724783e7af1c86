"""Request ids, JSON logs, /metrics, /readyz and the friendly error pages."""

import json
import logging
import uuid

import pytest
from django.utils import translation

from tests.factories import UserFactory


def test_a_request_id_is_made_and_returned(client, db):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32
    uuid.UUID(response["X-Request-ID"])


def test_a_well_formed_incoming_request_id_is_kept(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-abc.123"})
    assert response["X-Request-ID"] == "proxy-abc.123"


@pytest.mark.parametrize("bad", ["has spaces", "x" * 200, "semi;colon", "new\nline"])
def test_a_malformed_incoming_request_id_is_replaced(client, db, bad):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad and len(response["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id(client, db, settings):
    import io
    import logging.config

    from django.http import HttpResponse
    from django.urls import path

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config = settings.LOGGING
    formatter = logging.config.DictConfigurator(config).configure_custom(dict(config["formatters"]["json"]))
    handler.setFormatter(formatter)
    from core.observability import RequestIdFilter

    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("sirkel.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.info("hello from the view", extra={"listing": 7})
        return HttpResponse("ok")

    import sys
    import types

    urls = types.ModuleType("observability_test_urls")
    urls.urlpatterns = [path("log-something", view)]
    sys.modules["observability_test_urls"] = urls
    settings.ROOT_URLCONF = "observability_test_urls"
    try:
        response = client.get("/log-something", headers={"X-Request-ID": "req-42"})
    finally:
        logger.removeHandler(handler)
        sys.modules.pop("observability_test_urls")
    assert response.status_code == 200
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["message"] == "hello from the view"
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO" and line["logger"] == "sirkel.test" and line["listing"] == 7


def test_log_records_outside_requests_say_so():
    from core.observability import RequestIdFilter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


# --- metrics -----------------------------------------------------------------------------------


def test_metrics_need_a_token_or_staff(client, db, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get("/metrics").status_code == 403


def test_an_empty_metrics_token_opens_nothing(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_metrics_count_requests_latencies_and_the_task_queue(client, db, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    client.get("/api/v1/categories")
    client.get("/api/v1/categories")
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.filter(status="READY").count()
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'sirkel_http_requests_total{method="GET",route="/api/v1/categories",status="200"}' in text
    assert (
        'sirkel_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/categories"}'
        in text
    )
    assert f'sirkel_task_queue_depth{{queue="default"}} {float(before)}' in text
    assert "sirkel_websocket_connections" in text


def test_routes_not_raw_paths_label_the_metrics(client, db, settings):
    settings.METRICS_TOKEN = "t"
    client.get("/api/v1/listings/987654")
    text = client.get("/metrics", headers={"Authorization": "Bearer t"}).content.decode()
    assert "987654" not in text
    assert (
        'route="/api/v1/listings/<int:listing_id>"' in text
        or "listings/{" in text
        or 'route="/api/v1/' in text
    )


def test_a_staff_session_may_read_metrics(client, db):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics").status_code == 200


def test_queued_tasks_show_in_the_queue_depth(client, db, settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.METRICS_TOKEN = "t"
    DBTaskResult.objects.create(
        status="READY",
        task_path="marketplace.tasks.saved_searches_match",
        queue_name="default",
        backend_name="default",
        args_kwargs={"args": [], "kwargs": {}},
        enqueued_at=timezone.now(),
        run_after=None,
        priority=0,
    )
    text = client.get("/metrics", headers={"Authorization": "Bearer t"}).content.decode()
    assert 'sirkel_task_queue_depth{queue="default"} 1.0' in text


def test_websocket_connections_are_counted_from_accept_to_close():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from core.observability import WEBSOCKETS_OPEN, WebSocketMetricsMiddleware

    seen = []

    async def app(scope, receive, send):
        await send({"type": "websocket.accept"})
        seen.append(WEBSOCKETS_OPEN._value.get())
        await send({"type": "websocket.close", "code": 1000})

    async def send(message):
        pass

    async def receive():
        return {"type": "websocket.connect"}

    before = WEBSOCKETS_OPEN._value.get()
    # In a thread of its own: after a browser test, Playwright's event loop runs in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(
            asyncio.run, WebSocketMetricsMiddleware(app)({"type": "websocket"}, receive, send)
        ).result()
    assert seen == [before + 1]
    assert WEBSOCKETS_OPEN._value.get() == before


# --- readiness ----------------------------------------------------------------------------------


def test_readyz_is_ok_when_everything_is_there(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "migrations": "ok"}


def test_readyz_is_503_with_unapplied_migrations(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_readyz_is_503_when_redis_is_away(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["redis"] == "error"


def test_readyz_sees_a_real_unapplied_migration(client, db):
    """Roll one real migration back in the test database: readiness must notice."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    leaf = sorted(name for app, name in loader.graph.leaf_nodes() if app == "accounts")[-1]
    previous = [
        parent for parent in loader.graph.node_map[("accounts", leaf)].parents if parent.key[0] == "accounts"
    ]
    assert previous, "accounts needs two migrations for this test"
    call_command("migrate", "accounts", previous[0].key[1], verbosity=0)
    try:
        assert client.get("/readyz").json()["migrations"] == "pending"
    finally:
        call_command("migrate", verbosity=0)
    assert client.get("/readyz").status_code == 200


# --- error pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "language"), [("", "nb"), ("/en", "en")])
def test_404_page_is_friendly_in_both_languages(client, site, prefix, language):
    response = client.get(f"{prefix}/finnes-ikke-her/")
    assert response.status_code == 404
    with translation.override(language):
        assert translation.gettext("Page not found").encode() in response.content


def test_500_page_is_static_and_bilingual():
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text()
    assert "Noe gikk galt" in text and "Something went wrong" in text


def test_403_page_is_friendly(client, site, places):
    """Someone else's listing's edit page is refused with the friendly page."""
    from tests.factories import make_listing

    listing = make_listing(owner=UserFactory())
    client.force_login(UserFactory())
    response = client.get(f"/en/gis-bort/{listing.pk}/rediger/")
    assert response.status_code in (403, 404)
    with translation.override("en"):
        text = "Not allowed" if response.status_code == 403 else "Page not found"
    assert text.encode() in response.content and b"<h1" in response.content


@pytest.mark.parametrize(("prefix", "language"), [("", "nb"), ("/en", "en")])
def test_a_failed_csrf_check_gets_a_friendly_page_and_stores_nothing(site, places, prefix, language):
    from django.test import Client

    from marketplace.models import Listing

    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)
    response = client.post(f"{prefix}/gis-bort/ny/", {"kind": "give", "title": "Lampe", "place": "Jar"})
    assert response.status_code == 403
    with translation.override(language):
        assert translation.gettext("The form has expired").encode() in response.content
    assert b"<h1" in response.content and b"CSRF verification failed" not in response.content
    assert not Listing.objects.filter(owner=user).exists()


def test_a_failed_csrf_check_in_the_api_is_json_and_stores_nothing(places):
    from django.test import Client

    from marketplace.models import Listing

    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)
    body = {"title": "Lampe", "kind": "give", "category": "lamps", "condition": "good", "place": "Jar"}
    response = client.post(
        "/api/v1/listings", body, content_type="application/json", headers={"accept-language": "en"}
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "CSRF check failed: with a session, send the X-CSRFToken header"
    )
    assert not Listing.objects.filter(owner=user).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/finnes-ikke"), ("get", "/api/v1/listings/abc"), ("post", "/api/v1/listings/1,2/images"),
     ("get", "/api/v2/listings"), ("delete", "/api/v1/reservations/%0A")],
)  # fmt: skip
def test_unknown_api_paths_are_json_404s(client, db, method, path):
    client.force_login(UserFactory())  # a session, so a POST would meet the CSRF check first
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail", "errors"}
