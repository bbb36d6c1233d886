"""``kotacerdas boundaries``: the kecamatan and kelurahan/desa outlines of a
region's registry map (docs/operations.md, "Batas wilayah pada peta").

- ``load REGION FILE --source "..."`` reads an openly licensed GeoJSON file,
  checks every feature against the region's Kemendagri areas and replaces the
  region's outlines of the levels it holds; a file with any problem is refused
  whole, naming each problem, and nothing changes.
- ``list REGION`` says what is loaded and from which source.
- ``clear REGION`` removes the region's outlines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.core.boundaries import outlines_clear, outlines_load
from kotacerdas.regions.boundaries import (
    CODE_PROPERTIES,
    DEFAULT_PRECISION,
    BoundaryFileError,
    outlines_read,
    read_path,
)
from kotacerdas.regions.models import AreaBoundary, Region


class Command(BaseCommand):
    help = (
        "Batas kecamatan/kelurahan pada peta registri. / "
        "Kecamatan and kelurahan outlines of the registry map."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        load = actions.add_parser("load", help="Muat berkas GeoJSON. / Load a GeoJSON file.")
        load.add_argument("region", help="Kode wilayah, mis. 14.72. / Region code.")
        load.add_argument("file", help="Berkas GeoJSON FeatureCollection. / GeoJSON file.")
        load.add_argument(
            "--source",
            required=True,
            help=(
                "Sumber dan lisensi yang ditampilkan di peta, mis. 'geoBoundaries, CC BY 4.0'. / "
                "Source and licence shown on the map."
            ),
        )
        load.add_argument(
            "--code-property",
            help=(
                f"Properti berisi kode Kemendagri (bawaan: {', '.join(CODE_PROPERTIES)}). / "
                "Property holding the Kemendagri code."
            ),
        )
        load.add_argument(
            "--precision",
            type=int,
            default=DEFAULT_PRECISION,
            choices=range(3, 8),
            help="Desimal koordinat yang disimpan (bawaan 5 ≈ 1 m). / Decimals kept.",
        )
        load.add_argument("--actor", help="Nama pengguna pelaku. / Acting username.")
        for name in ("list", "clear"):
            sub = actions.add_parser(name)
            sub.add_argument("region")
            if name == "clear":
                sub.add_argument("--actor")

    def _region(self, code: str) -> Region:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(
                f"Wilayah {code} belum terdaftar. / Region {code} is not registered."
            )
        return region

    def _actor(self, username: str | None) -> Any:
        if not username:
            return None
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"Pengguna {username} tidak ada. / User {username} does not exist.")
        return actor

    def handle(self, *args: Any, **options: Any) -> None:
        region = self._region(options["region"])
        action = options["action"]
        if action == "list":
            rows = AreaBoundary.objects.filter(region=region).order_by("level", "code")
            for row in rows.values_list("code", "name", "source"):
                self.stdout.write("\t".join(row))
            self.stdout.write(f"{rows.count()} batas / outlines")
            return
        actor = self._actor(options.get("actor"))
        if action == "clear":
            count = outlines_clear(actor=actor, region=region)
            self.stdout.write(f"{count} batas dihapus. / {count} outlines removed.")
            return
        source = options["source"].strip()
        if not source:
            raise CommandError("--source wajib diisi. / --source is required.")
        try:
            outlines = outlines_read(
                read_path(Path(options["file"])),
                region=region,
                code_property=options.get("code_property"),
                precision=options["precision"],
            )
        except BoundaryFileError as error:
            raise CommandError(
                "Berkas ditolak, tidak ada yang diubah. / File refused, nothing changed.\n"
                + "\n".join(error.problems)
            ) from None
        counts = outlines_load(actor=actor, region=region, outlines=outlines, source=source)
        kecamatan = counts.get(AreaBoundary.Level.KECAMATAN, 0)
        kelurahan = counts.get(AreaBoundary.Level.KELURAHAN, 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"{region.name}: {kecamatan} kecamatan, {kelurahan} kelurahan/desa dimuat. / "
                "loaded."
            )
        )
