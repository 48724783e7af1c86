"""The API conventions of API.md as shared helpers: the error shape and the page envelope."""

from typing import Annotated, Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import AfterValidator

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
