"""Logging helpers: UTC timestamps, and no personal data in any log line.

Personal data must never reach a log (UU 27/2022; DOMAIN.md §7), yet an
exception message or a library's debug line may carry a NIK or a phone number
it was given. Two guards, both redacting 16-digit numbers (a NIK, or an
individual's NPWP) and Indonesian mobile numbers in any common form:

- :class:`RedactPersonalData`, a logging filter for handlers: it rewrites the
  record's message (with its arguments applied) before any handler formats it;
- :class:`UTCFormatter` redacts what it writes, tracebacks included, so the
  console handler of ``settings.LOGGING`` is covered even without the filter.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

NIK_MARK = "[NIK disamarkan]"
PHONE_MARK = "[telepon disamarkan]"

_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
# 08…, 628…, +62 8…, 0062 8… with spaces, dots or dashes between digit groups.
_PHONE = re.compile(r"(?<![\d+])(?:\+62|0062|62|0)[\s.\-]?8\d(?:[\s.\-]?\d){6,11}(?!\d)")


def redact(text: str) -> str:
    """``text`` with NIKs and phone numbers replaced by markers."""
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
        return redact(super().format(record))
