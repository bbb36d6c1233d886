"""A registry export made by the worker goes to the bucket (issue 16) and
out through its checked view, straight from there."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kotacerdas.umkm.models import ExportJob
from kotacerdas.umkm.pdp.services import export_job_create, run_export_job
from tests.conftest import World, s3_client, s3_keys
from tests.permissions.rows_umkm_registry import make_business
from tests.umkm.pdp.exporting import body


def test_an_export_is_put_in_the_bucket_and_downloaded_from_it(
    world: World, officer: Any, personas: dict[str, Any], s3_private: str, s3_server: str
) -> None:
    make_business(world)
    job = export_job_create(
        actor=officer, region=world.region, personal=False, purpose="", fmt="csv", filters={}
    )

    assert run_export_job(job)["rows"] == 1

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert s3_keys(s3_server, s3_private) == [job.stored_name]
    stored = s3_client(s3_server).get_object(Bucket=s3_private, Key=job.stored_name)["Body"].read()
    assert job.size == len(stored)
    download = personas["officer"].get(reverse("umkm:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert body(download) == stored
