"""Helpers of the export tests: ask for an export as the registry list's
form does, run the worker's part, download the file."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from kotacerdas.umkm.models import ExportJob
from kotacerdas.umkm.pdp.services import run_export_job


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def export_request(client: Client, code: str, data: dict[str, Any]) -> Any:
    return client.post(reverse("umkm:business_export", args=[code]), data)


def export_download(client: Client, world: Any, data: dict[str, Any]) -> Any:
    """POST the export form; when it queued a job, run it as the worker does
    and GET its file. Returns the download's response, or the POST's when the
    request was refused."""
    before = set(ExportJob.objects.values_list("pk", flat=True))
    response = export_request(client, world.region.code, data)
    created = ExportJob.objects.exclude(pk__in=before).first()
    if response.status_code != 302 or created is None:
        return response
    assert response["Location"] == reverse("umkm:export_detail", args=[created.pk])
    run_export_job(created)
    return client.get(reverse("umkm:export_download", args=[created.pk]))
