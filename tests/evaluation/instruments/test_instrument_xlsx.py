"""The instrument spreadsheet: export, and import as a new draft version,
all-or-nothing, with every problem located by sheet, row and column."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from kotacerdas.core.sheets.problems import UnreadableWorkbook
from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.instruments.instrument_xlsx import (
    instrument_xlsx_export,
    instrument_xlsx_import,
)
from kotacerdas.evaluation.models import Instrument
from tests.evaluation.factories import active_instrument

pytestmark = pytest.mark.django_db


def content_of(instrument: Instrument) -> list[tuple[object, ...]]:
    return [
        (i.dimension.code, i.code, i.pillar, i.question, i.evidence, i.weight, i.order)
        for i in instrument.items.select_related("dimension").order_by("dimension__order", "order")
    ]


def edited(instrument: Instrument, change) -> bytes:  # type: ignore[no-untyped-def]
    """The instrument's export, changed by ``change(workbook)`` and saved again."""
    book = load_workbook(BytesIO(instrument_xlsx_export(instrument)))
    change(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_exports_the_dimensions_and_items_sheets():
    instrument = active_instrument(2025)

    book = load_workbook(BytesIO(instrument_xlsx_export(instrument)))

    assert book.sheetnames == ["Petunjuk", "Dimensi", "Butir"]
    assert [tuple(r) for r in book["Dimensi"].iter_rows(values_only=True)] == [
        ("kode", "nama", "bobot"),
        ("baseline", "Baseline", 10),
        ("output", "Output", 20),
        ("outcome", "Outcome", 30),
        ("impact", "Impact (Dampak)", 20),
        ("quick_win", "Quick Win", 20),
    ]
    items = list(book["Butir"].iter_rows(values_only=True))
    assert items[0] == ("kode", "dimensi", "pilar", "pertanyaan", "bukti dukung", "bobot")
    assert items[1][:3] == ("BL-1", "baseline", None)
    assert len(items) == 1 + instrument.items.count()


def test_it_imports_its_own_export_as_a_new_draft_version_without_touching_the_original():
    instrument = active_instrument(2025)

    result = instrument_xlsx_import(
        actor=None, base=instrument, content=instrument_xlsx_export(instrument)
    )

    assert result.ok, [str(p) for p in result.problems]
    copy = result.instrument
    assert copy is not None
    assert (copy.version, copy.state, copy.based_on, copy.year) == (2, "draft", instrument, 2025)
    assert content_of(copy) == content_of(instrument)
    instrument.refresh_from_db()
    assert instrument.state == "active"


def test_it_imports_changed_weights_pillar_names_and_decimal_commas():
    instrument = active_instrument(2025)

    def change(book: Workbook) -> None:
        dims = book["Dimensi"]
        dims["C5"], dims["C6"] = "30", "10"  # impact 30, quick win 10
        items = book["Butir"]
        items["C2"] = "Smart Governance"
        items["F2"] = "2,5"

    result = instrument_xlsx_import(actor=None, base=instrument, content=edited(instrument, change))

    assert result.ok, [str(p) for p in result.problems]
    assert result.instrument is not None
    weights = dict(result.instrument.dimensions.values_list("code", "weight"))
    assert (weights["impact"], weights["quick_win"]) == (30, 10)
    item = result.instrument.items.get(code="BL-1")
    assert (item.pillar, item.weight) == ("governance", Decimal("2.5"))


def test_it_reports_every_problem_with_sheet_row_and_column_and_creates_nothing():
    instrument = active_instrument(2025)

    def change(book: Workbook) -> None:
        dims = book["Dimensi"]
        dims["C2"] = 15  # weights now sum to 105
        items = book["Butir"]
        items["B3"] = "dampak"  # unknown dimension
        items["C4"] = "smart kota"  # unknown pillar
        items["A5"] = "BL-1"  # duplicate of row 2
        items["D6"] = None  # empty question
        items["F7"] = "abc"

    result = instrument_xlsx_import(actor=None, base=instrument, content=edited(instrument, change))

    assert not result.ok
    assert result.instrument is None
    assert Instrument.objects.count() == 1
    found = [(p.sheet, p.row, p.column, p.code) for p in result.problems]
    assert found == [
        ("Dimensi", None, "C (bobot)", "weights_sum"),
        ("Butir", 3, "B (dimensi)", "unknown_dimension"),
        ("Butir", 4, "C (pilar)", "unknown_pillar"),
        ("Butir", 5, "A (kode)", "duplicate"),
        ("Butir", 6, "D (pertanyaan)", "required"),
        ("Butir", 7, "F (bobot)", "not_number"),
    ]
    messages = [p.message for p in result.problems]
    assert messages[0] == "Jumlah bobot dimensi harus tepat 100%, bukan 105%."
    assert messages[3] == "“BL-1” muncul dua kali di lembar ini (juga baris 2)."
    assert str(result.problems[1]).startswith("Butir baris 3, kolom B (dimensi): Dimensi “dampak”")


def test_it_reports_a_missing_or_unknown_dimension_row():
    instrument = active_instrument(2025)

    def change(book: Workbook) -> None:
        book["Dimensi"]["A2"] = "dasar"

    result = instrument_xlsx_import(actor=None, base=instrument, content=edited(instrument, change))

    assert [(p.row, p.code) for p in result.problems] == [
        (2, "unknown_dimension"),
        (None, "missing_dimension"),
    ]
    assert result.problems[1].message == "Dimensi belum ada di lembar ini: baseline."


def test_it_refuses_a_file_that_is_not_the_instrument_workbook():
    instrument = active_instrument(2025)
    book = Workbook()
    book.active.title = "Dimensi"  # type: ignore[union-attr]
    out = BytesIO()
    book.save(out)

    with pytest.raises(UnreadableWorkbook) as raised:
        instrument_xlsx_import(actor=None, base=instrument, content=out.getvalue())
    assert "lembar “Butir” tidak ada" in raised.value.message

    with pytest.raises(UnreadableWorkbook):
        instrument_xlsx_import(actor=None, base=instrument, content=b"not a zip")


def test_it_imports_into_the_kind_of_the_base_instrument():
    readiness = services.instrument_create(actor=None, kind="readiness", year=2025)

    result = instrument_xlsx_import(
        actor=None, base=readiness, content=instrument_xlsx_export(readiness)
    )

    assert result.ok, [str(p) for p in result.problems]
    assert result.instrument is not None
    assert result.instrument.kind == "readiness"
    assert result.instrument.version == 2
