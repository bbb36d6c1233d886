"""Schema-driven fuzzing: schemathesis generates requests from the API's own
OpenAPI schema and sends them to the running app on loopback; no response
may be a server error or contradict the schema (status codes, content type,
headers, bodies, error shapes included).

Bounded and deterministic: a few derandomized examples per operation and
mode, without Hypothesis's example database. Each operation is fuzzed once
with real path arguments (the world's region, report, business), so the
handlers behind the access checks run, and once with generated ones.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import token_for
from tests.monitoring_fixtures import period, report
from tests.permissions.rows_umkm_oss import done_job
from tests.permissions.rows_umkm_registry import make_business

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 4


def _fuzz(
    operation: Any,
    base_url: str,
    headers: dict[str, str],
    mode: GenerationMode,
    examples: int = EXAMPLES,
    **fixed: Any,
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.fixture
def _quiet_request_log(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fuzzing makes hundreds of 4xx answers on purpose, with generated paths
    # that may look like a NIK or phone number to the suite's log scan
    # (tests/logscan.py); those warnings say nothing about the app.
    monkeypatch.setattr(logging.getLogger("django.request"), "disabled", True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_quiet_request_log")
def test_the_api_keeps_its_schema_under_fuzzing(live_server, world, settings, admin_user, officer):
    settings.KOTACERDAS_API_RATE_ANON = "100000/min"
    settings.KOTACERDAS_API_RATE_USER = "100000/min"
    open_period = period(world)
    draft = report(world)
    business = make_business(world)
    real = {
        "code": world.region.code,
        "report_id": draft.pk,
        "period_id": open_period.pk,
        "plan_id": world.plan_a.pk,
        "business_id": business.pk,
        "job_id": done_job(world).pk,
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    tokens = {"admin": token_for(admin_user), "officer": token_for(officer)}
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        assert raw.get("security"), f"{operation.label} documents no security"
        tags = raw.get("tags", [])
        caller = "officer" if "registri UMKM" in tags else "admin"
        headers = {} if "publik" in tags else {"Authorization": f"Bearer {tokens[caller]}"}
        fixed = {p.name: real[p.name] for p in operation.path_parameters}
        # Valid data with real path arguments (and a few with generated ones,
        # which mostly end at a 404); invalid data with real arguments.
        _fuzz(operation, live_server.url, headers, GenerationMode.POSITIVE, path_parameters=fixed)
        if fixed:
            _fuzz(operation, live_server.url, headers, GenerationMode.POSITIVE, examples=2)
        try:
            _fuzz(
                operation, live_server.url, headers, GenerationMode.NEGATIVE, path_parameters=fixed
            )
        except Unsatisfiable:
            assert not operation.query and not operation.body, operation.label  # nothing to break
        fuzzed.append(operation.label)
    assert len(fuzzed) == 23, fuzzed


# --- Hostile requests to every operation (issue 14, point 10) --------------------------------

SHAPE = {"detail", "detail_en", "errors"}
BODY_LIMIT = 10_000


def _hostile_cases(operation: Any, fixed: dict[str, Any]) -> list[tuple[str, Any, dict[str, Any]]]:
    """(what, case, extra request arguments): every operation over-parameterised;
    every operation that takes a body also with broken JSON, a JSON body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a multipart body without a boundary and
    one with an oversized field."""
    many = {f"p{i}": "1" for i in range(1_200)}
    cases = [("1,200 query parameters", operation.Case(path_parameters=fixed, query=many), {})]
    if operation.body:
        big = b'{"note": "' + b"x" * (BODY_LIMIT * 2) + b'"}'
        field = (
            b'--batas\r\nContent-Disposition: form-data; name="caption"\r\n\r\n'
            + b"x" * (BODY_LIMIT * 2)
            + b"\r\n--batas--\r\n"
        )
        for what, data, kind in (
            ("broken JSON", b'{"note": ', "application/json"),
            ("JSON over the limit", big, "application/json"),
            ("multipart without a boundary", b"--x\r\nrusak", "multipart/form-data"),
            ("oversized multipart field", field, "multipart/form-data; boundary=batas"),
        ):
            case = operation.Case(path_parameters=fixed)
            cases.append((what, case, {"data": data, "content_type": kind}))
    return cases


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_quiet_request_log")
def test_every_operation_refuses_malformed_oversized_and_over_parameterised_requests(
    live_server, world, settings, admin_user, officer, caplog
):
    """Every operation of the schema, as a caller allowed to use it, with real
    path arguments: a hostile request is answered 400 or 413 (a body the
    operation does not take: 422 for its missing fields; a route that refuses
    earlier: 401/403/404/405) in the API's error shape, never a 5xx,
    and nothing is logged as an error."""
    settings.KOTACERDAS_API_RATE_ANON = "100000/min"
    settings.KOTACERDAS_API_RATE_USER = "100000/min"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = BODY_LIMIT
    draft = report(world)
    real = {
        "code": world.region.code,
        "report_id": draft.pk,
        "period_id": period(world).pk,
        "plan_id": world.plan_a.pk,
        "business_id": make_business(world).pk,
        "job_id": done_job(world).pk,
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    tokens = {"admin": token_for(admin_user), "officer": token_for(officer)}
    seen: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        tags = operation.definition.raw.get("tags", [])
        caller = "officer" if "registri UMKM" in tags else "admin"
        auth = {} if "publik" in tags else {"Authorization": f"Bearer {tokens[caller]}"}
        fixed = {p.name: real[p.name] for p in operation.path_parameters}
        for what, case, extra in _hostile_cases(operation, fixed):
            headers = dict(auth)
            if "content_type" in extra:
                headers["Content-Type"] = extra.pop("content_type")
            response = case.call(base_url=live_server.url, headers=headers, timeout=30, **extra)
            label = f"{operation.label}: {what}"
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
            assert response.status_code in (400, 401, 403, 404, 405, 413, 422), (
                label,
                response.text,
            )
            assert set(response.json()) >= {"detail"}, (label, response.text)
            if response.status_code in (400, 413, 422):
                assert set(response.json()) == SHAPE, (label, response.text)
            seen.setdefault(what, set()).add(response.status_code)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # The hostile part was what was refused, not the caller: each kind of
    # request met its own refusal somewhere.
    assert 400 in seen["1,200 query parameters"], seen
    assert 413 in seen["JSON over the limit"] and 413 in seen["oversized multipart field"], seen
    assert 400 in seen["broken JSON"] and 400 in seen["multipart without a boundary"], seen
