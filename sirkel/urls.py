from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import privacy_view
from cms import routing as cms_routing
from cms.views import robots_txt, sitemap_view
from core.observability import metrics_view
from core.security import media_serve
from sirkel.api import api
from sirkel.api import not_found as api_not_found
from sirkel.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    # Every login goes through allauth (rate limits, email verification, MFA), the
    # Wagtail admin's included; the query string (?next=...) is kept.
    path("cms/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

urlpatterns += i18n_patterns(
    path("gis-bort/", include("marketplace.urls")),
    path("reparasjon/", include("repair.urls")),
    path("laan/", include("sharing.urls")),
    path("meldinger/", include("chat.urls")),
    path("konto/", include("accounts.urls")),
    path("konto/", include("allauth.urls")),
    # Not /personvern/: editors may keep a CMS page of that name (docs/decisions/0017).
    path("personvernerklaering/", privacy_view, name="privacy"),
    path("", include("cms.urls")),
    # Wagtail's page view with its routing remembered (cms/routing.py); wagtail_urls for the rest.
    re_path(r"^((?:[\w\-]+/)*)$", cms_routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploaded files with safe headers where no proxy serves them (dev, tests); nginx in production.
    urlpatterns = [re_path(r"^media/(?P<path>.*)$", media_serve, name="media")] + urlpatterns
