"""The comparison as a file: one row per region in the order shown, every
figure as its counts, its exact ratio and its rounded percentage (numbers
with a dot, dates ISO 8601), written by the project's one CSV/XLSX writer
(:mod:`kotacerdas.core.sheets.writing`, which keeps formulas out). The XLSX
adds a sheet with the aggregates and the rule of each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.core.sheets.writing import Table, csv_bytes, xlsx_bytes
from kotacerdas.masterplan.selectors import Ratio
from kotacerdas.national import selectors
from kotacerdas.national.selectors import Comparison, RegionRow

FORMATS = ("csv", "xlsx")


def header() -> list[str]:
    return [
        _("kode"),
        _("wilayah"),
        _("kode provinsi"),
        _("provinsi"),
        _("masterplan ditetapkan"),
        _("periode"),
        _("periode mulai"),
        _("periode selesai"),
        _("tanggal tutup"),
        _("rencana aksi terimplementasi"),
        _("rencana aksi dihitung"),
        _("capaian rencana aksi (eksak)"),
        _("capaian rencana aksi (%)"),
        _("program berjalan"),
        _("program dihitung"),
        _("implementasi program (eksak)"),
        _("implementasi program (%)"),
        _("quick win"),
        _("quick win terimplementasi"),
        _("quick win selesai"),
        _("tahun evaluasi"),
        _("tahap evaluasi"),
        _("indeks evaluasi"),
        _("indeks evaluasi (eksak)"),
        _("tahun pembanding"),
        _("perubahan indeks"),
    ]


def _ratio(ratio: Ratio | None) -> list[Any]:
    if ratio is None:
        return [None, None, None, None]
    return [
        ratio.numerator,
        ratio.denominator,
        f"{ratio.numerator}/{ratio.denominator}",
        None if ratio.percent is None else str(ratio.percent),
    ]


def row_cells(row: RegionRow) -> list[Any]:
    period, quick, evaluation = row.period, row.quick_wins, row.evaluation
    return [
        row.code,
        row.name,
        row.province_code,
        row.province_name,
        row.enacted,
        None if period is None else period.label,
        None if period is None else period.starts_on,
        None if period is None else period.ends_on,
        None if period is None else period.closed_on,
        *_ratio(row.action_plans),
        *_ratio(row.programmes),
        None if quick is None else quick.total,
        None if quick is None else quick.in_implementation,
        None if quick is None else quick.done,
        None if evaluation is None else evaluation.year,
        None if evaluation is None else evaluation.stage_label,
        None if evaluation is None else str(evaluation.shown),
        None if evaluation is None else selectors.exact_text(evaluation.index),
        None if evaluation is None else evaluation.previous_year,
        None
        if evaluation is None or evaluation.change_shown is None
        else str(evaluation.change_shown),
    ]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def aggregate_rows(found: Comparison) -> list[list[Any]]:
    """The aggregates, each with the rule that made it."""
    ap, pr, qw, ev = found.action_plans, found.programmes, found.quick_wins, found.evaluation
    mean_rule = _("rata-rata persentase wilayah (tiap wilayah berbobot sama)")
    pooled_rule = _("gabungan: jumlah pembilang ÷ jumlah penyebut seluruh wilayah")
    return [
        [_("Capaian rencana aksi"), mean_rule, ap.regions, _text(ap.mean_shown)],
        [
            _("Capaian rencana aksi"),
            pooled_rule,
            ap.regions,
            _text(ap.pooled_shown),
            f"{ap.pooled.numerator}/{ap.pooled.denominator}",
        ],
        [_("Implementasi program"), mean_rule, pr.regions, _text(pr.mean_shown)],
        [
            _("Implementasi program"),
            pooled_rule,
            pr.regions,
            _text(pr.pooled_shown),
            f"{pr.pooled.numerator}/{pr.pooled.denominator}",
        ],
        [_("Quick win"), _("jumlah seluruh wilayah"), qw.regions, qw.total],
        [
            _("Quick win terimplementasi"),
            _("jumlah seluruh wilayah"),
            qw.regions,
            qw.in_implementation,
        ],
        [
            _("Indeks evaluasi"),
            _("rata-rata indeks terakhir wilayah"),
            ev.regions,
            _text(ev.mean_shown),
        ],
        [
            _("Perubahan indeks"),
            _("rata-rata perubahan wilayah yang punya pembanding"),
            ev.changes,
            _text(ev.mean_change_shown),
        ],
    ]


def comparison_file(found: Comparison, rows: Sequence[RegionRow], fmt: str) -> bytes:
    body = [row_cells(row) for row in rows]
    if fmt == "csv":
        return csv_bytes(header(), body)
    return xlsx_bytes(
        Table(_("Perbandingan"), header(), body),
        Table(
            _("Agregat"),
            [_("angka"), _("aturan"), _("jumlah wilayah"), _("nilai"), _("eksak")],
            aggregate_rows(found),
        ),
    )
