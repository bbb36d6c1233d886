"""Requests Django refuses to read get the API's error shape with 400/413,
never a 500 with a traceback in the log (issue 14, point 10)."""

from __future__ import annotations

import logging

import pytest

from tests.api.helpers import Api, token_for

pytestmark = pytest.mark.django_db

SHAPE = {"detail", "detail_en", "errors"}
REPORT = "/api/v1/periods/1/action-plans/1/report"
EVIDENCE = "/api/v1/reports/1/evidence"


@pytest.fixture
def api(world, editor_a) -> Api:
    return Api(token_for(editor_a, "write"))


def _refused(response, status: int, caplog) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    body = response.json()
    assert set(body) == SHAPE
    assert body["detail"] and body["detail_en"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "Traceback" not in response.content.decode()
    return body


def test_a_json_body_over_the_limit_is_a_413(api, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = '{"note": "' + "x" * 20_000 + '"}'

    response = api.client.post(REPORT, body, content_type="application/json", headers=api.headers)

    _refused(response, 413, caplog)


def test_too_many_query_parameters_are_a_400(world, caplog):
    params = {f"p{i}": "1" for i in range(1_200)}

    response = Api().get(f"/regions/{world.region.code}/programmes", **params)

    body = _refused(response, 400, caplog)
    assert "Terlalu banyak parameter" in body["detail"]


def test_a_multipart_body_without_a_boundary_is_a_400(api, caplog):
    response = api.client.post(
        EVIDENCE, b"--x\r\nrusak", content_type="multipart/form-data", headers=api.headers
    )

    body = _refused(response, 400, caplog)
    assert "multipart" in body["detail"]


def test_an_oversized_multipart_field_is_a_413(api, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = (
        b"--batas\r\n"
        b'Content-Disposition: form-data; name="caption"\r\n\r\n'
        + b"x" * 20_000
        + b"\r\n--batas--\r\n"
    )
    response = api.client.post(
        EVIDENCE, body, content_type="multipart/form-data; boundary=batas", headers=api.headers
    )

    _refused(response, 413, caplog)


def test_too_many_multipart_fields_are_a_400(api, settings, caplog):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    parts = b"".join(
        b'--batas\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i for i in range(50)
    )
    response = api.client.post(
        EVIDENCE,
        parts + b"--batas--\r\n",
        content_type="multipart/form-data; boundary=batas",
        headers=api.headers,
    )

    _refused(response, 400, caplog)
