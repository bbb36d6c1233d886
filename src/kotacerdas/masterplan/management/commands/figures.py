from __future__ import annotations

import json
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from kotacerdas.core.formatting import percent_id
from kotacerdas.masterplan.cli import region_masterplan
from kotacerdas.masterplan.selectors import Figures, masterplan_figures


class Command(BaseCommand):
    help = "Tampilkan capaian masterplan sebuah wilayah. / Print a region's masterplan figures."
    # A read-only report that scripts call often: the system checks would
    # import every URL, view and the API schema first (about a second of a
    # 1,5 s start). `kotacerdas check` and every server start still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="Kode Kemendagri, mis. 14.72")
        parser.add_argument("--json", action="store_true", help="Keluaran JSON. / JSON output.")

    def handle(self, *args: Any, **options: Any) -> None:
        masterplan = region_masterplan(options["region"])
        region = masterplan.region
        figures = masterplan_figures(masterplan=masterplan)
        if options["json"]:
            self.stdout.write(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
            return
        from rich.console import Console  # only for the table: --json does not pay for it
        from rich.table import Table

        console = Console(file=cast(TextIO, self.stdout), width=110, highlight=False)
        console.print(f"[bold]{masterplan.title}[/bold] — {region.name} ({region.code})")
        if masterplan.legal_basis:
            console.print(masterplan.legal_basis)
        table = Table(title="Capaian masterplan", title_justify="left")
        table.add_column("Cakupan")
        table.add_column("Rencana aksi", justify="right")
        table.add_column("Terimplementasi", justify="right")
        table.add_column("Capaian", justify="right")
        table.add_column("Program", justify="right")
        table.add_column("Berjalan", justify="right")
        table.add_column("Implementasi", justify="right")

        def row(fig: Figures, bold: bool = False) -> None:
            cells = [
                fig.label,
                str(fig.action_plans.denominator),
                str(fig.action_plans.numerator),
                percent_id(fig.action_plans.percent),
                str(fig.programmes.denominator),
                str(fig.programmes.numerator),
                percent_id(fig.programmes.percent),
            ]
            table.add_row(*[f"[bold]{c}[/bold]" if bold else c for c in cells])

        row(figures.overall, bold=True)
        for pillar in figures.pillars:
            row(pillar)
        console.print(table)
        console.print(f"Quick win: {len(figures.quick_wins)}")
        for qw in figures.quick_wins:
            console.print(f"  {qw.year} · {qw.pillar_name} · {qw.name} — {qw.status_label}")
