"""The per-agency progress workbook on the web: the board's panel, download,
upload → preview → confirm, and the token between the two steps."""

from __future__ import annotations

import re
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from kotacerdas.core.models import AuditEvent
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import ProgressReport, ReportingPeriod
from kotacerdas.monitoring.workbook import (
    COLUMNS,
    CONTENT_TYPE,
    SHEET_DATA,
    workbook_export,
)
from kotacerdas.monitoring.workbook import views as workbook_views
from tests.conftest import World
from tests.monitoring_fixtures import PDF, period, report

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

HEADERS = {c.key: c.label() for c in COLUMNS}


def _text(response: Any) -> str:
    """The page as words, one space between table cells."""
    return " ".join(strip_tags(response.content.decode().replace("<", " <")).split())


def _stored(private_dir: Path) -> list[Path]:
    return [p for p in private_dir.rglob("*") if p.is_file()] if private_dir.exists() else []


def _filled(world: World, p: ReportingPeriod, edits: dict[str, Any], agency: Any = None) -> bytes:
    """The agency's export with plan_a's row edited by column key."""
    book = openpyxl.load_workbook(
        BytesIO(workbook_export(period=p, agency=agency or world.agency_a))
    )
    sheet = book[SHEET_DATA]
    header = [c.value for c in sheet[1]]
    for key, value in edits.items():
        sheet.cell(row=2, column=header.index(HEADERS[key]) + 1).value = value
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: Client, world: World, p: ReportingPeriod, content: bytes, name: str = "a.xlsx"):
    url = reverse("monitoring:workbook_upload", args=[p.pk, world.agency_a.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type=CONTENT_TYPE)})


def _token(response: Any) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "no confirmation form"
    return match.group(1)


def _confirm(client: Client, world: World, p: ReportingPeriod, token: str):
    url = reverse("monitoring:workbook_confirm", args=[p.pk, world.agency_a.pk])
    return client.post(url, {"token": token})


# --- The board's panel and the download ---------------------------------------------------


def test_the_board_offers_each_writer_only_the_agencies_it_may_write(world, open_period, personas):
    url = reverse("monitoring:period_detail", args=[open_period.pk])
    options = {
        persona: re.findall(r'<option value="(\d+)">', personas[persona].get(url).content.decode())
        for persona in ("admin", "editor_a", "editor_b", "assessor")
    }
    a, b = str(world.agency_a.pk), str(world.agency_b.pk)
    assert options == {"admin": [a, b], "editor_a": [a], "editor_b": [b], "assessor": []}
    assert "Excel per perangkat daerah" not in _text(personas["assessor"].get(url))


def test_the_board_hides_the_panel_once_the_period_is_closed(world, personas):
    closed = period(world, state="closed", number=2)
    response = personas["admin"].get(reverse("monitoring:period_detail", args=[closed.pk]))
    assert 'data-testid="workbook-panel"' not in response.content.decode()


def test_choosing_an_agency_leads_to_its_download_or_upload_page(world, open_period, personas):
    url = reverse("monitoring:workbook_choose", args=[open_period.pk])
    agency = world.agency_a.pk
    download = personas["editor_a"].get(url, {"perangkat_daerah": agency, "aksi": "unduh"})
    assert download["Location"] == reverse(
        "monitoring:workbook_export", args=[open_period.pk, agency]
    )
    upload = personas["editor_a"].get(url, {"perangkat_daerah": agency, "aksi": "unggah"})
    assert upload["Location"] == reverse(
        "monitoring:workbook_upload", args=[open_period.pk, agency]
    )
    assert personas["editor_b"].get(url, {"perangkat_daerah": agency}).status_code == 404


def test_it_downloads_the_agency_workbook(world, open_period, personas):
    url = reverse("monitoring:workbook_export", args=[open_period.pk, world.agency_a.pk])
    response = personas["editor_a"].get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert 'filename="laporan-diskominfo-2024-3.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))[SHEET_DATA]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [world.plan_a.code]


# --- Upload → preview → confirm ----------------------------------------------------------


def test_it_previews_then_applies_on_confirmation(
    world, open_period, personas, editor_a, private_dir
):
    r = report(world, physical_progress=40)
    content = _filled(world, open_period, {"progres_fisik": 75, "uraian": "Jaringan terpasang"})
    preview = _upload(personas["editor_a"], world, open_period, content)
    assert preview.status_code == 200
    page = _text(preview)
    assert "40,00% 75,00%" in page
    assert "Jaringan terpasang" in page
    assert len(_stored(private_dir)) == 1
    r.refresh_from_db()
    assert r.physical_progress == 40  # nothing applied yet

    done = _confirm(personas["editor_a"], world, open_period, _token(preview))
    assert done["Location"] == reverse("monitoring:period_detail", args=[open_period.pk])
    r.refresh_from_db()
    assert (r.physical_progress, r.narrative) == (75, "Jaringan terpasang")
    assert AuditEvent.objects.filter(actor=editor_a, object_id=str(r.pk)).count() == 1
    assert _stored(private_dir) == []
    board = _text(personas["editor_a"].get(done["Location"]))
    assert "1 laporan Diskominfo diperbarui dari Excel" in board


def test_a_second_confirmation_applies_nothing(world, open_period, personas):
    report(world)
    preview = _upload(
        personas["editor_a"], world, open_period, _filled(world, open_period, {"uraian": "A"})
    )
    token = _token(preview)
    _confirm(personas["editor_a"], world, open_period, token)
    events = AuditEvent.objects.count()
    again = _confirm(personas["editor_a"], world, open_period, token)
    assert again["Location"].endswith("/unggah/")
    assert AuditEvent.objects.count() == events


def test_a_file_with_errors_shows_its_rows_and_cannot_be_confirmed(
    world, open_period, personas, private_dir
):
    content = _filled(world, open_period, {"progres_fisik": 120, "pagu": "seratus"})
    response = _upload(personas["editor_a"], world, open_period, content)
    assert response.status_code == 200
    page = _text(response)
    assert "2 Progres fisik (%) Progres fisik harus antara 0 dan 100" in page
    assert "2 Pagu anggaran (Rp) Harus angka Rupiah" in page
    assert 'name="token"' not in response.content.decode()
    assert _stored(private_dir) == []
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_file_that_is_not_an_xlsx(world, open_period, personas, private_dir):
    response = _upload(personas["editor_a"], world, open_period, PDF, name="laporan.xlsx")
    assert response.status_code == 200
    assert "Berkas belum dapat diimpor" in _text(response)
    assert _stored(private_dir) == []


def test_it_refuses_the_workbook_of_another_agency(world, open_period, personas, private_dir):
    content = _filled(world, open_period, {"uraian": "x"}, agency=world.agency_b)
    response = _upload(personas["admin"], world, open_period, content)
    assert "perangkat daerah lain (Dispar), bukan Diskominfo" in _text(response)
    assert _stored(private_dir) == []


def test_a_conflict_is_listed_and_the_server_keeps_its_data(world, open_period, personas):
    report(world, physical_progress=40)
    content = _filled(world, open_period, {"progres_fisik": 90})
    services.report_save(
        actor=None, period=open_period, action_plan=world.plan_a, physical_progress=50
    )
    response = _upload(personas["editor_a"], world, open_period, content)
    page = _text(response)
    assert "Konflik: tidak diterapkan" in page
    assert "versi 1 → 2" in page
    assert "Tidak ada perubahan yang dapat diterapkan" in page


# --- The token -----------------------------------------------------------------------------


def test_a_forged_token_applies_nothing(world, open_period, personas, private_dir):
    report(world)
    preview = _upload(
        personas["editor_a"], world, open_period, _filled(world, open_period, {"uraian": "A"})
    )
    data = signing.loads(_token(preview), salt=workbook_views.SALT)
    forged = signing.dumps(data, salt="another-salt")
    tampered = _token(preview)[:-2] + "xx"
    for token in (forged, tampered, "palsu", ""):
        response = _confirm(personas["editor_a"], world, open_period, token)
        assert response["Location"].endswith("/unggah/")
    assert ProgressReport.objects.get().narrative == ""
    assert len(_stored(private_dir)) == 1  # still there for the genuine token


def test_a_token_of_another_user_applies_nothing(world, open_period, personas):
    report(world)
    preview = _upload(
        personas["editor_a"], world, open_period, _filled(world, open_period, {"uraian": "A"})
    )
    response = _confirm(personas["admin"], world, open_period, _token(preview))
    assert response["Location"].endswith("/unggah/")
    assert ProgressReport.objects.get().narrative == ""


def test_a_stale_token_applies_nothing_and_its_file_is_deleted(
    world, open_period, personas, private_dir, monkeypatch
):
    report(world)
    preview = _upload(
        personas["editor_a"], world, open_period, _filled(world, open_period, {"uraian": "A"})
    )
    monkeypatch.setattr(workbook_views, "MAX_AGE", -1)
    response = _confirm(personas["editor_a"], world, open_period, _token(preview))
    assert response["Location"].endswith("/unggah/")
    assert ProgressReport.objects.get().narrative == ""
    assert _stored(private_dir) == []


def test_cancelling_deletes_the_upload(world, open_period, personas, private_dir):
    report(world)
    preview = _upload(
        personas["editor_a"], world, open_period, _filled(world, open_period, {"uraian": "A"})
    )
    url = reverse("monitoring:workbook_cancel", args=[open_period.pk, world.agency_a.pk])
    response = personas["editor_a"].post(url, {"token": _token(preview)})
    assert response.status_code == 302
    assert _stored(private_dir) == []
    assert ProgressReport.objects.get().narrative == ""


def test_abandoned_uploads_are_swept_on_the_next_upload(world, open_period, personas, private_dir):
    report(world)
    client = personas["editor_a"]
    _upload(client, world, open_period, _filled(world, open_period, {"uraian": "A"}))
    (first,) = _stored(private_dir)
    session = client.session
    session[workbook_views.SESSION_KEY] = {
        name: time.time() - 2 * workbook_views.MAX_AGE
        for name in session[workbook_views.SESSION_KEY]
    }
    session.save()
    _upload(client, world, open_period, _filled(world, open_period, {"uraian": "B"}))
    (second,) = _stored(private_dir)
    assert second != first


def test_a_server_change_after_the_preview_shows_a_fresh_preview(
    world, open_period, personas, private_dir
):
    report(world)
    content = _filled(world, open_period, {"uraian": "Dari Excel"})
    preview = _upload(personas["editor_a"], world, open_period, content)
    services.report_save(
        actor=None, period=open_period, action_plan=world.plan_a, output_achieved="Dari web"
    )
    response = _confirm(personas["editor_a"], world, open_period, _token(preview))
    assert response.status_code == 200
    page = _text(response)
    assert "Data di server berubah sejak pratinjau" in page
    assert "Konflik: tidak diterapkan" in page
    r = ProgressReport.objects.get()
    assert (r.narrative, r.output_achieved) == ("", "Dari web")
    assert _stored(private_dir) == []
