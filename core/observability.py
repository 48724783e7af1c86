"""Request ids, JSON logs and Prometheus metrics.

- `RequestIdMiddleware` (first in MIDDLEWARE): takes a well-formed X-Request-ID from the proxy or
  makes one, keeps it in a context variable for the log lines of this request, and returns it
  in the response's X-Request-ID.
- `RequestIdFilter` puts `request_id` on every log record; `JsonFormatter` (python-json-logger)
  writes one JSON object a line when LOG_FORMAT=json (production's default).
- Metrics (prometheus-client): requests and latencies per route (the URL pattern, never the raw
  path, so the label set stays small), open WebSocket connections (`WebSocketMetricsMiddleware`
  around the ASGI websocket app) and the task queue depth, read at scrape time.
  With PROMETHEUS_MULTIPROC_DIR set, every process of a container (gunicorn's workers) writes
  its samples there and /metrics adds them up (docs/operations.md, "Metrics").
- `/metrics` answers a request with `Authorization: Bearer $METRICS_TOKEN` or from a staff user.
"""

from __future__ import annotations

import contextvars
import hmac
import logging
import os
import re
import time
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import REGISTRY, GaugeMetricFamily

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

HTTP_REQUESTS = Counter("sirkel_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "sirkel_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
WEBSOCKETS_OPEN = Gauge(
    "sirkel_websocket_connections",
    "WebSocket connections open now",
    multiprocess_mode="livesum",
)
WEBSOCKETS_ACCEPTED = Counter("sirkel_websocket_accepted", "WebSocket connections accepted")


# --- request ids and logs ---------------------------------------------------------------------


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        _observe(request, response, time.perf_counter() - started)
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def route_of(request) -> str:
    """The URL pattern that answered (a response replayed from the page cache carries the
    route of the page it replays: `request.metrics_route`)."""
    replayed = getattr(request, "metrics_route", "")
    if replayed:
        return replayed
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "unknown").lstrip("^")


def _observe(request, response, seconds: float) -> None:
    route = route_of(request)
    method = (
        request.method
        if request.method in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
        else "other"
    )
    HTTP_REQUESTS.labels(method, route, str(response.status_code)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


# --- WebSockets ---------------------------------------------------------------------------------


class WebSocketMetricsMiddleware:
    """ASGI middleware for the websocket protocol: counts sockets from accept to close."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        accepted = False

        async def counting_send(message):
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKETS_OPEN.inc()
                WEBSOCKETS_ACCEPTED.inc()
            elif message["type"] == "websocket.close" and accepted:
                accepted = False
                WEBSOCKETS_OPEN.dec()
            await send(message)

        try:
            return await self.app(scope, receive, counting_send)
        finally:
            if accepted:
                WEBSOCKETS_OPEN.dec()


# --- the task queue, read when scraped ------------------------------------------------------------


class TaskQueueCollector:
    """Tasks waiting in the database backend (django-tasks-db), by queue. Read by the process
    answering the scrape, so it is right whatever the number of processes."""

    def collect(self):
        family = GaugeMetricFamily("sirkel_task_queue_depth", "Tasks waiting to run", labels=["queue"])
        try:
            from django.db.models import Count
            from django_tasks_db.models import DBTaskResult

            rows = (
                DBTaskResult.objects.filter(status="READY")
                .values("queue_name")
                .annotate(n=Count("id"))
                .order_by()
            )
            counts = {row["queue_name"]: row["n"] for row in rows}
        except Exception:  # a scrape must not fail because the database is away
            logging.getLogger(__name__).warning("task queue depth unavailable", exc_info=True)
            return
        counts.setdefault("default", 0)
        for queue, n in sorted(counts.items()):
            family.add_metric([queue], n)
        yield family


_task_collector = TaskQueueCollector()


class _Scrape:
    """What /metrics writes: this process's metrics, or every process's when multi-process
    mode is on, and the task queue depth."""

    def __init__(self):
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            self.base = CollectorRegistry()
            multiprocess.MultiProcessCollector(self.base)
        else:
            self.base = REGISTRY

    def collect(self):
        yield from self.base.collect()
        yield from _task_collector.collect()


def _allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff)


@never_cache
def metrics_view(request):
    if not _allowed(request):
        response = HttpResponse("Forbidden: a metrics token or a staff session is required.\n", status=403)
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    return HttpResponse(generate_latest(_Scrape()), content_type=CONTENT_TYPE_LATEST)
