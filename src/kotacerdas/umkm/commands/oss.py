"""``kotacerdas umkm oss FILE --region CODE [--actor USER] [--json]``: match
an OSS-RBA NIB list to the region's registry, with the same services as the
web upload (the file is checked, stored, matched and deleted); the pairs to
review and the unmatched rows wait on the job's page."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.core.uploads import SPREADSHEET_KINDS, validate_upload
from kotacerdas.umkm.commands._inputs import command_actor, command_file, command_region
from kotacerdas.umkm.imports.forms import max_import_bytes
from kotacerdas.umkm.oss.models import OssImport
from kotacerdas.umkm.oss.services import JOB_AUDIT_FIELDS, oss_job_create, oss_job_run

HELP = "Cocokkan daftar NIB OSS-RBA dengan registri. / Match an OSS-RBA NIB list."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help="Berkas CSV/XLSX dari OSS-RBA. / The OSS-RBA CSV/XLSX file.")
    parser.add_argument("--region", required=True, help="Kode wilayah, mis. 14.72. / Region code.")
    parser.add_argument(
        "--actor",
        default="",
        help="Nama pengguna pelaku (bawaan: sistem). / Acting username (default: system).",
    )
    parser.add_argument(
        "--json", action="store_true", help="Ringkasan sebagai JSON. / Summary as JSON."
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    region = command_region(options["region"])
    actor = command_actor(options["actor"])
    path = command_file(options["file"])
    with path.open("rb") as handle_:
        upload = File(handle_, name=path.name)
        try:
            checked = validate_upload(upload, kinds=SPREADSHEET_KINDS, max_bytes=max_import_bytes())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        job = oss_job_create(
            actor=actor, region=region, upload=upload, checked=checked, inline=True
        )
    done = oss_job_run(job_id=job.pk, actor=actor) or job
    if done.state == OssImport.State.FAILED:
        raise CommandError(done.error)
    summary = {name: getattr(done, name) for name in JOB_AUDIT_FIELDS if name != "error"}
    summary["job"] = done.pk
    if options["json"]:
        command.stdout.write(json.dumps(summary))
        return
    for name, value in summary.items():
        command.stdout.write(f"{name}: {value}")
