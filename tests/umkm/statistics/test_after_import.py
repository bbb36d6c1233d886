"""Statistics viewed while an import job stages its rows, then after it
publishes them: the next statistics count the imported businesses, for the
worker's job and the command line's staged import alike (review finding:
the tally counted during staging kept the stamp the publish did not change)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kotacerdas.umkm.imports import engine, services
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.statistics.selectors import registry_statistics
from tests.conftest import World, world_build
from tests.permissions.rows_umkm_import import upload_job
from tests.umkm.statistics.fixtures import clear_cache

HEADER = b"No,Nama Usaha,Nama Pemilik,NIK,Kelurahan,Alamat\n"
MAPPING = {"1": "name", "2": "owner_name", "3": "owner_nik", "4": "kelurahan", "5": "address"}


def _survey(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(1, rows + 1):
        lines.append(f"{i},Toko Statistik {i},Siti,14720141019{i:05d},Purnama,Jl. {i}\n".encode())
    return b"".join(lines)


def _seen(region: Any) -> int:
    stats = registry_statistics(region=region)
    return stats.counted + stats.pending + stats.closed + stats.rejected


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    monkeypatch.setitem(engine.STAGED_CHUNK_ROWS, connection.vendor, 10)
    monkeypatch.setattr(engine, "STAGED_CHUNK_ROWS_DEFAULT", 10)
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(engine.pipeline, "BATCH_ROWS", 10)


@pytest.mark.django_db(transaction=True)
def test_the_workers_import_is_counted_by_the_first_statistics_after_it_publishes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Committed for real: the tally must be gone as the publish commits,
    before the worker's duplicate search and its own recount."""
    world = world_build()
    before = _seen(world.region)
    job = upload_job(world, _survey(40))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED, mapping=MAPPING)
    during: list[int] = []
    after: list[int] = []
    beat = services.ProgressBeat.__call__

    def viewed_while_staging(self: Any, done: int, total: int | None) -> None:
        during.append(_seen(world.region))
        beat(self, done, total)

    def viewed_after_publish(job: ImportJob) -> None:  # before the worker's own recount
        after.append(_seen(world.region))

    monkeypatch.setattr(services.ProgressBeat, "__call__", viewed_while_staging)
    monkeypatch.setattr(services, "_find_duplicates", viewed_after_publish)
    assert services.import_job_run(job_id=job.pk)["imported"] == 40

    assert Business.all_rows.filter(import_job_id=job.pk).count() == 40
    # Staged rows are not counted, but the tally counted meanwhile was kept.
    assert len(during) > 1 and set(during) == {before}
    assert after == [before + 40]


def test_the_command_lines_staged_import_is_counted_by_the_next_statistics(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    before = _seen(world.region)
    survey = tmp_path / "survei.csv"
    survey.write_bytes(_survey(40))
    during: list[int] = []

    with django_capture_on_commit_callbacks(execute=True):
        _job, result = services.import_run_here(
            actor=None,
            region=world.region,
            path=survey,
            filename=survey.name,
            progress=lambda done, total: during.append(_seen(world.region)),
        )

    assert result.imported == 40
    assert len(during) > 1 and set(during) == {before}
    assert _seen(world.region) == before + 40
