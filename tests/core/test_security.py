"""Security headers on HTML, API and media responses, and the template rules that keep the CSP
strict: no inline scripts without a nonce, no inline styles, no inline event handlers, no
javascript: URLs."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *[p for p in ROOT.glob("*/templates") if ".venv" not in p.parts]]


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.strip().split()
        directives[name] = values
    return directives


def _assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert (
        "geolocation=()" in response["Permissions-Policy"]
        or "geolocation=(self)" in response["Permissions-Policy"]
    )
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/", "/en/gis-bort/", "/konto/login/", "/finnes-ikke/"])
def test_html_pages_have_a_strict_policy(client, site, path):
    response = client.get(path)
    _assert_common_headers(response)
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_api_responses_have_the_headers(client, db):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    _assert_common_headers(response)
    assert _policy(response)["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in _policy(response)["script-src"]


def test_geolocation_is_allowed_only_on_the_location_picker(client, site, places):
    user = UserFactory()
    client.force_login(user)
    form = client.get("/en/gis-bort/ny/")
    assert form.status_code == 200
    assert b"js/location-picker" in form.content
    assert "geolocation=(self)" in form["Permissions-Policy"]
    listing_list = client.get("/en/gis-bort/")
    assert "geolocation=()" in listing_list["Permissions-Policy"]


def test_a_nonce_used_by_a_template_is_in_the_policy(rf, db):
    from django.http import HttpResponse
    from django.template import engines

    from core.security import SecurityHeadersMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')

    def view(request):
        return HttpResponse(template.render({}, request))

    middleware = SecurityHeadersMiddleware(view)
    request = rf.get("/")
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    nonce = re.search(rb'nonce="([^"]+)"', response.content).group(1).decode()
    assert f"'nonce-{nonce}'" in _policy(response)["script-src"]


def test_the_wagtail_admin_gets_its_own_policy_without_a_nonce(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    from tests.factories import mfa_enable

    mfa_enable(admin)
    client.force_login(admin)
    response = client.get("/cms/")
    assert response.status_code == 200
    policy = _policy(response)
    # Wagtail's inline scripts need this; a nonce would make browsers ignore it.
    assert "'unsafe-inline'" in policy["script-src"]
    assert not any(value.startswith("'nonce-") for value in policy["script-src"])
    assert policy["frame-ancestors"] == ["'self'"]
    # Staff avatars are not fetched from Gravatar (a third party; refused by img-src anyway).
    assert b"gravatar.com" not in response.content


def test_csp_is_not_unsafe_inline_for_scripts_in_settings():
    assert "'unsafe-inline'" not in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]
    assert "'unsafe-eval'" not in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]


# --- the templates ------------------------------------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
# style-src 'self': no <style> elements and no style="..." attributes in our markup.
INLINE_STYLE = re.compile(r"<style\b|<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from sorted(folder.rglob("*.html"))


def test_the_template_scan_sees_the_templates():
    names = {p.relative_to(ROOT).as_posix() for p in _templates()}
    assert "templates/base.html" in names and len(names) > 40


@pytest.mark.parametrize("template", list(_templates()), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_template_has_inline_script_or_style(template):
    text = TEMPLATE_COMMENT.sub("", template.read_text())
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        is_data = re.search(r"""type\s*=\s*["']application/(ld\+)?json["']""", attributes)
        assert "src=" in attributes or is_data or "csp_nonce" in attributes, (
            f"{template}: inline <script{attributes}> needs a static file or a nonce (request.csp_nonce)"
        )
    assert not EVENT_HANDLER.search(text), f"{template}: inline event handler (on...=); use a static JS file"
    assert not JAVASCRIPT_URL.search(text), f"{template}: javascript: URL"
    assert not INLINE_STYLE.search(text), f"{template}: inline style; use a class in static/css/sirkel.css"


def test_the_scan_catches_an_inline_script(tmp_path):
    bad = '<div><script>alert(1)</script><button onclick="x()">x</button></div>'
    attributes = SCRIPT_TAG.search(bad).group(1)
    assert "src=" not in attributes and "csp_nonce" not in attributes
    assert EVENT_HANDLER.search(bad)
    assert INLINE_STYLE.search('<p class="x" style="color: red">') and INLINE_STYLE.search(
        "<style>p{}</style>"
    )
    assert not INLINE_STYLE.search('<p data-style="x">')
    assert not TEMPLATE_COMMENT.sub("", "{# a <style> element #}").strip()


# --- media -----------------------------------------------------------------------------------


def test_uploaded_images_are_served_inline_with_nosniff(client, db):
    name = default_storage.save("listings/test-security/abc.jpg", ContentFile(b"\xff\xd8\xff not really"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert not response.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize("name", ["page.html", "vector.svg", "notes.txt", "noextension"])
def test_other_media_is_downloaded_never_rendered(client, db, name):
    stored = default_storage.save(f"listings/test-security/{name}", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{stored}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_documents_are_never_served_from_media(client, db):
    default_storage.save("documents/secret.pdf", ContentFile(b"%PDF-1.4"))
    assert client.get("/media/documents/secret.pdf").status_code == 404


# --- production settings ----------------------------------------------------------------------


def test_production_settings_are_hardened(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:9/db")
    sys.modules.pop("sirkel.settings.production", None)
    production = importlib.import_module("sirkel.settings.production")
    try:
        assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
        assert production.SESSION_COOKIE_HTTPONLY and production.CSRF_COOKIE_HTTPONLY
        assert production.SECURE_HSTS_SECONDS >= 31536000 and production.SECURE_HSTS_INCLUDE_SUBDOMAINS
        assert production.SECURE_SSL_REDIRECT
        assert production.LOGGING["handlers"]["console"]["formatter"] == "json"
    finally:
        sys.modules.pop("sirkel.settings.production", None)
