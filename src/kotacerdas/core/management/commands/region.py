"""``kotacerdas region``: the regions (kab/kota) this deployment serves.

- ``add CODE`` adds a kab/kota of the bundled Kemendagri reference with its
  official name; its kecamatan and kelurahan/desa come with the reference.
  Running it again changes nothing. Audited (``--actor``, else "sistem").
- ``list`` prints the regions added so far.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kotacerdas.core.regions import region_add, region_reference_check
from kotacerdas.regions.models import Region


class Command(BaseCommand):
    help = "Wilayah (kab/kota) deployment ini. / The regions this deployment serves."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        add = actions.add_parser(
            "add",
            help="Tambahkan kab/kota dari referensi Kemendagri. / "
            "Add a kab/kota from the Kemendagri reference.",
        )
        add.add_argument("code", metavar="KODE", help="Kode Kemendagri, mis. 14.72. / Code.")
        add.add_argument("--actor", help="Nama pengguna pelaku. / Acting username.")
        actions.add_parser("list", help="Daftar wilayah. / List the regions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            regions = Region.objects.order_by("code")
            for region in regions:
                self.stdout.write(f"{region.code}\t{region.name}\t{region.zone_abbreviation}")
            self.stdout.write(f"{regions.count()} wilayah / regions")
            return
        actor = None
        if options.get("actor"):
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(
                    f"Pengguna {options['actor']} tidak ada. / User {options['actor']} does not "
                    "exist."
                )
        try:
            added = region_add(actor=actor, code=options["code"])
        except ValidationError as error:
            # Indonesian / English, as the other commands say it.
            with translation.override("en"):
                try:
                    region_reference_check(options["code"])
                except ValidationError as english:
                    raise CommandError(
                        " ".join(error.messages) + " / " + " ".join(english.messages)
                    ) from None
            raise CommandError(" ".join(error.messages)) from None
        region = added.region
        counts = f"{added.kecamatan} kecamatan, {added.kelurahan} kelurahan/desa"
        if added.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wilayah {region.code} {region.name} ditambahkan ({counts}, "
                    f"{region.zone_abbreviation}). / Region added."
                )
            )
            self.stdout.write(
                "Berikutnya: beri petugas keanggotaan di admin (Admin → Keanggotaan), lalu "
                f"`kotacerdas umkm import BERKAS --region {region.code}`. / Next: give officers "
                "a membership in the admin, then import."
            )
        else:
            self.stdout.write(
                f"Wilayah {region.code} {region.name} sudah ada; tidak ada yang diubah ({counts}). "
                "/ Region already exists; nothing changed."
            )
