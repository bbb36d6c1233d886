"""The log scanner of the suite (tests/logscan.py) catches what it must: it
would be worthless if it passed a run that leaks."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import logscan
from tests.factories import PASSWORD

NIK = "1471011234560001"
TOKEN = "kc_0a1b2c3d_Zq9xY8wV7uT6sR5qP4oN3mL2kJ1iH0gF"
REPO = Path(__file__).resolve().parents[2]


def _record(msg: str, *args: object, name: str = "kotacerdas.planted") -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)


@pytest.mark.parametrize(
    ("line", "what"),
    [
        (f"owner {NIK}", "NIK"),
        ("owner 1471 0112 3456 0001", "NIK"),
        ("wa 0812-3456-7891", "nomor telepon / phone number"),
        ("call +62 812 3456 7891", "nomor telepon / phone number"),
        (f"user typed {PASSWORD}", "kata sandi uji / test password"),
        ("demo login dumai-cerdas-2024", "kata sandi uji / test password"),
        (f"api {TOKEN}", "token API / API token"),
        ("Authorization: Bearer abcdefghijkl", "token Bearer / bearer token"),
    ],
)
def test_it_finds_each_kind_of_leak_in_a_line(line: str, what: str) -> None:
    found = logscan.find_leaks(line)
    assert what in [w for w, _masked in found]
    for _what, masked in found:
        assert "<BOCOR/LEAK>" in masked  # the report does not print the leak again


@pytest.mark.parametrize(
    "line",
    [
        "imported 1500000 rows in 2024 (NIB 9120001234567)",
        "owner [NIK disamarkan] phone [telepon disamarkan]",
        "Authorization: Bearer [rahasia disamarkan]",
        "token kc_0a1b2c3d_[rahasia disamarkan]",
    ],
)
def test_it_passes_clean_lines(line: str) -> None:
    assert logscan.find_leaks(line) == []


def test_the_real_pipeline_redacts_what_it_can_and_the_scanner_sees_the_rest() -> None:
    scanner = logscan.LogScanner(logscan.production_pipeline())
    # Personal data and tokens in a known shape: redacted by the formatters.
    assert scanner.inspect(_record("nik %s wa %s api %s", NIK, "081234567891", TOKEN)) == []
    assert scanner.inspect(_record("login password=%s", PASSWORD)) == []
    # A bare password has no shape to redact: the scanner flags it, in both formats.
    offences = scanner.inspect(_record("user typed %s", PASSWORD))
    assert [o.what for o in offences] == ["kata sandi uji / test password"] * 2
    assert all(PASSWORD not in o.line for o in offences)
    assert offences[0].logger == "kotacerdas.planted"


def test_a_pipeline_that_does_not_redact_is_caught() -> None:
    scanner = logscan.LogScanner(([], [logging.Formatter("%(message)s")]))
    offences = scanner.inspect(_record("nik %s", NIK))
    assert [o.what for o in offences] == ["NIK"]


def test_the_suite_scanner_listens_to_the_root_and_the_server_loggers() -> None:
    assert logscan.SCANNER is not None
    assert logscan.SCANNER in logging.getLogger().handlers
    assert logscan.SCANNER in logging.getLogger("django.server").handlers
    before = logscan.SCANNER.records
    logging.getLogger("kotacerdas.test.logscan").warning("a harmless line")
    assert logscan.SCANNER.records == before + 1


def _run_planted_leak(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    planted = tmp_path / "test_planted_leak.py"
    planted.write_text(
        textwrap.dedent(
            f"""
            import logging

            def test_that_passes_but_leaks():
                logging.getLogger("kotacerdas.planted").warning("typed %s", {PASSWORD!r})

            def test_that_passes_quietly():
                pass
            """
        )
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and test)
        [
            sys.executable,
            "-m",
            "pytest",
            str(planted),
            "-p",
            "tests.logscan",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--rootdir={REPO}",
            "-c",
            str(REPO / "pyproject.toml"),
            *options,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _assert_the_leak_failed_the_run(done: subprocess.CompletedProcess[str]) -> None:
    assert "2 passed" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 1, done.stdout
    assert "logscan" in done.stdout
    assert "test_that_passes_but_leaks" in done.stdout
    assert PASSWORD not in done.stdout.split("logscan", 1)[1]


def test_a_leak_anywhere_in_a_run_fails_the_run(tmp_path: Path) -> None:
    _assert_the_leak_failed_the_run(_run_planted_leak(tmp_path, "-p", "no:xdist"))


@pytest.mark.drill  # three Python processes: many seconds
@pytest.mark.one_database  # the planted test uses no database
def test_a_leak_in_a_worker_of_a_parallel_run_fails_the_run(tmp_path: Path) -> None:
    # pytest-xdist: the worker that ran the leaking test reports to the controller.
    _assert_the_leak_failed_the_run(_run_planted_leak(tmp_path, "-n", "2"))
