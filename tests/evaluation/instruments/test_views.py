"""The instrument pages as the ministry's operator (a superuser) and a
region's smart city team use them."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.evaluation.instruments import services
from kotacerdas.evaluation.instruments.instrument_xlsx import instrument_xlsx_export
from kotacerdas.evaluation.models import Instrument, Item
from tests.evaluation.factories import active_instrument

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_operator_builds_a_draft_and_activates_it(operator):
    response = operator.post(
        reverse("evaluation:instrument_create"), {"kind": "evaluation", "year": "2026"}
    )
    instrument = Instrument.objects.get(year=2026)
    assert response["Location"] == reverse("evaluation:instrument_detail", args=[instrument.pk])

    weights_url = reverse("evaluation:instrument_weights", args=[instrument.pk])
    refused = operator.post(
        weights_url,
        {"baseline": "10", "output": "20", "outcome": "30", "impact": "30", "quick_win": "20"},
    )
    assert refused.status_code == 200
    assert "Jumlah bobot dimensi harus tepat 100%, bukan 110%." in refused.content.decode()
    operator.post(
        weights_url,
        {"baseline": "10", "output": "20", "outcome": "30", "impact": "30", "quick_win": "10"},
    )
    assert instrument.dimensions.get(code="impact").weight == 30

    output = instrument.dimensions.get(code="output")
    operator.post(
        reverse("evaluation:item_create", args=[instrument.pk]),
        {
            "dimension": output.pk,
            "code": "OP-9",
            "pillar": "economy",
            "question": "Ada pendataan UMKM terpadu.",
            "evidence": "Registri UMKM.",
            "weight": "1",
        },
    )
    item = instrument.items.get(code="OP-9")
    duplicate = operator.post(
        reverse("evaluation:item_create", args=[instrument.pk]),
        {"dimension": output.pk, "code": "OP-9", "question": "Lagi", "weight": "1"},
    )
    assert "Kode butir ini sudah dipakai di instrumen ini." in duplicate.content.decode()
    operator.post(
        reverse("evaluation:item_edit", args=[item.pk]),
        {"dimension": output.pk, "code": "OP-9", "question": "Diubah.", "weight": "2"},
    )
    item.refresh_from_db()
    assert (item.question, item.weight, item.order) == ("Diubah.", 2, 4)

    operator.post(reverse("evaluation:instrument_activate", args=[instrument.pk]))
    instrument.refresh_from_db()
    assert instrument.state == "active"

    # Frozen now: the page offers a new version instead of edits, and edits are refused.
    page = operator.get(reverse("evaluation:instrument_detail", args=[instrument.pk]))
    assert reverse("evaluation:item_edit", args=[item.pk]) not in page.content.decode()
    operator.post(reverse("evaluation:item_delete", args=[item.pk]))
    assert Item.objects.filter(pk=item.pk).exists()

    response = operator.post(reverse("evaluation:instrument_new_version", args=[instrument.pk]))
    copy = Instrument.objects.get(year=2026, version=2)
    assert response["Location"] == reverse("evaluation:instrument_detail", args=[copy.pk])
    assert copy.state == "draft"


def test_a_region_admin_reads_instruments_without_edit_controls(world, personas):
    instrument = active_instrument(2025)

    page = personas["admin"].get(reverse("evaluation:instrument_detail", args=[instrument.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Quick Win" in html and "100%" in html
    assert reverse("evaluation:instrument_new_version", args=[instrument.pk]) not in html
    assert reverse("evaluation:instrument_export", args=[instrument.pk]) in html


def test_it_downloads_the_instrument_as_xlsx(world, personas):
    instrument = active_instrument(2025)

    response = personas["admin"].get(reverse("evaluation:instrument_export", args=[instrument.pk]))

    assert response["Content-Type"] == XLSX
    assert "instrumen-evaluation-2025-v1.xlsx" in response["Content-Disposition"]
    assert load_workbook(BytesIO(response.content)).sheetnames == ["Petunjuk", "Dimensi", "Butir"]


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("instrumen.xlsx", content, content_type=XLSX)


def test_an_upload_with_problems_lists_them_and_creates_nothing(operator):
    instrument = active_instrument(2025)
    book = load_workbook(BytesIO(instrument_xlsx_export(instrument)))
    book["Dimensi"]["C2"] = 5
    book["Butir"]["C3"] = "pilar-x"
    out = BytesIO()
    book.save(out)

    response = operator.post(
        reverse("evaluation:instrument_import", args=[instrument.pk]),
        {"berkas": _upload(out.getvalue())},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Berkas berisi 2 masalah; tidak ada yang disimpan." in html
    assert "Jumlah bobot dimensi harus tepat 100%, bukan 95%." in html
    assert "C (pilar)" in html
    assert Instrument.objects.count() == 1


def test_a_clean_upload_creates_a_new_draft_version(operator):
    instrument = active_instrument(2025)

    response = operator.post(
        reverse("evaluation:instrument_import", args=[instrument.pk]),
        {"berkas": _upload(instrument_xlsx_export(instrument))},
    )

    copy = Instrument.objects.get(version=2)
    assert response["Location"] == reverse("evaluation:instrument_detail", args=[copy.pk])
    assert copy.state == "draft"
    assert copy.items.count() == instrument.items.count()


def test_an_upload_that_is_not_a_workbook_is_refused_on_the_form(operator):
    instrument = active_instrument(2025)

    response = operator.post(
        reverse("evaluation:instrument_import", args=[instrument.pk]),
        {"berkas": _upload(b"%PDF-1.4 not a workbook")},
    )

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert Instrument.objects.count() == 1


def test_the_instrument_page_query_count_does_not_grow_with_items(
    operator, django_assert_max_num_queries
):
    instrument = services.instrument_create(actor=None, kind="evaluation", year=2026)
    output = instrument.dimensions.get(code="output")
    url = reverse("evaluation:instrument_detail", args=[instrument.pk])
    operator.get(url)
    with django_assert_max_num_queries(14) as small:
        operator.get(url)
    for n in range(20):
        services.item_create(
            actor=None,
            instrument=instrument,
            dimension=output,
            code=f"X-{n}",
            question="Tambahan.",
            weight=Decimal(1),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        operator.get(url)
