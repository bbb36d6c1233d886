from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.national import selectors
from kotacerdas.regions.models import Region


class Command(BaseCommand):
    help = (
        "Bandingkan angka terbit (beku) semua kab/kota. / Compare the published "
        "(frozen) figures of every kab/kota."
    )
    # A read-only report for scripts, like `figures`: no system checks first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province", default="", help="Kode provinsi Kemendagri, mis. 14 (Riau)."
        )
        parser.add_argument("--json", action="store_true", help="Keluaran JSON. / JSON output.")

    def handle(self, *args: Any, **options: Any) -> None:
        province = options["province"].strip()
        if province and not selectors.is_province_code(province):
            raise CommandError(
                f"Provinsi {province!r} tidak dikenal: tulis kode provinsi Kemendagri dua "
                f"angka, mis. 14 (Riau). / Unknown province {province!r}: use the two-digit "
                "Kemendagri code, e.g. 14 (Riau)."
            )
        # The command line runs as the deployment's operator: every region.
        found = selectors.comparison(regions=Region.objects.all(), province=province or None)
        rows = [selectors.row_json(row) for row in found.rows]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            ap, pr = row["action_plans"], row["programmes"]
            evaluation = row["evaluation"]
            self.stdout.write(
                "  ".join(
                    [
                        row["code"],
                        row["name"],
                        row["province"]["name"],
                        f"RA {ap['percent'] if ap and ap['percent'] else '—'}",
                        f"PR {pr['percent'] if pr and pr['percent'] else '—'}",
                        f"QW {row['quick_wins']['total'] if row['quick_wins'] else '—'}",
                        f"IDX {evaluation['index'] if evaluation else '—'}",
                        row["period"]["label"] if row["period"] else "—",
                    ]
                )
            )
