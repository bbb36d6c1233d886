"""Structured logs: UTC timestamps, a JSON option, the request id, and no
personal data or secret in any line (core/logging.py, settings.LOGGING)."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest
from django.conf import settings
from django.test import Client

from kotacerdas.core.logging import (
    SECRET_MARK,
    JSONFormatter,
    RedactPersonalData,
    UTCFormatter,
    current_request_id,
    new_request_id,
    redact,
)
from tests.factories import PASSWORD
from tests.logscan import production_pipeline

NIK = "1471011234560001"
TOKEN = "kc_0a1b2c3d_Zq9xY8wV7uT6sR5qP4oN3mL2kJ1iH0gF"


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError(f"gagal untuk {NIK} dengan password={PASSWORD}")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("kotacerdas.test", logging.WARNING, __file__, 1, msg, args, exc_info)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"login password={PASSWORD}&next=/", "&next=/"),
        (f'{{"password": "{PASSWORD}", "username": "rina"}}', '"username": "rina"'),
        (f"{{'kata_sandi': '{PASSWORD}'}}", "kata_sandi"),
        ("Authorization: Bearer abcdefghijklmnop", "Authorization: Bearer"),
        (f"api call with {TOKEN} failed", "kc_0a1b2c3d_"),
        (f"?token={TOKEN}", "?token="),
        ("csrfmiddlewaretoken=AbCdEf123456&q=x", "&q=x"),
        ("sessionid: 7h1s1s4s3ss10nk3y", "sessionid"),
        ("client_secret=s3cr3t-value", "client_secret="),
    ],
)
def test_it_redacts_passwords_and_tokens(text: str, kept: str) -> None:
    cleaned = redact(text)
    assert PASSWORD not in cleaned
    assert "Zq9xY8wV7uT6sR5qP4oN3mL2kJ1iH0gF" not in cleaned
    assert "abcdefghijklmnop" not in cleaned
    assert "AbCdEf123456" not in cleaned and "7h1s1s4s3ss10nk3y" not in cleaned
    assert "s3cr3t-value" not in cleaned
    assert SECRET_MARK in cleaned
    assert kept in cleaned


def test_redacting_twice_changes_nothing_more() -> None:
    # The handler's filter and then its formatter both redact.
    text = f"GET /?q={NIK}&token={TOKEN}&password={PASSWORD} Authorization: Bearer abcdefgh"
    once = redact(text)
    assert redact(once) == once
    assert once == (
        f"GET /?q=[NIK disamarkan]&token={SECRET_MARK}&password={SECRET_MARK} "
        f"Authorization: Bearer {SECRET_MARK}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "PASSWORD_HASHERS are set",
        "password_reset done for rina",
        "token: None",
        "12 tokens issued",
        "imported 1500000 rows in 2024 (NIB 9120001234567)",
        "2026-11-28T10:58:03.123Z took 0.25 s",
    ],
)
def test_it_leaves_ordinary_text_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("nik", [NIK, "1471 0112 3456 0001", "14.71.01.1234560001"])
def test_it_redacts_a_nik_also_written_in_groups(nik: str) -> None:
    assert redact(f"pemilik {nik} terdaftar") == "pemilik [NIK disamarkan] terdaftar"


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        ("GET /cari/?q=1472+0112+0186+0184 200", "GET /cari/?q=[NIK disamarkan] 200"),
        ("GET /cari/?q=1472%200112%200186%200184", "GET /cari/?q=[NIK disamarkan]"),
        ("GET /x/%201472011201860184 404", "GET /x/%20[NIK disamarkan] 404"),
        ("GET /cari/?q=0813%203769%208718", "GET /cari/?q=[telepon disamarkan]"),
        ("nama=budi+0813+3769+8718&x=1", "nama=budi+[telepon disamarkan]&x=1"),
        ("q=%2B62%20813%203769%208718", "q=[telepon disamarkan]"),
        ("tel:+6281337698718", "tel:[telepon disamarkan]"),
    ],
)
def test_it_redacts_numbers_as_urls_write_them(line: str, redacted: str) -> None:
    """Issue 14: spaced, "+"- and "%20"-separated numbers reached the log."""
    assert redact(line) == redacted


def test_the_text_format_is_utc_iso8601_with_the_request_id() -> None:
    line = UTCFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(message)s").format(
        _record("hello")
    )
    assert line.endswith(" WARNING [-] hello")
    stamp = line.split(" ")[0]
    assert len(stamp) == len("2026-11-28T10:58:03.123Z") and stamp.endswith("Z")
    assert stamp[10] == "T"


def test_the_json_format_is_one_object_per_line_and_redacted() -> None:
    line = JSONFormatter().format(_record("nik %s token %s", NIK, TOKEN, exc=True))
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) >= {"time", "level", "logger", "message", "exception"}
    assert entry["time"].endswith("Z")
    assert entry["level"] == "WARNING" and entry["logger"] == "kotacerdas.test"
    assert NIK not in line and PASSWORD not in line and TOKEN not in line
    assert "[NIK disamarkan]" in entry["message"]
    assert "ValueError" in entry["exception"]


def test_settings_choose_the_format_from_the_environment() -> None:
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["formatter"] == ("json" if settings.KOTACERDAS_LOG_FORMAT == "json" else "plain")
    assert "redact" in handler["filters"] and "request_id" in handler["filters"]


def test_an_unknown_log_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    env = {"KOTACERDAS_LOG_FORMAT": "xml", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", "import kotacerdas.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "KOTACERDAS_LOG_FORMAT must be text or json" in done.stderr


def test_every_configured_format_redacts_and_is_utc() -> None:
    filters, formatters = production_pipeline()
    assert {type(f) for f in formatters} >= {UTCFormatter, JSONFormatter}
    assert any(isinstance(f, RedactPersonalData) for f in filters)
    for formatter in formatters:
        record = _record("login %s password=%s", NIK, PASSWORD, exc=True)
        for f in filters:
            f.filter(record)
        line = formatter.format(record)
        assert NIK not in line and PASSWORD not in line
        assert "Z" in line


def test_django_server_lines_go_through_the_redacting_handler() -> None:
    logger = logging.getLogger("django.server")
    formatters = [type(h.formatter) for h in logger.handlers if h.formatter is not None]
    assert any(issubclass(f, UTCFormatter) for f in formatters)
    assert not logger.propagate
    # Django's own console and mail handlers are gone from "django".
    assert logging.getLogger("django").handlers == []


@pytest.mark.django_db
def test_each_request_has_an_id_in_its_log_lines_and_response(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(current_request_id())

    spy = Spy()
    logging.getLogger("django.request").addHandler(spy)
    try:
        response = client.get("/tidak-ada-halaman-ini/", HTTP_X_REQUEST_ID="abc-123")
    finally:
        logging.getLogger("django.request").removeHandler(spy)
    assert response.status_code == 404
    assert response["X-Request-ID"] == "abc-123"
    assert "abc-123" in seen  # "Not Found" was logged while the request ran
    assert current_request_id() == ""  # and the id ends with the request


@pytest.mark.django_db
def test_a_request_id_that_is_not_a_plain_token_is_replaced(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")
    assert response["X-Request-ID"] != "x\r\nSet-Cookie: a=b"
    assert re.fullmatch(r"[a-p]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_a_request_id_carrying_a_nik_is_replaced(client: Client) -> None:
    response = client.get("/healthz/", HTTP_X_REQUEST_ID=NIK)
    assert NIK not in response["X-Request-ID"]


def test_new_request_ids_never_look_like_personal_data() -> None:
    ids = {new_request_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"[a-p]{32}", i) and redact(i) == i for i in ids)


def test_gunicorns_lines_are_utc_and_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    from gunicorn.config import Config

    from kotacerdas.core.gunicorn_logging import TEXT_FORMAT, GunicornLogger

    assert settings.LOGGING["formatters"]["plain"]["format"] == TEXT_FORMAT
    config = Config()
    config.set("accesslog", "-")
    config.set("errorlog", "-")
    logger = GunicornLogger(config)
    try:
        logger.access_log.info('"GET /cari?nik=%s&token=%s HTTP/1.1" 200', NIK, TOKEN)
        logger.error("worker failed for %s", "0812-3456-7891")
    finally:
        for log in (logger.access_log, logger.error_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
    out, err = capsys.readouterr()
    assert "gunicorn.access" in out and "[NIK disamarkan]" in out  # access log on stdout
    assert "gunicorn.error" in err and "[telepon disamarkan]" in err  # error log on stderr
    for text in (out, err):
        assert NIK not in text and TOKEN not in text and "3456-7891" not in text
        assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ", text, re.MULTILINE)
