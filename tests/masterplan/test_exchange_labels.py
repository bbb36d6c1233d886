"""The masterplan workbook speaks Indonesian (issue 21, point 14): every
choice column is written by its Indonesian label, whatever the reader's
language, the codes wait in a hidden sheet, and the importer reads the
labels in either language and the codes back."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from kotacerdas.core.sheets import cells
from kotacerdas.masterplan.exchange.export import masterplan_export
from kotacerdas.masterplan.exchange.importer import masterplan_import
from kotacerdas.masterplan.exchange.workbook import (
    ACTION_PLANS_SHEET,
    FUNDING,
    HORIZONS,
    MASTERPLAN_STATUSES,
    PROGRAMMES_SHEET,
    SHEET_ACTION_PLANS,
    SHEET_CODES,
    SHEET_MASTERPLAN,
    SHEET_PROGRAMMES,
    STATUSES,
)
from kotacerdas.masterplan.models import ActionPlan, Masterplan, Programme

pytestmark = pytest.mark.django_db

CHOICE_COLUMNS = {
    SHEET_PROGRAMMES: {"jangka": HORIZONS, "sumber_dana": FUNDING},
    SHEET_ACTION_PLANS: {"status": STATUSES},
}


def _export() -> bytes:
    return masterplan_export(masterplan=Masterplan.objects.get(region__code="14.72"))


def _column(ws: Any, key: str) -> list[Any]:
    headers = [c.value for c in ws[1]]
    index = headers.index(key) + 1
    return [ws.cell(row=r, column=index).value for r in range(2, ws.max_row + 1)]


def _masterplan_status_cell(ws: Any) -> Any:
    return next(row[1] for row in ws.iter_rows(min_row=2) if row[0].value == "status")


def _rewrite(content: bytes, to: Any) -> bytes:
    """Each choice cell ``value`` replaced by ``to(choices, code)``."""
    book = openpyxl.load_workbook(BytesIO(content))
    for sheet, columns in CHOICE_COLUMNS.items():
        ws = book[sheet]
        headers = [c.value for c in ws[1]]
        for key, choices in columns.items():
            index = headers.index(key) + 1
            for r in range(2, ws.max_row + 1):
                cell = ws.cell(row=r, column=index)
                if cell.value:
                    cell.value = to(choices, choices.parse(str(cell.value)))
    status = _masterplan_status_cell(book[SHEET_MASTERPLAN])
    status.value = to(MASTERPLAN_STATUSES, MASTERPLAN_STATUSES.parse(str(status.value)))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _reimport(content: bytes) -> Any:
    return masterplan_import(actor=None, region_code="14.72", content=content)


def test_every_choice_is_written_by_its_indonesian_label(dumai):
    book = openpyxl.load_workbook(BytesIO(_export()))
    for sheet, columns in CHOICE_COLUMNS.items():
        for key, choices in columns.items():
            values = {v for v in _column(book[sheet], key) if v}
            assert values, (sheet, key)
            assert values <= set(choices.labels("id")), (sheet, key, values)
            assert not values & (set(choices.codes) - set(choices.labels("id")))
    status = _masterplan_status_cell(book[SHEET_MASTERPLAN]).value
    masterplan = Masterplan.objects.get(region__code="14.72")
    assert status == MASTERPLAN_STATUSES.label(masterplan.status)
    assert status != masterplan.status


def test_the_workbook_stays_indonesian_for_a_reader_in_english(dumai):
    with translation.override("en"):
        content = _export()
    book = openpyxl.load_workbook(BytesIO(content))
    plan = ActionPlan.objects.filter(masterplan__region__code="14.72").order_by("code").first()
    assert plan is not None
    ws = book[SHEET_ACTION_PLANS]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == plan.code)
    status_index = [c.value for c in ws[1]].index("status")
    assert row[status_index].value == STATUSES.label(plan.status, "id")


def test_the_codes_are_kept_in_a_hidden_sheet_beside_both_labels(dumai):
    book = openpyxl.load_workbook(BytesIO(_export()))
    codes = book[SHEET_CODES]
    assert codes.sheet_state == "hidden"
    rows = [tuple(c.value for c in row) for row in codes.iter_rows(min_row=2)]
    for code in HORIZONS.codes:
        assert (
            f"{SHEET_PROGRAMMES}.jangka",
            code,
            HORIZONS.label(code, "id"),
            HORIZONS.label(code, "en"),
        ) in rows
    for code in STATUSES.codes:
        assert any(r[0] == f"{SHEET_ACTION_PLANS}.status" and r[1] == code for r in rows)


def test_each_dropdown_offers_its_own_labels_from_the_hidden_sheet(dumai):
    book = openpyxl.load_workbook(BytesIO(_export()))
    ws = book[SHEET_PROGRAMMES]
    headers = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(headers.index("jangka") + 1)
    validation = next(
        dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}2")
    )
    source = validation.formula1
    assert source.startswith(f"'{SHEET_CODES}'!$C$")
    first, last = (int(part.split("$")[-1]) for part in source.split("!")[1].split(":"))
    offered = [book[SHEET_CODES].cell(row=r, column=3).value for r in range(first, last + 1)]
    assert offered == list(HORIZONS.labels("id"))


def test_its_own_export_reads_back_unchanged(dumai):
    result = _reimport(_export())
    assert result.ok and result.applied and not result.changed, [str(p) for p in result.problems]


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda choices, code: choices.label(code, "en"), id="english-labels"),
        pytest.param(lambda choices, code: code, id="codes"),
        pytest.param(
            lambda choices, code: f"  {choices.label(code).upper()} ", id="shouted-labels"
        ),
        pytest.param(lambda choices, code: code.replace("_", " ").title(), id="spaced-codes"),
    ],
)
def test_labels_in_either_language_and_codes_read_back_unchanged(dumai, spelling):
    result = _reimport(_rewrite(_export(), spelling))
    assert result.ok and result.applied and not result.changed, [str(p) for p in result.problems]


def test_a_changed_label_changes_the_value(dumai):
    programme = (
        Programme.objects.filter(masterplan__region__code="14.72")
        .exclude(horizon="quick_win")  # a quick win also needs its year changed
        .order_by("code")[0]
    )
    other = next(c for c in HORIZONS.codes if c not in (programme.horizon, "quick_win"))
    book = openpyxl.load_workbook(BytesIO(_export()))
    ws = book[SHEET_PROGRAMMES]
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == programme.code)
    row[headers.index("jangka")].value = HORIZONS.label(other)
    out = BytesIO()
    book.save(out)
    result = _reimport(out.getvalue())
    assert result.ok and result.applied, [str(p) for p in result.problems]
    programme.refresh_from_db()
    assert programme.horizon == other


def test_an_unknown_value_is_refused_listing_the_labels_to_choose_from():
    with pytest.raises(cells.CellError) as caught:
        cells.choice("hampir selesai", STATUSES)
    assert caught.value.code == "choice"
    assert caught.value.params["value"] == "hampir selesai"
    assert caught.value.params["allowed"] == ", ".join(STATUSES.labels("id"))


def test_the_column_reference_names_labels_and_accepted_codes():
    text = PROGRAMMES_SHEET.column("jangka").allowed_text()
    for code in HORIZONS.codes:
        assert HORIZONS.label(code) in text
        assert code in text
    assert STATUSES.label("belum_dimulai") in ACTION_PLANS_SHEET.column("status").allowed_text()
