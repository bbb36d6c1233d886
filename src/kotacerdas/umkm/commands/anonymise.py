"""``kotacerdas umkm anonymise [--region CODE] [--dry-run]``: clear the
personal data of businesses closed longer than the retention period
(``RegistrySettings.retention_years``, 5 years when a region has no
settings). Meant for a daily or monthly schedule; running it twice changes
nothing the second time. ``--dry-run`` only counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.regions.models import Region
from kotacerdas.umkm.imports.services import anonymise_due
from kotacerdas.umkm.pdp.services import businesses_anonymise

HELP = (
    "Anonimkan data pribadi usaha tutup yang melewati masa retensi. / "
    "Anonymise personal data of businesses closed past retention."
)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--region", help="Kode wilayah, mis. 14.72 (bawaan: semua wilayah).")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="Hanya hitung, tanpa mengubah data. / Count only, change nothing.",
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    regions = Region.objects.order_by("code")
    if options.get("region"):
        regions = regions.filter(code=options["region"])
        if not regions.exists():
            raise CommandError(
                f"Wilayah {options['region']} tidak ada. / Region {options['region']} not found."
            )
    dry_run = bool(options.get("dry_run"))
    if dry_run:
        result = businesses_anonymise(actor=None, regions=list(regions), dry_run=True)
    else:
        # The stored import files holding these people go first (their NIK
        # and phone are in them); then the registry rows are cleared.
        files, result = anonymise_due(actor=None, regions=list(regions))
        command.stdout.write(
            f"Berkas impor dihapus / import files deleted: {files} impor / imports"
        )
    verb = "akan dianonimkan / would be anonymised" if dry_run else "dianonimkan / anonymised"
    for code, count in result.counts.items():
        command.stdout.write(f"{code}: {count} usaha {verb}")
    command.stdout.write(f"Jumlah / total: {result.total}")
