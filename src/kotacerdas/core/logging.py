"""Logging helpers: UTC timestamps, no personal data or secret in any log
line, plain text or JSON lines (``KOTACERDAS_LOG_FORMAT=text|json``), and the
request id of the request a line was written for.

Personal data must never reach a log (UU 27/2022; DOMAIN.md §7), yet an
exception message or a library's debug line may carry a NIK or a phone number
it was given. Two guards, both redacting 16-digit numbers (a NIK, or an
individual's NPWP) and Indonesian mobile numbers in any common form, also
as URLs write them (``+`` or ``%20`` between the digit groups):

- :class:`RedactPersonalData`, a logging filter for handlers: it rewrites the
  record's message (with its arguments applied) before any handler formats it;
- :class:`UTCFormatter` (and :class:`JSONFormatter`) redact what they write,
  tracebacks included, so the console handler of ``settings.LOGGING`` is
  covered even without the filter.

Secrets are redacted the same way: ``password=…``/``"password": "…"`` (and
``token``, ``secret``, ``api_key``, ``sessionid``, ``csrftoken``…),
``Authorization: Bearer …``/``Basic …``, and KotaCerdas API tokens
(``kc_<prefix>_<secret>``: the prefix stays, it names the token).

The test suite proves it: ``tests/logscan.py`` formats every record the suite
logs with these formatters and fails the run if a line still holds a NIK, a
phone number, a test password or a token (docs/security.md).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse

NIK_MARK = "[NIK disamarkan]"
PHONE_MARK = "[telepon disamarkan]"
SECRET_MARK = "[rahasia disamarkan]"  # noqa: S105 (a marker, not a secret)

# Between the digit groups of a number: a space, dot or dash, and as a URL
# writes them, "+" or "%20" (a query string "?q=1472+0112+0186+0184", a path
# "0813%203769%208718"; issue 14).
NUMBER_GAP = r"(?:[\s.\-+]|%20)"
# Not in the middle of a longer number, though just after "%20" is a start.
_START = r"(?:(?<=%20)|(?<!\d))"
# 16 digits, also written in groups ("1471 0112 3456 0001", "14.71.01...").
_NIK = re.compile(rf"{_START}\d(?:{NUMBER_GAP}?\d){{15}}(?!\d)")
# 08…, 628…, +62 8…, 0062 8… (and %2B62, a URL's "+62") with gaps between digit groups.
_PHONE = re.compile(
    rf"{_START}(?:\+62|%2[Bb]62|0062|62|0){NUMBER_GAP}?8\d(?:{NUMBER_GAP}?\d){{6,11}}(?!\d)"
)


# Names of secrets, not secrets.
_SECRET_KEYS = "|".join(
    [
        *("password", "passwd", "pwd", "pass", r"kata[_-]?sandi", "secret", "token"),
        *(r"api[_-]?key", "apikey", r"access[_-]?key", r"private[_-]?key", "sessionid"),
        *(r"session[_-]?key", "csrftoken", "csrfmiddlewaretoken", r"client[_-]?secret"),
    ]
)
# key=value, key: value, "key": "value", 'key': 'value' (the value ends at a
# quote, "&", ",", ";", whitespace or a closing bracket).
_SECRET_PAIR = re.compile(
    rf"""(?ix)
    (?P<key>["']?[\w-]*(?:{_SECRET_KEYS})["']?)
    (?P<sep>\s*[=:]\s*)
    (?P<quote>["'])?
    (?!\[rahasia\ disamarkan\])  # already redacted (filter, then formatter)
    (?P<value>(?(quote)[^"'\n]+|[^\s&,;"')\]}}]+))
    """
)
_AUTH_HEADER = re.compile(r"(?i)\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=\-]{6,}")
_API_TOKEN = re.compile(r"\b(kc_[0-9a-f]{8})_[A-Za-z0-9_\-]{8,}")


def _secret_pair(match: re.Match[str]) -> str:
    if match.group("value") in (SECRET_MARK, "None", "null", "''", '""'):
        return match.group(0)
    quote = match.group("quote") or ""
    return f"{match.group('key')}{match.group('sep')}{quote}{SECRET_MARK}"


def redact_secrets(text: str) -> str:
    """``text`` with passwords, tokens and credentials replaced by a marker."""
    # Pairs first: "token=kc_…" becomes one marker, not a prefix and a marker.
    text = _SECRET_PAIR.sub(_secret_pair, text)
    text = _API_TOKEN.sub(rf"\1_{SECRET_MARK}", text)
    return _AUTH_HEADER.sub(rf"\1\2{SECRET_MARK}", text)


def redact(text: str) -> str:
    """``text`` with NIKs, phone numbers, passwords and tokens replaced by markers."""
    text = redact_secrets(text)
    if not any(ch.isdigit() for ch in text):
        return text
    return _PHONE.sub(PHONE_MARK, _NIK.sub(NIK_MARK, text))


class RedactPersonalData(logging.Filter):
    """Redact personal data from every record that passes (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler's error path
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class UTCFormatter(logging.Formatter):
    """Log timestamps in UTC, ISO 8601, whatever the server's time zone; the
    line written has personal data redacted."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):  # for formats naming %(request_id)s
            record.request_id = current_request_id() or "-"
        return redact(super().format(record))


class JSONFormatter(UTCFormatter):
    """One JSON object per line (``KOTACERDAS_LOG_FORMAT=json``): time (UTC,
    ISO 8601), level, logger, message, request_id when known, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id and request_id != "-":
            entry["request_id"] = request_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- Request id --------------------------------------------------------------------------

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "kotacerdas_request_id", default=""
)
_GOOD_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")


_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def new_request_id() -> str:
    """32 letters a-p (a uuid4 with its digits spelt as letters): an id
    never looks like a NIK or a phone number, so no redaction touches it."""
    return uuid.uuid4().hex.translate(_NO_DIGITS)


def _good_id(given: str) -> bool:
    # A proxy's id is kept when it is a plain token that carries nothing to redact.
    return bool(_GOOD_ID.fullmatch(given)) and redact(given) == given


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request), for
    formats that name ``%(request_id)s``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class RequestIdMiddleware:
    """Give each request an id (the proxy's ``X-Request-ID`` when it is a
    plain token, else a new one), put it on the log lines written while the
    request runs and on the response, so a user's report and the logs meet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _good_id(given) else new_request_id()
        # Not reset on the way out: Django logs "Not Found" and server errors
        # after the middleware returns. request_started/finished clear it.
        _request_id.set(request_id)
        response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


def _clear_request_id(**kwargs: Any) -> None:
    _request_id.set("")


request_started.connect(_clear_request_id, dispatch_uid="kotacerdas.request_id.started")
request_finished.connect(_clear_request_id, dispatch_uid="kotacerdas.request_id.finished")
