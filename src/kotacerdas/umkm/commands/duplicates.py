"""``kotacerdas umkm duplicates --region CODE [--json]``: find the region's
duplicate candidates and store the new ones for the review queue. Running
it again adds nothing; pairs an officer already decided are never reopened.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from kotacerdas.umkm.commands._inputs import command_region
from kotacerdas.umkm.duplicates.models import DuplicateCandidate
from kotacerdas.umkm.duplicates.services import candidates_find

HELP = "Cari calon duplikat usaha. / Find duplicate business candidates."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--region", required=True, help="Kode wilayah, mis. 14.72. / Region code.")
    parser.add_argument(
        "--json", action="store_true", help="Ringkasan sebagai JSON. / Summary as JSON."
    )


def handle(command: Any, options: dict[str, Any]) -> None:
    region = command_region(options["region"])
    found = candidates_find(actor=None, region=region)
    open_count = DuplicateCandidate.objects.filter(
        region=region, state=DuplicateCandidate.State.OPEN
    ).count()
    if options["json"]:
        command.stdout.write(json.dumps({**found.as_dict(), "open": open_count}))
        return
    labels = dict(DuplicateCandidate.Kind.choices)
    command.stdout.write(f"{region.name}: {found.businesses} usaha diperiksa / businesses checked")
    for kind, count in found.found.items():
        command.stdout.write(
            f"  {labels[kind]} ({kind}): {count} ditemukan / found, "
            f"{found.created[kind]} baru / new"
        )
    command.stdout.write(
        f"{found.created_total} calon baru / new candidates; {open_count} menunggu keputusan / open"
    )
