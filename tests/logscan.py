"""Scan the logs of the whole test suite for personal data and secrets.

A pytest plugin (registered in tests/conftest.py). For the whole session it
listens on the root logger and on the loggers that do not propagate
(``django.server``, ``gunicorn.*``), runs every record through the filters and
formatters that ``settings.LOGGING`` configures for production — the text and
the JSON format — and looks at each line written. At the end of the session,
a line that still holds

- a NIK (16 digits, also in groups),
- an Indonesian mobile number in full,
- a password the tests use (the personas', the demo's, the audit tests'), or
- a token secret (a KotaCerdas API token ``kc_<prefix>_<secret>``, or what
  follows ``Bearer``)

fails the run (exit status 1) with a list of the offending tests, loggers and
lines (the leaked value masked). Under pytest-xdist each worker scans its own
tests and hands its findings to the controller, which reports and fails the
run. tests/core/test_logscan.py proves the scanner catches planted leaks. See
docs/security.md, "Audit dan log / Audit and logs".
"""

from __future__ import annotations

import copy
import functools
import logging
import logging.config
import re
from dataclasses import dataclass
from typing import Any

import pytest

# The loggers that do not propagate to the root in settings.LOGGING.
NON_PROPAGATING = ("django.server", "gunicorn.access", "gunicorn.error")


def _test_passwords() -> tuple[str, ...]:
    from kotacerdas.demo.loader import DEMO_PASSWORD
    from tests.factories import PASSWORD

    # tests/core/test_audit.py creates a user with this one.
    return (PASSWORD, DEMO_PASSWORD, "kata-sandi-rahasia-panjang")


# Written independently of kotacerdas.core.logging (a second opinion): the
# digit groups may be separated as text and as URLs write them ("+", "%20").
_GAP = r"(?:[\s.\-+]|%20)"
_NIK = re.compile(rf"(?:(?<=%20)|(?<!\d))\d(?:{_GAP}?\d){{15}}(?!\d)")
_PHONE = re.compile(
    rf"(?:(?<=%20)|(?<!\d))(?:\+62|%2[Bb]62|0062|62|0){_GAP}?8\d(?:{_GAP}?\d){{6,11}}(?!\d)"
)
_API_TOKEN = re.compile(r"\bkc_[0-9a-f]{8}_[A-Za-z0-9_\-]{8,}")
_BEARER = re.compile(r"(?i)\bbearer\s+(?!\[)[A-Za-z0-9._~+/=\-]{6,}")


@functools.cache
def leak_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = [
        ("NIK", _NIK),
        ("nomor telepon / phone number", _PHONE),
        ("token API / API token", _API_TOKEN),
        ("token Bearer / bearer token", _BEARER),
    ]
    patterns += [
        ("kata sandi uji / test password", re.compile(re.escape(p))) for p in _test_passwords()
    ]
    return patterns


def find_leaks(line: str) -> list[tuple[str, str]]:
    """(what, masked line) for every kind of leak in ``line``."""
    found = []
    for label, pattern in leak_patterns():
        if pattern.search(line):
            found.append((label, pattern.sub("<BOCOR/LEAK>", line)))
    return found


def production_pipeline() -> tuple[list[logging.Filter], list[logging.Formatter]]:
    """The console handler's filters and every formatter of settings.LOGGING,
    built the way logging.config builds them."""
    from django.conf import settings

    config = copy.deepcopy(settings.LOGGING)
    configurator = logging.config.DictConfigurator(config)
    handler = config["handlers"]["console"]
    filters = [
        configurator.configure_filter(copy.deepcopy(config["filters"][name]))
        for name in handler.get("filters", [])
    ]
    formatters = [
        configurator.configure_formatter(copy.deepcopy(spec))
        for spec in config["formatters"].values()
    ]
    return filters, formatters


@dataclass
class Offence:
    test: str
    logger: str
    what: str
    line: str


class LogScanner(logging.Handler):
    def __init__(
        self, pipeline: tuple[list[logging.Filter], list[logging.Formatter]] | None = None
    ) -> None:
        super().__init__(logging.NOTSET)
        self.pipeline = pipeline
        self.offences: list[Offence] = []
        self.records = 0
        self.current_test = "(di luar tes / outside a test)"

    def lines(self, record: logging.LogRecord) -> list[str]:
        filters, formatters = self.pipeline or production_pipeline()
        rendered = []
        for formatter in formatters:
            copy_ = logging.makeLogRecord(dict(record.__dict__))
            if all(f.filter(copy_) for f in filters):
                rendered.append(formatter.format(copy_))
        return rendered

    def inspect(self, record: logging.LogRecord) -> list[Offence]:
        """The offences in the lines ``record`` becomes (also recorded)."""
        found = []
        for line in self.lines(record):
            for what, masked in find_leaks(line):
                found.append(Offence(self.current_test, record.name, what, masked[:400]))
        self.offences.extend(found)
        return found

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            self.inspect(record)
        except Exception as error:  # a record that cannot be formatted is the handler's problem
            what = f"tidak terformat / unformattable: {type(error).__name__}"
            self.offences.append(
                Offence(self.current_test, record.name, what, str(record.msg)[:200])
            )

    def attach(self) -> None:
        for name in ("", *NON_PROPAGATING):
            logger = logging.getLogger(name)
            if self not in logger.handlers:
                logger.addHandler(self)

    def detach(self) -> None:
        for name in ("", *NON_PROPAGATING):
            logging.getLogger(name).removeHandler(self)


SCANNER: LogScanner | None = None


def pytest_configure(config: pytest.Config) -> None:
    global SCANNER
    SCANNER = LogScanner(production_pipeline())
    SCANNER.attach()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if SCANNER is not None:
        SCANNER.current_test = item.nodeid
        SCANNER.attach()  # again: a test may have reconfigured logging


def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
    if SCANNER is not None:
        SCANNER.current_test = "(di luar tes / outside a test)"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if SCANNER is None:
        return
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        # A pytest-xdist worker: its exit status and summary are not the run's,
        # so it hands its findings to the controller (pytest_testnodedown).
        workeroutput["logscan_records"] = SCANNER.records
        workeroutput["logscan_offences"] = [vars(o) for o in SCANNER.offences]
        return
    if SCANNER.offences:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller of a pytest-xdist run gathers what each worker found."""
    output = getattr(node, "workeroutput", None) or {}
    if SCANNER is not None:
        SCANNER.records += output.get("logscan_records", 0)
        SCANNER.offences.extend(Offence(**o) for o in output.get("logscan_offences", []))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCANNER is None:
        return
    if not SCANNER.offences:
        terminalreporter.write_line(
            f"logscan: {SCANNER.records} catatan log diperiksa, tidak ada data pribadi atau "
            f"rahasia / {SCANNER.records} log records scanned, no personal data or secret"
        )
        return
    terminalreporter.section("logscan: data pribadi atau rahasia di log", red=True, bold=True)
    terminalreporter.write_line(
        f"{len(SCANNER.offences)} baris log membocorkan data pribadi atau rahasia / "
        f"log lines leak personal data or secrets (the run fails):",
        red=True,
    )
    for offence in SCANNER.offences[:50]:
        terminalreporter.write_line(
            f"- {offence.what} · logger {offence.logger} · {offence.test}\n    {offence.line}"
        )
    if len(SCANNER.offences) > 50:
        terminalreporter.write_line(f"... dan {len(SCANNER.offences) - 50} lagi / and more")
