"""Where things fall on the pages of the evaluation PDF (issue 21, point 15):
the signatures stay with the closing sentence and the place, the place is the
region's, and each chart stays on its table's page, wherever the page breaks
happen to fall. The PDF is laid out by WeasyPrint and read back page by page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from kotacerdas.core.formatting import date_id
from kotacerdas.evaluation.models import CycleSummary
from kotacerdas.evaluation.reports import pdf as pdf_module
from kotacerdas.evaluation.reports.data import report_data
from kotacerdas.evaluation.reports.pdf import render_document
from tests.evaluation.reports.test_reports import _scored_cycle
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

CLOSING = "Demikian laporan hasil evaluasi ini dibuat"


@pytest.fixture
def dumai() -> Any:
    return RegionFactory(code="14.72", name="Kota Dumai")


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _boxes(child)


def _pages_where(document: Any, found: Callable[[Any], bool]) -> set[int]:
    return {
        number
        for number, page in enumerate(document.pages)
        if any(found(box) for box in _boxes(page._page_box))
    }


def _marked(attribute: str, value: str) -> Callable[[Any], bool]:
    def found(box: Any) -> bool:
        element = getattr(box, "element", None)
        return element is not None and element.get(attribute) == value

    return found


def _text(needle: str) -> Callable[[Any], bool]:
    def found(box: Any) -> bool:
        text = getattr(box, "text", None)
        return isinstance(text, str) and needle in text

    return found


def _page_texts(document: Any) -> list[str]:
    return [
        " ".join(b.text for b in _boxes(p._page_box) if isinstance(getattr(b, "text", None), str))
        for p in document.pages
    ]


@pytest.mark.parametrize("paragraphs", [0, 6, 12, 18, 24, 30, 36])
def test_the_signatures_stay_with_the_closing_and_the_place(dumai, paragraphs):
    cycle = _scored_cycle(dumai, publish=False)
    # Longer and longer notes move the end of the report down the page, so
    # that some of these lengths put a page break right where the closing is.
    CycleSummary.objects.filter(cycle=cycle).update(
        notes="\n\n".join(
            f"Catatan {n}: bukti dukung tata kelola perlu dilengkapi." for n in range(paragraphs)
        )
    )
    data = report_data(cycle)
    document = render_document(data)

    closing = _pages_where(document, _text(CLOSING))
    signatures = _pages_where(document, _text("Asesor utama"))
    place = f"Dumai, {data.date_shown}"
    assert len(closing) == 1
    assert closing == signatures == _pages_where(document, _text(place))
    assert "……………………," not in " ".join(_page_texts(document))


def test_the_place_is_the_regions_and_the_date_its_local_day(dumai, monkeypatch):
    cycle = _scored_cycle(dumai, publish=False)
    # 23:30 UTC on 6 December is already 7 December in Dumai (WIB, UTC+7).
    late = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    data = report_data(cycle)
    assert data.place_date == f"Dumai, {date_id(dt.date(2026, 12, 7))}"
    with translation.override("en"):
        assert data.place_date == "Dumai, 7 December 2026"
    regency = RegionFactory(code="14.01", name="Kabupaten Kampar")
    assert regency.place_name == "Kabupaten Kampar"


@pytest.mark.parametrize("spacer_mm", [0, 30, 60, 90, 120, 150, 180, 210])
def test_each_chart_stays_on_its_tables_page(dumai, monkeypatch, spacer_mm):
    data = report_data(_scored_cycle(dumai))
    html = pdf_module.report_html(data)
    marker = '<div class="index-box">'
    assert marker in html
    # Push the summary down by a varying height so the page break falls
    # before, inside and after the tables in turn.
    shifted = html.replace(marker, f'<div style="height: {spacer_mm}mm"></div>' + marker, 1)
    monkeypatch.setattr(pdf_module, "report_html", lambda _data: shifted)
    document = render_document(data)

    for name in ("dimensions", "pillars"):
        table = _pages_where(document, _marked("data-table", name))
        chart = _pages_where(document, _marked("data-chart", name))
        assert len(table) == 1, (name, table)
        assert table == chart, (name, table, chart)
