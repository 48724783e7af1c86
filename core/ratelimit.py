"""One rate-limit mechanism for the whole site: fixed-window counters in the Redis cache, keyed
per user (or API token) and per client IP.

`RateLimitMiddleware` applies the buckets of `settings.RATE_LIMITS` to every request that writes
(POST, PUT, PATCH, DELETE) and to every search (a GET with one of `SEARCH_PARAMETERS`), so an
endpoint added later is limited without doing anything. Over the limit, the API answers
429 `{"detail", "errors"}` with Retry-After and HTML gets the friendly 429 page (templates/429.html),
in the visitor's language. Code outside a request can call `hit()` directly. (Chat's per-user
message limit is counted in its store statement instead: chat.services.)

Login, sign-up and password-reset attempts have their own, tighter limits in allauth
(ACCOUNT_RATE_LIMITS), which count in the same cache. Quotas that are business rules (20 new
listings a day, 10 reports a day) stay in the services, counted from the database."""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.cache import process_cache, process_redis

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A GET with any of these is a search (lists of listings, repairers, items; site search).
SEARCH_PARAMETERS = ("q", "near", "place", "query")

DEFAULT_RATE_LIMITS = {
    # bucket: {scope: "count/seconds"}
    "write": {"user": "60/60", "ip": "120/60"},
    "search": {"user": "120/60", "ip": "240/60"},
    # The Wagtail admin autosaves and previews on every change; its users are few and signed in
    # with MFA, so their bucket is wider.
    "admin_write": {"user": "600/60", "ip": "600/60"},
}


def _now() -> float:
    return time.time()


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _sep, seconds = text.partition("/")
        return cls(limit=int(count), window=int(seconds or 60))


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"rate limited, retry after {retry_after} s")


# One round trip, atomic: open a window at the first event (or when the caller's clock says
# the open one is over), count the event, answer the count and when the window opened.
_HIT_SCRIPT = """
local opened = redis.call('GET', KEYS[2])
local ttl = tonumber(ARGV[3])
if not opened or tonumber(ARGV[1]) - tonumber(opened) >= tonumber(ARGV[2]) then
    opened = ARGV[1]
    redis.call('SET', KEYS[2], opened, 'EX', ttl)
    redis.call('SET', KEYS[1], 0, 'EX', ttl)
end
return {redis.call('INCR', KEYS[1]), opened}
"""


@functools.cache
def _hit_script():
    return process_redis().register_script(_HIT_SCRIPT)


def hit(key: str, *, limit: int, window: int) -> int | None:
    """Count one event for `key`; None while within `limit` per `window` seconds, else the
    seconds until the window ends (for Retry-After). A window opens with the first event in it
    (windows cut by the clock would let a burst straddling a boundary through twice). One
    round trip to Redis, on the process's one client (core.cache), from any thread or task."""
    now = _now()
    keys = [process_cache().make_key(f"rl:{key}:{window}:{part}") for part in ("n", "t")]
    count, opened = _hit_script()(keys=keys, args=[repr(now), window, window + 1])
    if count <= limit:
        return None
    return max(1, int(float(opened) + window - now + 0.999))


def client_ip(request) -> str:
    """The client's address, through allauth's adapter so both limiters agree behind a proxy
    (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or "unknown"
    except Exception:  # a malformed X-Forwarded-For: fall back to the socket's address
        return request.META.get("REMOTE_ADDR", "unknown")


def _credential(request) -> str | None:
    """Who is asking: the signed-in user, or a hash of the API token they present."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and len(header) > 7:
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return None


def rates() -> dict[str, dict[str, Rate]]:
    configured = getattr(settings, "RATE_LIMITS", None) or DEFAULT_RATE_LIMITS
    return {
        bucket: {scope: Rate.parse(text) for scope, text in scopes.items()}
        for bucket, scopes in configured.items()
    }


def bucket_for(request) -> str | None:
    if request.method in WRITE_METHODS:
        return "admin_write" if request.path.startswith("/cms/") else "write"
    if request.method == "GET" and any(request.GET.get(name) for name in SEARCH_PARAMETERS):
        return "search"
    return None


def check(request, bucket: str) -> None:
    """Count this request in `bucket` for its user (or token) and its IP; raise RateLimited
    when either is over."""
    scopes = rates().get(bucket, {})
    waits = []
    who = _credential(request)
    if who and "user" in scopes:
        waits.append(hit(f"{bucket}:{who}", limit=scopes["user"].limit, window=scopes["user"].window))
    if "ip" in scopes:
        ip = client_ip(request)
        waits.append(hit(f"{bucket}:ip:{ip}", limit=scopes["ip"].limit, window=scopes["ip"].window))
    waits = [w for w in waits if w]
    if waits:
        raise RateLimited(max(waits))


def too_many_requests(request, retry_after: int):
    """The 429 answer: JSON for the API, the friendly page for people."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        response = JsonResponse(
            {
                "detail": _("Too many requests. Try again in %(n)s seconds.") % {"n": retry_after},
                "errors": {},
            },
            status=429,
        )
    else:
        response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """After AuthenticationMiddleware (it needs request.user) and LocaleMiddleware (the 429 page
    is in the visitor's language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bucket = bucket_for(request)
        if bucket is not None and getattr(settings, "RATE_LIMITS_ENABLED", True):
            try:
                check(request, bucket)
            except RateLimited as limited:
                return too_many_requests(request, limited.retry_after)
        return self.get_response(request)
