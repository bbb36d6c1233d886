"""``kotacerdas region``: the regions (kab/kota and provinces) this
deployment serves.

- ``add CODE [--admin USERNAME]`` adds a kab/kota (``14.72``) or a province
  (``14``) of the bundled Kemendagri reference with its official name; its
  kecamatan and kelurahan/desa come with the reference. Running it again
  changes nothing but says so (exit 0); ``--admin`` appoints that user the
  region's admin (smart city team), on the first run or a later one.
  Audited (``--actor``, else "sistem").
- ``list`` prints the regions added so far.

A malformed or unknown code, or an unknown user, is refused with a message in
Indonesian and English and a non-zero exit; nothing is added then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from kotacerdas.core.regions import region_add, region_admin_appoint
from kotacerdas.regions.models import Region


def _both(attempt: Callable[[], Any], error: ValidationError) -> CommandError:
    """``error`` in Indonesian / English: ``attempt`` raises it again in English."""
    with translation.override("en"):
        try:
            attempt()
        except ValidationError as english:
            return CommandError(" ".join(error.messages) + " / " + " ".join(english.messages))
    return CommandError(" ".join(error.messages))


def _user(username: str | None, *, flag: str) -> Any:
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(
            f"Pengguna {username} ({flag}) tidak ada; buat akunnya dulu. / User {username} "
            f"({flag}) does not exist; create the account first."
        )
    return user


class Command(BaseCommand):
    help = (
        "Wilayah (kab/kota dan provinsi) deployment ini. / The regions (kab/kota and "
        "provinces) this deployment serves."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        add = actions.add_parser(
            "add",
            help="Tambahkan kab/kota atau provinsi dari referensi Kemendagri. / "
            "Add a kab/kota or province from the Kemendagri reference.",
        )
        add.add_argument(
            "code", metavar="KODE", help="Kode Kemendagri, mis. 14.72 atau 14. / Code."
        )
        add.add_argument(
            "--admin",
            metavar="USERNAME",
            help="Angkat pengguna ini sebagai admin wilayah. / "
            "Appoint this user the region's admin.",
        )
        add.add_argument("--actor", help="Nama pengguna pelaku. / Acting username.")
        actions.add_parser("list", help="Daftar wilayah. / List the regions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            regions = Region.objects.order_by("code")
            for region in regions:
                self.stdout.write(
                    f"{region.code}\t{region.name}\t{region.get_kind_display()}\t"
                    f"{region.zone_abbreviation}"
                )
            self.stdout.write(f"{regions.count()} wilayah / regions")
            return
        actor = _user(options.get("actor"), flag="--actor")
        admin = _user(options.get("admin"), flag="--admin")
        code = options["code"]
        with transaction.atomic():
            try:
                added = region_add(actor=actor, code=code)
            except ValidationError as error:
                raise _both(lambda: region_add(actor=actor, code=code), error) from None
            region = added.region
            appointed = False
            if admin is not None:
                try:
                    _membership, appointed = region_admin_appoint(
                        actor=actor, region=region, user=admin
                    )
                except ValidationError as error:
                    raise _both(
                        lambda: region_admin_appoint(actor=actor, region=region, user=admin),
                        error,
                    ) from None
        if region.is_province:
            counts = f"{len(region.kabkota_areas())} kab/kota"
        else:
            counts = f"{added.kecamatan} kecamatan, {added.kelurahan} kelurahan/desa"
        kind = region.get_kind_display()
        if added.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wilayah {region.code} {region.name} ({kind}) ditambahkan ({counts}, "
                    f"{region.zone_abbreviation}). / Region added."
                )
            )
        else:
            self.stdout.write(
                f"Wilayah {region.code} {region.name} sudah ada; wilayahnya tidak diubah "
                f"({counts}). / Region already exists; the region is unchanged."
            )
        if admin is not None:
            username = admin.get_username()
            if appointed:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{username} diangkat sebagai admin {region.name}. / {username} is now "
                        "an admin of the region."
                    )
                )
            else:
                self.stdout.write(
                    f"{username} sudah admin {region.name}. / {username} already is an admin "
                    "of the region."
                )
        elif added.created:
            self.stdout.write(
                f"Berikutnya: angkat admin wilayah (`kotacerdas region add {region.code} --admin "
                "USERNAME` atau halaman Admin deployment), lalu admin wilayah menambah "
                f"penggunanya. / Next: appoint the region's admin (`--admin USERNAME` or the "
                "deployment admin page); the region admin then adds the region's users."
            )
