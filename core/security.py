"""Response headers every page gets, and safe serving of uploaded files.

- Content-Security-Policy (django-csp, `settings.CONTENT_SECURITY_POLICY`): scripts only from our
  own origin or with the request's nonce, never inline; no framing (frame-ancestors 'none').
  The Wagtail admin under /cms/ gets `ADMIN_CONTENT_SECURITY_POLICY` instead: Wagtail's own
  templates carry inline scripts (widgets, panels), see docs/decisions/0009-security-hardening.md.
- Permissions-Policy: every powerful feature off; geolocation allowed for our own origin only on
  pages that load one of `settings.GEOLOCATION_SCRIPTS` (the location picker).
- Uploaded media (dev and test; nginx does the same in production, deploy/nginx.conf): nosniff,
  a sandboxing CSP, images inline with their real type and anything else as an attachment.
- A failed CSRF check: a friendly page."""

from __future__ import annotations

import mimetypes
import posixpath

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.static import serve

ADMIN_PREFIX = "/cms/"

PERMISSIONS_POLICY_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "usb",
    "xr-spatial-tracking",
)


def permissions_policy(*, geolocation: bool) -> str:
    parts = [f"{feature}=()" for feature in PERMISSIONS_POLICY_FEATURES]
    parts.append("geolocation=(self)" if geolocation else "geolocation=()")
    return ", ".join(sorted(parts))


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's own policy, plus Permissions-Policy."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            # A nonce in script-src would make browsers ignore 'unsafe-inline'.
            return PolicyParts(config=settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(geolocation=_uses_geolocation(response))
        return response


def _uses_geolocation(response) -> bool:
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
        return False
    body = response.content
    return any(marker.encode() in body for marker in settings.GEOLOCATION_SCRIPTS)


# Types a browser may show inline from /media/; everything else is downloaded.
INLINE_MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def media_headers(response, path: str):
    content_type, _encoding = mimetypes.guess_type(path)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    if content_type not in INLINE_MEDIA_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    return response


def media_serve(request, path: str):
    """/media/ for `make run` and the tests. Wagtail documents are served by Wagtail's own view
    (it checks collection privacy), never from here."""
    if posixpath.normpath(path).split("/", 1)[0] == "documents":
        raise Http404
    return media_headers(serve(request, path, document_root=settings.MEDIA_ROOT), path)


def csrf_failure(request, reason: str = ""):
    """settings.CSRF_FAILURE_VIEW: a page in the visitor's language that says what to do
    (Django's own is English and technical). The API's session check is ninja's, answered as
    JSON in sirkel/api.py."""
    return render(request, "403_csrf.html", status=403)
