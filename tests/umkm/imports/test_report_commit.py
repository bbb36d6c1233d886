"""The rejection report of a command-line import and the commit that
decides the import (tests/faults/test_kill.py hit the gap between them)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from kotacerdas.umkm.imports.engine import run_import
from kotacerdas.umkm.models import Business, KbliCode
from tests.umkm.imports.test_engine import ROWS, write_csv


@pytest.mark.parametrize("commit_fails", [False, True])
def test_the_report_is_in_place_where_the_commit_is_decided(
    transactional_db, world, tmp_path, monkeypatch, commit_fails
) -> None:
    """A command-line import killed while its commit is decided leaves the
    report exactly when the import is there (tests/faults/test_kill.py hit
    the gap at random): PostgreSQL decides once COMMIT is sent, even if the
    process dies waiting for the answer, so the report is in place before;
    SQLite decides in this process, so the report follows its return."""
    KbliCode.objects.forget()
    survey = write_csv(tmp_path / "survei.csv", ROWS)
    report = tmp_path / "out" / "ditolak.xlsx"
    seen: list[bool] = []
    commit = connection.commit

    def deciding() -> None:
        seen.append(report.exists())
        if commit_fails:
            raise OperationalError("commit refused")
        commit()

    monkeypatch.setattr(connection, "commit", deciding)
    if commit_fails:
        with pytest.raises(OperationalError, match="commit refused"):
            run_import(
                actor=None,
                region=world.region,
                path=survey,
                filename=survey.name,
                report_path=report,
            )
    else:
        run_import(
            actor=None, region=world.region, path=survey, filename=survey.name, report_path=report
        )
    monkeypatch.undo()  # the database's clean-up commits again

    assert seen == [connection.vendor != "sqlite"]
    assert report.exists() is not commit_fails
    assert Business.objects.exists() is not commit_fails
    assert list(tmp_path.rglob(".*partial")) == []
