from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.core.models import Role
from kotacerdas.demo.loader import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Muat demo Kota Dumai (14.72). / Load the Kota Dumai demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Kembalikan nilai demo pada data yang sudah ada. / Restore demo values.",
        )
        parser.add_argument("--quiet", action="store_true", help="Tanpa keluaran. / No output.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Demo tidak dimuat di mode produksi (akun demo memakai kata sandi publik). / "
                "The demo is not loaded in production: its accounts use a public password."
            )
        result = demo_load(reset=options["reset"])
        if options["quiet"]:
            return
        if result.changed:
            parts = [f"{n} {kind} baru" for kind, n in sorted(result.created.items())]
            parts += [f"{n} {kind} dikembalikan" for kind, n in sorted(result.updated.items())]
            self.stdout.write("Demo Kota Dumai dimuat: " + ", ".join(parts) + ".")
        else:
            self.stdout.write("Demo Kota Dumai sudah lengkap; tidak ada yang diubah.")
        self.stdout.write(
            "Data demo: angka agregat mengikuti laporan publik Kota Dumai (Nov 2024); "
            "nama selain yang disebut publik bersifat ilustratif."
        )
        self.stdout.write(f"Akun demo (kata sandi: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            role = Role(user.role).label if user.role else "superuser (admin Django)"
            agency = f" — {user.agency}" if user.agency else ""
            self.stdout.write(f"  {user.username:<18} {role}{agency}")
