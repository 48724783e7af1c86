"""The API conventions of API.md as shared helpers: the error shape and the page envelope."""

from typing import Annotated, Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import AfterValidator

from core.ratelimit import SEARCH_PARAMETERS, WRITE_METHODS
from core.text import HIDDEN_CHARACTERS_MESSAGE, has_hidden_characters

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class ApiError(Exception):
    """Raise from any endpoint: answered as `{"detail": ..., "errors": {...}}` with `status`."""

    def __init__(
        self,
        detail: str,
        *,
        status: int = 400,
        errors: dict[str, list[str]] | None = None,
        retry_after: int | None = None,
    ):
        self.detail = detail
        self.status = status
        self.errors = errors or {}
        self.retry_after = retry_after
        super().__init__(detail)


def _no_control_characters(value: str) -> str:
    """Text fields: trimmed, and nothing hidden (core.text: control characters, direction
    overrides)."""
    if has_hidden_characters(value):
        raise ValueError(str(HIDDEN_CHARACTERS_MESSAGE))
    return value.strip()


CleanStr = Annotated[str, AfterValidator(_no_control_characters)]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}}


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + urlencode(sorted(params.lists()), doseq=True))


class PageNumberPagination(PaginationBase):
    """`{"count", "next", "previous", "results"}` with `page` (1-based) and `page_size`
    (default 20, max 100); a page beyond the last is a 404 with a message."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        count_capped: bool = False
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        page, size = pagination.page, pagination.page_size
        # A result set may cap its count (dense areas: "1000+"); it then says so.
        count = len(queryset) if isinstance(queryset, list) else queryset.count()
        capped = bool(getattr(queryset, "count_capped", False))
        last = max(1, -(-count // size))
        if page > last:
            raise ApiError(
                _("Page %(page)s does not exist; the last page is %(last)s.") % {"page": page, "last": last},
                status=404,
                errors={"page": [_("Out of range.")]},
            )
        start = (page - 1) * size
        return {
            "count": count,
            "count_capped": capped,
            "next": _page_url(request, page + 1) if page < last else None,
            "previous": _page_url(request, page - 1) if page > 1 else None,
            "results": list(queryset[start : start + size]),
        }


def non_json_answer(
    media_type: str, description: str, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`openapi_extra` for an operation whose 200 is not the API's JSON (CSV, GeoJSON)."""
    content = {media_type: {"schema": schema or {"type": "string"}}}
    return {"responses": {200: {"description": description, "content": content}}}


# --- What the shared layers answer, in the OpenAPI document ----------------------------------------


def _error_answer(description: str, *, retry_after: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    if retry_after:
        answer["headers"] = {
            "Retry-After": {"description": "Seconds until the limit resets.", "schema": {"type": "integer"}}
        }
    return answer


def shared_answers(path: str, method: str, operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The error answers an operation gets from the layers every endpoint passes through, not
    from its own code: input validation (400), authentication and CSRF (401, 403), unknown ids
    and pages (404) and the rate limits (429, core.ratelimit); a body over the size limit is a
    400 too (Django refuses it first). The routers declare only what their own code answers."""
    parameters = {p["name"] for p in operation.get("parameters", [])}
    writes = method.upper() in WRITE_METHODS
    answers: dict[int, dict[str, Any]] = {}
    if parameters or "requestBody" in operation:
        answers[400] = _error_answer("Invalid input: `errors` names the fields.")
    if operation.get("security"):
        answers[401] = _error_answer("Not signed in, or the token is not valid.")
        if writes:
            answers[403] = _error_answer("Signed in by session without a valid CSRF token, or not allowed.")
    if "{" in path or "page" in parameters:
        answers[404] = _error_answer("No such object, or a page beyond the last.")
    if writes or parameters & set(SEARCH_PARAMETERS):
        answers[429] = _error_answer("Too many requests.", retry_after=True)
    return answers


def document_shared_answers(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds `shared_answers` to every operation of a generated document (where the operation
    does not declare that status itself)."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = {int(code) for code in operation["responses"]}
            for code, answer in shared_answers(path, method, operation).items():
                if code not in declared:
                    operation["responses"][code] = answer
    schema["components"].setdefault("schemas", {}).setdefault("ErrorOut", ErrorOut.model_json_schema())
    return schema
