"""The evaluation report: one set of report data, rendered as PDF (WeasyPrint)
and XLSX (openpyxl), on a page, with the comparison with the previous year,
and only for those who may read the cycle."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.evaluation.assessment import services as assessment
from kotacerdas.evaluation.cycles import services as cycles
from kotacerdas.evaluation.cycles.selectors import cycle_result
from kotacerdas.evaluation.models import (
    Answer,
    AssessorScore,
    Assignment,
    ConsolidatedScore,
    CycleSummary,
    EvaluationCycle,
)
from kotacerdas.evaluation.reports import pdf as pdf_module
from kotacerdas.evaluation.reports.data import ReportData, report_data
from kotacerdas.evaluation.reports.pdf import (
    STATIC_DIR,
    PdfUnavailable,
    _fetcher_class,
    render_document,
    report_pdf,
)
from kotacerdas.evaluation.reports.xlsx import report_xlsx
from tests.evaluation.assessment_factories import JAMBI_ITEMS
from tests.evaluation.factories import make_cycle, scores_by_code
from tests.factories import RegionFactory, make_user
from tests.logins import login_verified

pytestmark = pytest.mark.django_db

# A year earlier, Kota Jambi scored lower on every item but the Baseline ones.
EARLIER_ITEMS = {
    code: ("3.00" if not code.startswith("BL") else value) for code, value in JAMBI_ITEMS.items()
}
LEAD_EMAIL = "sari.lead@kementerian.example"


def _scored_cycle(
    region: Any,
    *,
    year: int = 2025,
    items: dict[str, str] = JAMBI_ITEMS,
    publish: bool = True,
    lead: Any = None,
    other: Any = None,
    consolidate: int | None = None,
) -> EvaluationCycle:
    """A cycle of ``region`` with two assessors' scores (the second one 0,20
    lower where it can be), consolidated scores equal to ``items`` (only the
    first ``consolidate`` items when given), a summary and, when
    ``publish``, revision 1 through the publish service."""
    cycle = make_cycle(region, year=year)
    now = timezone.now()
    lead = lead or make_user(
        f"lead{year}", first_name="Sari", last_name="Wulandari", email=LEAD_EMAIL
    )
    other = other or make_user(f"member{year}", first_name="Budi", last_name="Santoso")
    lead_assignment = Assignment.objects.create(
        cycle=cycle, assessor=lead, is_lead=True, conflict_declared_at=now, has_conflict=False
    )
    other_assignment = Assignment.objects.create(
        cycle=cycle, assessor=other, conflict_declared_at=now, has_conflict=False
    )
    by_code = {item.code: item for item in cycle.instrument.items.all()}
    for position, (code, value) in enumerate(items.items()):
        item, score = by_code[code], Decimal(value)
        Answer.objects.create(cycle=cycle, item=item, claimed_score=Decimal(4), text="Ada.")
        AssessorScore.objects.create(
            assignment=lead_assignment,
            item=item,
            score=score,
            justification=f"Bukti {code} lengkap.",
        )
        AssessorScore.objects.create(
            assignment=other_assignment,
            item=item,
            score=max(score - Decimal("0.20"), Decimal(0)),
            justification=f"Bukti {code} sebagian.",
        )
        if consolidate is None or position < consolidate:
            ConsolidatedScore.objects.create(cycle=cycle, item=item, score=score, set_by=lead)
    CycleSummary.objects.create(
        cycle=cycle,
        notes=f"Catatan asesor {year}: tata kelola data sudah baik.",
        recommendations=f"Rekomendasi {year}: perluas layanan digital ke kecamatan.",
    )
    if publish:
        EvaluationCycle.objects.filter(pk=cycle.pk).update(state=EvaluationCycle.State.SCORED)
        cycle.refresh_from_db()
        superuser = make_user(f"ministry{year}", is_superuser=True, is_staff=True)
        assessment.cycle_publish(actor=superuser, cycle=cycle)
        cycle.refresh_from_db()
    return cycle


@pytest.fixture
def jambi() -> Any:
    return RegionFactory(code="15.71", name="Kota Jambi")


def _box_texts(box: Any) -> list[str]:
    text = getattr(box, "text", None)
    found = [text] if isinstance(text, str) else []
    for child in getattr(box, "children", ()) or ():
        found += _box_texts(child)
    return found


def _texts(data: ReportData) -> list[str]:
    """The text of every page of the laid-out PDF, page-margin boxes included."""
    return [" ".join(_box_texts(page._page_box)) for page in render_document(data).pages]


def test_it_reports_the_published_jambi_result(jambi):
    cycle = _scored_cycle(jambi)

    data = report_data(cycle)

    assert data.published and data.revision_number == 1
    assert data.index_exact == Fraction("3.475")
    assert data.index_shown == "3,48"
    assert data.index_exact_shown == "3,475"
    assert [(d.code, d.score_shown) for d in data.dimensions] == [
        ("baseline", "3,84"),
        ("output", "3,18"),
        ("outcome", "3,53"),
        ("impact", "3,63"),
        ("quick_win", "3,35"),
    ]
    assert [d.contribution_shown for d in data.dimensions] == [
        "0,384",
        "0,636",
        "1,059",
        "0,726",
        "0,67",
    ]
    # The report's figures are the published ones, frozen in the revision.
    stored = cycle.revisions.get().result
    assert Fraction(stored["index"]["fraction"]) == data.index_exact
    assert [Fraction(d["fraction"]) for d in stored["dimensions"]] == [
        d.score for d in data.dimensions
    ]
    assert [p.score for p in data.pillars] == [Fraction(p["fraction"]) for p in stored["pillars"]]
    assert data.lead_assessor == "Sari Wulandari"
    assert [a.name for a in data.assessors] == ["Sari Wulandari", "Budi Santoso"]
    first = data.items[0]
    assert (first.code, first.claimed, first.consolidated) == ("BL-1", Decimal(4), Decimal("3.8"))
    assert [m.score for m in first.marks] == [Decimal("3.80"), Decimal("3.60")]
    assert first.spread == Decimal("0.20")
    assert data.notes.startswith("Catatan asesor 2025")


def test_the_latest_revision_is_the_current_report(jambi):
    cycle = _scored_cycle(jambi)
    corrected = scores_by_code(cycle.instrument, {**JAMBI_ITEMS, "QW-1": "3.60"})
    superuser = make_user("corrector", is_superuser=True)
    cycles.result_correct(
        actor=superuser, cycle=cycle, scores=corrected, reason="Salah ketik QW-1."
    )

    data = report_data(cycle)

    # The consolidated rows still hold 3,00 for QW-1: the report reads the revision.
    assert ConsolidatedScore.objects.get(cycle=cycle, item__code="QW-1").score == Decimal(3)
    assert data.revision_number == 2
    assert data.index_exact == Fraction("3.475") + Fraction("0.2") * Fraction("0.6") / 6
    assert [r.number for r in data.revisions] == [1, 2]
    assert data.file_stem.endswith("-r2")


def test_the_pdf_is_an_a4_report_with_the_index_and_signatures(jambi):
    data = report_data(_scored_cycle(jambi))

    content = report_pdf(data)
    texts = _texts(data)

    assert content.startswith(b"%PDF-")
    assert len(texts) >= 3
    document = render_document(data)
    assert round(document.pages[0].width) == 794 and round(document.pages[0].height) == 1123  # A4
    everything = " ".join(texts)
    assert "Laporan Hasil Evaluasi Smart City" in texts[0]
    assert "Kota Jambi" in texts[0] and "Revisi ke-1" in texts[0]
    assert "3,48" in everything
    assert "3,475" in everything  # the exact value, in the footnote
    assert f"Halaman 2 dari {len(texts)}" in texts[1]
    assert "Asesor utama" in texts[-1] and "Sari Wulandari" in texts[-1]
    assert "Budi Santoso" in texts[-1]
    assert "Rekomendasi 2025: perluas layanan digital ke kecamatan." in everything
    assert "DRAF" not in everything
    assert LEAD_EMAIL not in everything


def test_an_unpublished_report_is_marked_as_a_draft_on_every_page(jambi):
    cycle = _scored_cycle(jambi, publish=False)

    data = report_data(cycle)
    texts = _texts(data)

    assert not data.published and data.revision is None
    assert data.index_shown == "3,48"  # computed from the consolidated scores
    assert all("DRAF / belum diumumkan" in text for text in texts)
    assert data.notes.startswith("Catatan asesor 2025")  # the summary as drafted
    assert data.file_stem.endswith("-draf")
    sheet = load_workbook(BytesIO(report_xlsx(data)))["Ringkasan"]
    assert any(row[1] == "DRAF / belum diumumkan" for row in sheet.iter_rows(values_only=True))


def test_a_draft_with_unscored_items_says_which_are_missing(jambi):
    cycle = _scored_cycle(jambi, publish=False, consolidate=3)

    data = report_data(cycle)
    texts = _texts(data)

    assert data.figures.result is None and data.index_shown == "—"
    assert any("OP-2" in problem for problem in data.figures.problems)
    assert "OP-2" in " ".join(texts)
    load_workbook(BytesIO(report_xlsx(data)))  # the workbook is still made


def _sheet_rows(content: bytes, name: str) -> list[tuple[Any, ...]]:
    return list(load_workbook(BytesIO(content))[name].iter_rows(values_only=True))


def test_the_workbook_holds_the_selectors_numbers_as_numbers(jambi):
    cycle = _scored_cycle(jambi)
    data = report_data(cycle)
    expected = cycle_result(cycle=cycle, scores=scores_by_code(cycle.instrument, JAMBI_ITEMS))

    content = report_xlsx(data)

    book = load_workbook(BytesIO(content))
    assert book.sheetnames == ["Ringkasan", "Butir", "Perbandingan", "Metadata"]
    summary = _sheet_rows(content, "Ringkasan")
    values = {row[0]: row[1] for row in summary if row and row[0]}
    assert expected.index is not None
    assert Decimal(str(values["Indeks (tepat)"])) == Decimal("3.475")
    assert Decimal(str(values["Indeks (diumumkan, 2 desimal)"])) == expected.index.rounded
    dimension_rows = {
        row[0]: row for row in summary if row[0] in {p.code for p in expected.dimensions}
    }
    for part in expected.dimensions:
        row = dimension_rows[part.code]
        assert isinstance(row[4], float)
        assert Fraction(Decimal(str(row[4]))) == part.value  # terminating means, exact
        assert Decimal(str(row[5])) == part.rounded
    ws = book["Ringkasan"]
    index_cell = next(c for c in ws["B"] if isinstance(c.value, float))
    assert index_cell.number_format == "0.00########"

    items = _sheet_rows(content, "Butir")
    header, body = items[0], items[1:]
    assert len(body) == len(JAMBI_ITEMS)
    assert header[:5] == ("Dimensi", "Pilar", "Kode", "Pertanyaan", "Nilai diajukan")
    assert "Nilai Sari Wulandari (utama)" in header and "Alasan Budi Santoso" in header
    first = dict(zip(header, body[0], strict=True))
    assert first["Kode"] == "BL-1"
    assert first["Nilai diajukan"] == 4
    assert first["Nilai Sari Wulandari (utama)"] == pytest.approx(3.8)
    assert first["Alasan Budi Santoso"] == "Bukti BL-1 sebagian."
    assert first["Sebaran (tertinggi − terendah)"] == pytest.approx(0.2)
    assert first["Nilai konsolidasi"] == pytest.approx(3.8)

    metadata = dict((r[0], r[1]) for r in _sheet_rows(content, "Metadata") if r[0])
    assert metadata["Sumber angka"] == "Hasil yang diumumkan, revisi ke-1"
    assert LEAD_EMAIL not in str(_sheet_rows(content, "Metadata")) + str(items)


def test_it_compares_with_the_previous_years_published_result(jambi):
    _scored_cycle(jambi, year=2024, items=EARLIER_ITEMS)
    cycle = _scored_cycle(jambi, year=2025)

    data = report_data(cycle)

    comparison = data.comparison
    assert comparison is not None
    assert comparison.previous_year == 2024 and comparison.previous_revision == 1
    output = next(r for r in comparison.dimensions if r.code == "output")
    assert (output.previous_shown, output.current_shown, output.difference_shown) == (
        "3,00",
        "3,18",
        "+0,18",
    )
    baseline = next(r for r in comparison.dimensions if r.code == "baseline")
    assert baseline.difference_shown == "0,00"
    assert comparison.index.current == Fraction("3.475")
    assert (
        comparison.index.previous is not None
        and comparison.index.previous < comparison.index.current
    )
    rows = _sheet_rows(report_xlsx(data), "Perbandingan")
    index_row = next(r for r in rows if r[1] == "index")
    assert index_row[4] == pytest.approx(3.475)
    assert Fraction(Decimal(str(index_row[5]))) == comparison.index.difference
    assert "Perbandingan dengan tahun sebelumnya (2024 · Tahap I)" in " ".join(_texts(data))


def test_without_an_earlier_published_cycle_there_is_no_comparison(jambi):
    _scored_cycle(jambi, year=2024, publish=False)
    cycle = _scored_cycle(jambi, year=2025)

    data = report_data(cycle)

    assert data.comparison is None
    rows = _sheet_rows(report_xlsx(data), "Perbandingan")
    assert rows[0][0].startswith("Belum ada hasil tahun sebelumnya")


def test_the_pdf_never_fetches_anything_but_our_static_files():
    fetcher = _fetcher_class()(allowed_protocols=("file",))
    for url in ("http://example.org/logo.png", "https://example.org/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    logo = fetcher.fetch((STATIC_DIR / "logo.svg").as_uri())
    assert logo.content_type == "image/svg+xml"
    assert logo.read().startswith(b"<svg")


# --- The pages and downloads -----------------------------------------------------------------


def _client(user: Any) -> Client:
    return login_verified(Client(), user)


def test_the_team_downloads_both_reports_and_each_download_is_audited(jambi):
    cycle = _scored_cycle(jambi)
    team = make_user("tim")
    Membership.objects.create(user=team, region=jambi, role=Role.ADMIN)
    client = _client(team)

    pdf = client.get(reverse("evaluation:report_pdf", args=[cycle.pk]))
    xlsx = client.get(reverse("evaluation:report_xlsx", args=[cycle.pk]))

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "laporan-evaluasi-15.71-2025-tahap_1-r1.pdf" in pdf["Content-Disposition"]
    assert xlsx.status_code == 200
    load_workbook(BytesIO(xlsx.content))
    events = AuditEvent.objects.filter(action="export", object_id=str(cycle.pk)).order_by("id")
    assert [
        (e.actor_id, e.after["report"], e.after["revision"], e.region_code) for e in events
    ] == [
        (team.pk, "pdf", 1, "15.71"),
        (team.pk, "xlsx", 1, "15.71"),
    ]


def test_the_report_page_shows_the_index_and_the_comparison(jambi):
    _scored_cycle(jambi, year=2024, items=EARLIER_ITEMS)
    cycle = _scored_cycle(jambi, year=2025)
    team = make_user("tim")
    Membership.objects.create(user=team, region=jambi, role=Role.ADMIN)
    client = _client(team)

    page = client.get(reverse("evaluation:report", args=[cycle.pk])).content.decode()
    detail = client.get(reverse("evaluation:cycle_detail", args=[cycle.pk])).content.decode()

    assert "3,48" in page and "3,475" in page
    assert "Perbandingan dengan tahun sebelumnya" in page and "+0,18" in page
    assert "<svg" in page and "<script>" not in page  # no inline script
    assert reverse("evaluation:report_pdf", args=[cycle.pk]) in detail
    assert LEAD_EMAIL not in page


def test_assigned_assessors_get_the_report_others_do_not(jambi):
    lead = make_user("asesor-utama", first_name="Sari", last_name="Wulandari")
    cycle = _scored_cycle(jambi, lead=lead)
    elsewhere = make_cycle(RegionFactory(code="14.71", name="Kota Pekanbaru"))
    stranger = make_user("asesor-lain")
    Assignment.objects.create(cycle=elsewhere, assessor=stranger)
    in_region = make_user("asesor-wilayah")
    Membership.objects.create(user=in_region, region=jambi, role=Role.ASSESSOR)
    outsider = make_user("tanpa-peran")
    other_team = make_user("tim-pekanbaru")
    Membership.objects.create(user=other_team, region=elsewhere.region, role=Role.ADMIN)

    for name in ("evaluation:report", "evaluation:report_pdf", "evaluation:report_xlsx"):
        url = reverse(name, args=[cycle.pk])
        assert _client(lead).get(url).status_code == 200, name
        assert _client(stranger).get(url).status_code == 404, name
        assert _client(in_region).get(url).status_code == 403, name
        assert _client(other_team).get(url).status_code == 404, name
        assert _client(outsider).get(url).status_code == 404, name
        assert Client().get(url).status_code == 302, name
    assert not AuditEvent.objects.filter(action="export", actor=stranger).exists()


def test_the_draft_panel_links_from_the_cycle_page(jambi):
    cycle = _scored_cycle(jambi, publish=False)
    team = make_user("tim")
    Membership.objects.create(user=team, region=jambi, role=Role.ADMIN)

    detail = _client(team).get(reverse("evaluation:cycle_detail", args=[cycle.pk])).content.decode()

    assert "Belum diumumkan: laporan ditandai DRAF." in detail
    assert reverse("evaluation:report_xlsx", args=[cycle.pk]) in detail


def test_without_pango_the_pdf_download_explains_and_the_xlsx_still_works(jambi, monkeypatch):
    def missing() -> None:
        raise PdfUnavailable("PDF tidak dapat dibuat: pustaka sistem Pango belum terpasang.")

    monkeypatch.setattr(pdf_module, "_weasyprint", missing)
    cycle = _scored_cycle(jambi)
    team = make_user("tim")
    Membership.objects.create(user=team, region=jambi, role=Role.ADMIN)
    client = _client(team)

    response = client.get(reverse("evaluation:report_pdf", args=[cycle.pk]))

    assert response.status_code == 503
    assert "Pango belum terpasang" in response.content.decode()
    assert reverse("evaluation:report_xlsx", args=[cycle.pk]) in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
    assert client.get(reverse("evaluation:report_xlsx", args=[cycle.pk])).status_code == 200


def test_the_report_data_takes_the_same_queries_whatever_the_number_of_assessors(
    jambi, django_assert_num_queries
):
    cycle = _scored_cycle(jambi, publish=False)
    with CaptureQueriesContext(connection) as two:
        report_data(cycle)
    third = make_user("ketiga", first_name="Citra", last_name="Lestari")
    assignment = Assignment.objects.create(
        cycle=cycle, assessor=third, conflict_declared_at=timezone.now(), has_conflict=False
    )
    for item in cycle.instrument.items.all():
        AssessorScore.objects.create(assignment=assignment, item=item, score=3, justification="Ya.")

    with django_assert_num_queries(len(two.captured_queries)):
        data = report_data(cycle)
    assert len(data.assessors) == 3 and all(len(i.marks) == 3 for i in data.items)
