"""Schemathesis fuzzes the API's own OpenAPI schema, per role, against the WSGI app (issue 18).

For every operation and every role (anonymous, learner, manager, programme staff) it generates
requests from the schema and checks that the answer is never a 5xx, that its status code is one
the schema documents, that its content type is the documented one and that its body fits the
documented schema. The examples are derandomized, so a run is repeatable.

`FUZZ_EXAMPLES` sets the generated examples per operation and role (5 in the normal suite);
`make fuzz` runs 100 plus schemathesis's coverage phase (`FUZZ_COVERAGE=1`: boundary values,
wrong types, missing fields, other methods) and prints the figures: operations, examples,
failures, time."""

import logging
import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import roles
from accounts.services import access_token_create
from organisations.services import registration
from tests.factories import UserFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
#: `make fuzz` adds schemathesis's coverage phase: a few thousand deterministic boundary and
#: negative cases (wrong types, missing fields, other methods) on top of the random examples.
COVERAGE = os.environ.get("FUZZ_COVERAGE", "") == "1"
ROLES = ["anonymous", "learner", "manager", "programme_staff"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: figures for the report at the end of the module (printed with `pytest -s`, as `make fuzz` does)
FIGURES: Counter = Counter()
OPERATIONS: set[str] = set()


@pytest.fixture(scope="module", autouse=True)
def _figures():
    started = time.monotonic()
    # thousands of refused requests: keep Django's one warning line per 4xx out of the output
    request_logger = logging.getLogger("django.request")
    level = request_logger.level
    request_logger.setLevel(logging.ERROR)
    yield
    request_logger.setLevel(level)
    if FIGURES["examples"]:
        print(
            f"\nschemathesis: {len(OPERATIONS)} operations x {len(ROLES)} roles, "
            f"{FIGURES['examples']} examples ({EXAMPLES} generated per operation and role"
            f"{', plus the coverage phase' if COVERAGE else ''}), "
            f"{FIGURES['failures']} failing examples, {time.monotonic() - started:.1f} s"
        )


#: The schema the app serves (fetching it touches no database, so it can load at collection).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def _connections_stay_open():
    """Django's test client keeps the test's database connection open across requests; the
    WSGI handler schemathesis calls would close it at the end of each request (inside the
    test's transaction on PostgreSQL). Do what the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(role, db, settings) -> dict[str, str]:
    """An account of the role with a personal access token (docs/api.md), and what it owns:
    the manager an organisation, so ids 1, 2, … hit real rows as well as missing ones."""
    cache.clear()  # rate-limit counters of earlier tests
    # The coverage phase sends wrong tokens; a lock-out would turn the rest into 429s.
    settings.RATE_LIMITS = {
        "api-token-failures": (1_000_000, 3600),
        "certificate-verify-api": (1_000_000, 3600),
    }
    if role == "anonymous":
        return {}
    if role == "programme_staff":
        from cms.roles import ensure_roles

        ensure_roles()
    kinds = {"manager": roles.ORGANISATION_MANAGER, "programme_staff": roles.PROGRAMME_STAFF}
    user = UserFactory(**({"role": kinds[role]} if role in kinds else {}))
    if role == "manager":
        registration.organisation_register(
            user=user, name="Hotel Fuzz", municipality="Utrecht", declared_staff=3
        )
    _token, raw = access_token_create(user=user, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate] if COVERAGE else [Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, role, role_headers):
    OPERATIONS.add(case.operation.label)
    FIGURES["examples"] += 1
    try:
        case.call_and_validate(headers=role_headers, checks=CHECKS)
    except Exception:
        FIGURES["failures"] += 1
        raise
