"""``kotacerdas backup``: one archive with the database and the private files.
The work is done by :mod:`kotacerdas.core.backup`; see docs/operations.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.core.backup import BackupError, create_backup
from kotacerdas.core.storage import private_umask


class Command(BaseCommand):
    help = (
        "Cadangkan basis data dan berkas privat ke satu arsip .tar.gz. / "
        "Back up the database and the private files into one .tar.gz archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help=(
                "Folder tujuan (bawaan: <KOTACERDAS_DATA_DIR>/backups). / "
                "Folder to write the archive to (default: <KOTACERDAS_DATA_DIR>/backups)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with private_umask():  # files and folders created: 0600 / 0700
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        output = options["output"] or Path(settings.DATA_DIR) / "backups"
        try:
            result = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        files = sum(1 for name in manifest["files"] if name.startswith("private/"))
        self.stdout.write(self.style.SUCCESS(f"Cadangan dibuat / backup written: {result.path}"))
        self.stdout.write(
            f"  {len(manifest['row_counts'])} tabel / tables, {result.total_rows} baris / rows, "
            f"{files} berkas privat / private files, "
            f"{result.path.stat().st_size} bita / bytes"
        )
        personal = manifest["personal_data"]
        if personal["contains"]:
            tables = ", ".join(personal["tables"]) or "-"
            kinds = ", ".join(f"{kind}: {n}" for kind, n in personal["private_files"].items())
            self.stdout.write(
                f"  Memuat data pribadi / holds personal data: tabel / tables {tables}; "
                f"berkas / files {kinds or '-'} (manifest.json, personal_data)"
            )
        self.stdout.write(
            "  Kunci rahasia TIDAK disertakan; simpan SECRET_KEY di tempat terpisah. / "
            "The secret key is NOT included; keep SECRET_KEY somewhere else."
        )
