"""``kotacerdas masterplan export|import|template``: a region's whole
masterplan in and out of an .xlsx workbook (docs/masterplan-template.md).

Thin on purpose: the workbook, the checks and the writes live in
``kotacerdas.masterplan.exchange``, shared with the web upload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from kotacerdas.masterplan.cli import region_masterplan
from kotacerdas.masterplan.exchange.export import masterplan_export, template_empty
from kotacerdas.masterplan.exchange.importer import (
    ExchangeError,
    ImportResult,
    masterplan_import,
)
from kotacerdas.masterplan.exchange.results import KIND_LABELS


class Command(BaseCommand):
    help = (
        "Ekspor/impor seluruh masterplan sebuah wilayah sebagai berkas .xlsx. / "
        "Export or import a region's whole masterplan as an .xlsx workbook."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        export = actions.add_parser(
            "export", help="Tulis masterplan wilayah ke berkas. / Write a region's masterplan."
        )
        export.add_argument("--region", required=True, help="Kode Kemendagri, mis. 14.72")
        export.add_argument("file", help="Berkas .xlsx tujuan. / Output .xlsx file.")
        imp = actions.add_parser(
            "import", help="Baca masterplan dari berkas. / Read a masterplan from a file."
        )
        imp.add_argument("--region", required=True, help="Kode Kemendagri, mis. 14.71")
        imp.add_argument("file", help="Berkas .xlsx sesuai templat. / The filled-in template.")
        imp.add_argument(
            "--dry-run",
            action="store_true",
            help="Periksa dan tampilkan perubahan tanpa menyimpan. / Check only, save nothing.",
        )
        imp.add_argument("--json", action="store_true", help="Keluaran JSON. / JSON output.")
        imp.add_argument(
            "--actor",
            default="",
            help="Nama pengguna yang tercatat di jejak audit (bawaan: sistem). / "
            "Username recorded in the audit trail (default: system).",
        )
        template = actions.add_parser(
            "template", help="Tulis templat kosong. / Write the empty template."
        )
        template.add_argument("file", help="Berkas .xlsx tujuan. / Output .xlsx file.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self._export(options["region"].strip(), Path(options["file"]))
        elif action == "template":
            self._write(Path(options["file"]), template_empty())
            self.stdout.write(f"Templat ditulis ke {options['file']}.")
        else:
            self._import(options)

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                f"Tidak dapat menulis {path}: {error.strerror}. / Cannot write {path}."
            ) from None

    def _export(self, code: str, path: Path) -> None:
        masterplan = region_masterplan(code)
        region = masterplan.region
        self._write(path, masterplan_export(masterplan=masterplan))
        self.stdout.write(f"{masterplan.title} ({region.name}, {region.code}) ditulis ke {path}.")

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Tidak dapat membaca {path}: {error.strerror}. / Cannot read {path}."
            ) from None
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None or not actor.is_active:
                raise CommandError(
                    f"Pengguna {options['actor']} tidak ada atau tidak aktif. / "
                    f"No active user {options['actor']}."
                )
        try:
            result = masterplan_import(
                actor=actor,
                region_code=options["region"],
                content=content,
                dry_run=options["dry_run"],
            )
        except ExchangeError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._report(result)
        if not result.ok:
            raise CommandError(
                f"{len(result.problems)} masalah di berkas; tidak ada yang disimpan. / "
                f"{len(result.problems)} problems in the file; nothing was saved.",
                returncode=2,
            )

    def _report(self, result: ImportResult) -> None:
        console = Console(file=cast(TextIO, self.stdout), width=120, highlight=False)
        console.print(
            f"[bold]{result.region_name}[/bold] ({result.region_code})"
            + (" — wilayah baru" if result.region_created else "")
        )
        if result.problems:
            table = Table(title="Masalah di berkas", title_justify="left")
            for heading in ("Lembar", "Baris", "Kolom", "Masalah"):
                table.add_column(heading)
            for problem in result.problems:
                table.add_row(
                    problem.sheet,
                    "" if problem.row is None else str(problem.row),
                    problem.column,
                    f"{problem.message} ({problem.gloss})",
                )
            console.print(table)
            return
        table = Table(title="Ringkasan impor", title_justify="left")
        for heading in ("Jenis", "Baru", "Diubah", "Tetap", "Tidak ada di berkas"):
            table.add_column(heading, justify="left" if heading == "Jenis" else "right")
        for kind, counts in result.counts.items():
            table.add_row(
                str(KIND_LABELS[kind]),
                str(counts.created),
                str(counts.updated),
                str(counts.unchanged),
                str(counts.absent),
            )
        console.print(table)
        for change in result.changes:
            if change.action == "update":
                fields = "; ".join(f"{f.column}: {f.old} → {f.new}" for f in change.fields)
                console.print(f"  diubah {change.sheet} {change.key}: {fields}", markup=False)
        for kind, keys in result.absent.items():
            console.print(
                f"  tidak ada di berkas ({KIND_LABELS[kind]}, tidak dihapus): " + ", ".join(keys),
                markup=False,
            )
        for kept in result.kept_statuses:
            console.print(
                f"  status tidak diubah {kept.sheet} {kept.key} (baris {kept.row or '—'}): "
                f"tetap {kept.stored}, berkas {kept.asked}; {kept.reason}",
                markup=False,
            )
        if result.dry_run:
            console.print("Uji coba (--dry-run): tidak ada yang disimpan.")
        elif result.changed:
            console.print("Masterplan disimpan.")
        else:
            console.print("Tidak ada perubahan.")
