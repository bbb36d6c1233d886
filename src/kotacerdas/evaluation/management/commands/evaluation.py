"""``kotacerdas evaluation index``: the evaluation index from five dimension
scores and the weights, with the computation spelled out (DOMAIN.md §3).

``kotacerdas evaluation instrument --kind readiness --year 2025 [--activate]``:
a new instrument version with the default dimensions, weights and
(illustrative) items, e.g. to seed the readiness instrument.

Thin on purpose: the rules and their checks live in
``kotacerdas.evaluation.instruments.selectors`` (the index) and
``kotacerdas.evaluation.instruments.services``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO, cast

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kotacerdas.core.formatting import decimal_id
from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.instruments.models import Instrument
from kotacerdas.evaluation.instruments.selectors import (
    DIMENSION_CODES,
    INDEX_PLACES,
    IndexResult,
    evaluation_index,
    number_id,
    parse_number,
)


def parse_pairs(values: Sequence[str]) -> dict[str, Decimal]:
    """``["baseline=3.84", "output=3,18"]`` → ``{"baseline": Decimal("3.84"), ...}``.
    Reports every malformed pair at once."""
    pairs: dict[str, Decimal] = {}
    problems: list[str] = []
    for item in values:
        code, sep, text = item.partition("=")
        code = code.strip()
        if not sep or not code:
            problems.append(
                _(
                    "%(item)s bukan pasangan dimensi=nilai, mis. baseline=3,84. / "
                    "%(item)s is not a dimension=value pair, e.g. baseline=3.84."
                )
                % {"item": repr(item)}
            )
        elif code in pairs:
            problems.append(
                _("Dimensi %(code)s disebut dua kali. / Dimension %(code)s is given twice.")
                % {"code": code}
            )
        else:
            try:
                pairs[code] = parse_number(text)
            except ValidationError as error:
                problems.append(f"{code}: {' '.join(error.messages)}")
    if problems:
        raise CommandError("\n".join(problems))
    return pairs


class Command(BaseCommand):
    help = (
        "Hitung indeks evaluasi smart city dari nilai lima dimensi. / "
        "Compute the smart city evaluation index from the five dimension scores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        index = actions.add_parser(
            "index",
            help="Indeks = Σ bobot × nilai dimensi. / Index = Σ weight × dimension score.",
        )
        codes = " ".join(DIMENSION_CODES)
        index.add_argument(
            "--scores",
            nargs="+",
            required=True,
            metavar="DIMENSI=NILAI",
            help=f"Nilai tiap dimensi ({codes}), mis. baseline=3,84. / "
            "Each dimension's score, e.g. baseline=3.84.",
        )
        index.add_argument(
            "--weights",
            nargs="+",
            metavar="DIMENSI=BOBOT",
            help="Bobot dalam persen, jumlahnya 100 (bawaan: baseline=10 output=20 "
            "outcome=30 impact=20 quick_win=20). / Weights in percent summing to 100.",
        )
        index.add_argument("--json", action="store_true", help="Keluaran JSON. / JSON output.")
        instrument = actions.add_parser(
            "instrument",
            help="Buat instrumen baru dengan isi bawaan. / Create an instrument with the defaults.",
        )
        instrument.add_argument(
            "--kind", choices=[k.value for k in Instrument.Kind], default="evaluation"
        )
        instrument.add_argument("--year", type=int, required=True)
        instrument.add_argument(
            "--activate",
            action="store_true",
            help="Langsung aktifkan versi ini. / Activate the new version at once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "instrument":
            self._instrument(options)
            return
        scores = parse_pairs(options["scores"])
        weights = None if options["weights"] is None else parse_pairs(options["weights"])
        try:
            result = evaluation_index(scores=scores, weights=weights)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._report(result)

    def _instrument(self, options: dict[str, Any]) -> None:
        try:
            with transaction.atomic():
                instrument = services.instrument_create(
                    actor=None, kind=options["kind"], year=options["year"]
                )
                if options["activate"]:
                    services.instrument_activate(actor=None, instrument=instrument)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            _("%(instrument)s dibuat (%(state)s), %(items)s butir.")
            % {
                "instrument": instrument,
                "state": instrument.get_state_display().lower(),
                "items": instrument.items.count(),
            }
        )

    def _report(self, result: IndexResult) -> None:
        console = Console(file=cast(TextIO, self.stdout), width=110, highlight=False)
        table = Table(title=_("Indeks evaluasi"), title_justify="left")
        table.add_column(_("Dimensi"))
        table.add_column(_("Bobot"), justify="right")
        table.add_column(_("Nilai"), justify="right")
        table.add_column(_("Bobot × nilai"), justify="right")
        for part in result.contributions:
            table.add_row(
                escape(part.label),
                f"{number_id(part.weight)}%",
                number_id(part.score),
                number_id(part.value),
            )
        table.add_section()
        table.add_row(_("Jumlah (tepat)"), "100%", "", number_id(result.value))
        table.add_row(
            f"[bold]{escape(_('Indeks'))}[/bold]",
            "",
            "",
            f"[bold]{decimal_id(result.rounded, INDEX_PLACES)}[/bold]",
        )
        console.print(table)
        console.print(_("Cara menghitung:"))
        for line in result.explain():
            console.print(f"  {escape(line)}")
