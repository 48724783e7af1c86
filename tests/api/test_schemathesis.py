"""The generated OpenAPI document, exercised by schemathesis: for every operation a bounded
number of generated requests (valid and invalid), anonymous and with a personal API token, and
every answer checked against the document: no server error, only documented status codes,
content types and headers, bodies that match their schema, invalid input refused and
authentication not ignored.

One check is left out: `positive_data_acceptance` expects every schema-valid request to
succeed, but a schema cannot say which ids exist or that a booking may not start in the past;
those requests are rightly answered 404 or 400 (and the other checks still hold for them)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_create
from tests.factories import UserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


def _schema():
    from django.core.wsgi import get_wsgi_application

    # Loaded at collection (the document needs no database): one test per operation.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = _schema()


@pytest.fixture
def keep_the_test_connection():
    # As Django's test client does: a request must not close the test's connection (its
    # transaction holds the test data and is rolled back afterwards).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.usefixtures("places", "keep_the_test_connection")
@pytest.mark.django_db
def test_every_operation_answers_anonymous_requests_as_documented(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.usefixtures("places", "keep_the_test_connection")
@pytest.mark.django_db
def test_every_operation_answers_a_signed_in_resident_as_documented(case):
    _, key = api_token_create(user=UserFactory(), name="schemathesis")
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)
