"""Fuzz every API operation from its OpenAPI schema (/api/schema/) with schemathesis.

The requests go through the Django WSGI application in-process, signed in by token as a
programme officer of the area of the `plan` fixture (with a board, so that the governance
endpoints have something to return). Every response must be other than a 500 and match
the schema: status code documented, body, content type and headers as described.

Half the generated path ids are replaced by the ids of the records that exist, so that
the fuzzer reaches the code behind the permission check, not only the 404.

Bounded: a few examples per operation and no deadline, so the run takes seconds.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_create
from governance.services import board_create

MAX_EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# (operation, status) of every case run, for the summary printed at the end.
RAN: list[tuple[str, int]] = []


@pytest.fixture
def known(plan, officer, area):
    board = board_create(area=area, name="Integration Executive")
    return {
        "token": token_create(user=officer, name="Fuzzing")[1],
        "ids": {"/api/boards/{id}/meetings/": board.pk},
        "plan": plan.pk,
        "metric": "non-elective-admissions",
    }


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Keep the test's database connection across requests, as Django's test client does.

    schemathesis calls the WSGI app directly, whose request_started and request_finished
    signals would close the connection (PostgreSQL) and with it the test's transaction.
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def report_count():
    yield
    statuses = Counter(status for _, status in RAN)
    operations = len({label for label, _ in RAN})
    print(f"\nschemathesis ran {len(RAN)} cases over {operations} operations: {dict(statuses)}")


# Loaded at collection: serving the schema needs no database (nobody is signed in).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_every_generated_request_within_its_schema(case, known):
    parameters = case.path_parameters or {}
    if "id" in parameters and len(RAN) % 2 == 0:
        parameters["id"] = known["ids"].get(case.path, known["plan"])
        if "code" in parameters:
            parameters["code"] = known["metric"]
            # A period the plan covers, so that some actuals get past the serializer and
            # into the service (duplicates, bad values, the stored 201).
            if isinstance(case.body, dict) and len(RAN) % 4 == 0:
                case.body.update(granularity="year", period="2014/15")
    response = case.call_and_validate(
        headers={"Authorization": f"Token {known['token']}"}, checks=CHECKS
    )
    RAN.append((case.operation.label, response.status_code))
