"""``kotacerdas restore ARCHIVE``: checks an archive of ``kotacerdas backup``
and puts its database and private files in place. The work is done by
:mod:`kotacerdas.core.backup`; the runbook is in docs/operations.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.core.backup import BackupError, restore_backup
from kotacerdas.core.storage import private_umask


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan dari `kotacerdas backup` (hentikan server dulu). / "
        "Restore an archive made by `kotacerdas backup` (stop the server first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="Arsip .tar.gz / the .tar.gz archive.")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Timpa basis data dan berkas privat yang sudah berisi data. / "
                "Overwrite a database and private files that already hold data."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with private_umask():  # files and folders created: 0600 / 0700
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        try:
            result = restore_backup(
                options["archive"], force=options["force"], progress=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Pemulihan selesai / restore complete: cadangan / backup of "
                f"{manifest['created_at']} (versi / version {manifest['app_version']})"
            )
        )
        self.stdout.write(
            f"  {len(manifest['row_counts'])} tabel / tables, {result.total_rows} baris / rows "
            f"cocok dengan manifest / match the manifest; "
            f"{result.private_files} berkas privat / private files"
        )
        if result.applied_migrations:
            self.stdout.write(
                f"  Migrasi diterapkan / migrations applied: {', '.join(result.applied_migrations)}"
            )
        else:
            self.stdout.write("  Skema sudah terbaru. / The schema is up to date.")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  {warning}"))
