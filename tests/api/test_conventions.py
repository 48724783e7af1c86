"""The shared API helpers: page envelope, error shape, authentication."""

import pytest
from django.test import RequestFactory

from core.api import ApiError, PageNumberPagination
from places.models import Place

pytestmark = pytest.mark.usefixtures("places")


def paginate(query: str, page: int, size: int):
    request = RequestFactory().get("/api/v1/things" + query)
    pagination = PageNumberPagination()
    return pagination.paginate_queryset(
        Place.objects.order_by("name"), PageNumberPagination.Input(page=page, page_size=size), request
    )


def test_first_page_has_next_and_no_previous():
    body = paginate("?page=1&page_size=5&q=x", 1, 5)
    assert body["count"] == Place.objects.count()
    assert len(body["results"]) == 5
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/things?page=2&page_size=5&q=x"


def test_last_page_has_previous_and_no_next():
    count = Place.objects.count()
    last = -(-count // 5)
    body = paginate("", last, 5)
    assert body["next"] is None
    assert body["previous"].endswith(f"page={last - 1}")
    assert len(body["results"]) == count - 5 * (last - 1)


def test_page_out_of_range_is_404():
    with pytest.raises(ApiError) as caught:
        paginate("", 99, 20)
    assert caught.value.status == 404
    assert "page" in caught.value.errors


def test_page_size_above_100_is_refused():
    with pytest.raises(ValueError):
        PageNumberPagination.Input(page=1, page_size=101)


def test_openapi_document_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Sirkel API"
    assert "/api/v1/places" in schema["paths"]


def test_api_docs_are_served(client):
    assert client.get("/api/v1/docs").status_code == 200
