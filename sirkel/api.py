"""The public API at /api/v1/: one NinjaAPI, each app contributes a router. Errors follow
API.md: `{"detail": "...", "errors": {field: [messages]}}`."""

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import router as accounts_router
from catalog.api import impact_router
from catalog.api import router as catalog_router
from chat.api import router as chat_router
from core.api import ApiError, document_shared_answers, error_body
from marketplace.api import router as marketplace_router
from places.api import router as places_router
from places.geo import GeoParamError
from repair.api import router as repair_router
from sharing.api import hubs_router, items_router, reservations_router


class SirkelAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_shared_answers(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )


api = SirkelAPI(
    title="Sirkel API",
    version="1",
    description="Open data and the resident API of Sirkel, Bærum's platform for reuse, repair and lending.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/places", places_router)
api.add_router("/categories", catalog_router)
api.add_router("/listings", marketplace_router)
# "/repairers" and "/repairers.geojson": the paths are in the router (ninja would put a slash
# between a prefix and ".geojson").
api.add_router("/", repair_router)
api.add_router("/conversations", chat_router)
api.add_router("/me", accounts_router)
api.add_router("/hubs", hubs_router)
api.add_router("/items", items_router)
api.add_router("/reservations", reservations_router)
# "/impact" and "/impact.csv" (paths in the router, as for repairers).
api.add_router("/", impact_router)


def _field_name(loc: list) -> str:
    """ninja's loc is ["query", "radius_km"] or ["body", "payload", "title"]: where it came
    from (and the body parameter's name), then the field."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "form", "file"):
        parts = parts[2:]
    elif parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "non_field_errors"


def _message(item: dict) -> str:
    return str(item.get("msg", "")).removeprefix("Value error, ")


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        errors.setdefault(_field_name(list(item.get("loc", []))), []).append(_message(item))
    return api.create_response(request, error_body(_("Invalid input."), errors), status=400)


@api.exception_handler(ApiError)
def on_api_error(request, exc: ApiError):
    response = api.create_response(request, error_body(exc.detail, exc.errors), status=exc.status)
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(GeoParamError)
def on_geo_error(request, exc: GeoParamError):
    return api.create_response(request, error_body(str(exc), exc.errors), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(request, error_body(_("Authentication required.")), status=401)


NINJA_CSRF_FAILURE = "CSRF check Failed"  # ninja's session auth (ninja.security.APIKeyCookie)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    detail = str(exc)
    if exc.status_code == 403 and detail == NINJA_CSRF_FAILURE:
        detail = _(
            "CSRF check failed: with a session, send the X-CSRFToken header; or use a personal API token."
        )
    return api.create_response(request, error_body(detail), status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@csrf_exempt  # it changes nothing: a POST with a session to an unknown path is a 404 too
def not_found(request: HttpRequest):
    """Anything under /api/ that no route matches (an unknown path, or an id that is not a
    number): the API's JSON 404, never the site's HTML page."""
    return JsonResponse(error_body(_("Not found.")), status=404)
