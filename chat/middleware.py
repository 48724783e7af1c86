"""Who is on a WebSocket: the session cookie resolved to a user once per handshake."""

from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib import auth
from django.http.cookie import parse_cookie

from chat.consumers import db


def _user_for(headers: list[tuple[bytes, bytes]]):
    """Django's own `auth.get_user` on the session named by the cookie: the session must exist
    and not be expired, and its auth hash must still match (a changed password signs out)."""
    cookie = next((value.decode("latin1") for name, value in headers if name == b"cookie"), "")
    session_key = parse_cookie(cookie).get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return auth.get_user(SimpleNamespace(session=store))


class SessionUserMiddleware:
    """Sets `scope["user"]` for WebSocket connections, like Channels' AuthMiddlewareStack, but in
    one call on the event loop's thread pool. Channels' stack loads the session and then the
    user on the one thread it shares between all consumers of the process, which is what bounded
    a process to ~45 handshakes a second in a reconnect storm (bench/README.md, chat). Consumers
    only read the user: the session itself is not put in the scope."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        user = await db(_user_for)(scope.get("headers", []))
        return await self.app({**scope, "user": user}, receive, send)
