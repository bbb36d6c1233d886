"""The virus scan fails closed unless the operator says otherwise
(KOTACERDAS_CLAMD_FAIL_OPEN, docs/uploads.md "ClamAV"); a virus found is
refused either way. The fake clamd is the one of tests/core/test_uploads.py."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.core.uploads import validate_upload
from tests.core import hostile_files as files
from tests.core.test_uploads import clamd  # noqa: F401 (the fixture)


def _check(name: str = "laporan.pdf") -> str:
    return validate_upload(SimpleUploadedFile(name, files.pdf()), kinds={"pdf"}).kind


def test_by_default_an_unreachable_scanner_refuses(settings, tmp_path: Path) -> None:
    settings.KOTACERDAS_CLAMD = f"unix:{tmp_path / 'tidak-ada.ctl'}"
    assert settings.KOTACERDAS_CLAMD_FAIL_OPEN is False
    with pytest.raises(ValidationError) as caught:
        _check()
    assert caught.value.code == "scanner_unavailable"


def test_fail_open_accepts_unscanned_and_says_so_in_the_log(
    settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.KOTACERDAS_CLAMD = f"unix:{tmp_path / 'tidak-ada.ctl'}"
    settings.KOTACERDAS_CLAMD_FAIL_OPEN = True
    with caplog.at_level(logging.ERROR, logger="kotacerdas.core.uploads"):
        assert _check() == "pdf"
    assert "accepted without a virus scan" in caplog.text


def test_fail_open_still_refuses_a_virus(clamd, settings) -> None:  # noqa: F811
    settings.KOTACERDAS_CLAMD_FAIL_OPEN = True
    clamd(b"stream: Eicar-Test-Signature FOUND\x00")
    with pytest.raises(ValidationError) as caught:
        _check()
    assert caught.value.code == "virus"
