"""A web import whose worker died leaves no litter once a page settles it:
the progress entry and any report the worker wrote go with the job's failure
(the SIGKILL version of this is in test_kill.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

from kotacerdas.core.storage import private_storage
from kotacerdas.umkm.imports import progress, services
from kotacerdas.umkm.models import ImportJob
from tests.conftest import World
from tests.permissions.rows_umkm_import import upload_job


def _dead_worker_job(world: World) -> tuple[ImportJob, Path]:
    """A RUNNING job, as a worker killed mid-import leaves it: a progress
    file from long ago and a report written before the kill."""
    job = upload_job(world)
    report_name = "ab/abcdef0123456789abcdef0123456789.xlsx"
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
        report_name=report_name,
    )
    job.refresh_from_db()
    progress.ProgressBeat(job.pk).write(10, 40)
    report = Path(private_storage.path(report_name))
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_bytes(b"PK half a report")
    return job, report


def test_giving_up_a_dead_import_removes_its_progress_entry_and_report(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    job, report = _dead_worker_job(world)

    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_give_up(job=job, since=timezone.now() - dt.timedelta(hours=1))

    assert job.state == ImportJob.State.FAILED and job.report_name == ""
    assert progress.read_progress(job.pk) is None
    assert not report.exists()
    # A failed job's stored files go at once (issue 14 point 7), the upload too.
    job.refresh_from_db()
    assert job.files_removed_at is not None
    assert not job.stored_name or not private_storage.exists(job.stored_name)
