"""HTTP and WebSockets. In production Daphne serves only /ws/ (gunicorn serves HTTP); `make run`
uses this for both."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirkel.settings.production")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat.middleware import SessionUserMiddleware  # noqa: E402  (needs the app registry)
from chat.routing import websocket_urlpatterns  # noqa: E402
from core.observability import WebSocketMetricsMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Open sockets are counted for /metrics (core.observability).
        "websocket": WebSocketMetricsMiddleware(
            AllowedHostsOriginValidator(SessionUserMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)

from core.runtime import freeze_startup_heap  # noqa: E402

freeze_startup_heap()  # last: after the application and everything it imports
