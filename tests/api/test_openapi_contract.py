"""The API keeps to its OpenAPI document: schemathesis generates requests from the spec
(valid and invalid) against a real server on the bundled dataset. No answer may be a 5xx,
and every answer's status, media type, headers and body must be ones the spec declares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.core.config import Settings
from app.main import create_app
from tests.utils import serve

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def base_url(bundled: object, settings: Settings) -> Iterator[str]:
    # The bundled data answers every query in milliseconds once planned; the budget leaves
    # room for planning the per-type UNION queries on a busy 2-core machine, where the
    # first plan of a query shape took up to 2 s.
    app = create_app(settings.model_copy(update={"query_timeout_seconds": 10.0}))
    with serve(app) as url:
        yield url


def _schema() -> schemathesis.BaseSchema:
    spec = create_app(Settings(neo4j_password="irrelevant-password")).openapi()
    return schemathesis.openapi.from_dict(spec)


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_is_declared_by_the_spec(case: schemathesis.Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url, checks=CHECKS)
