"""The portal publishes only what was signed off: closing a period freezes
every text the portal, the open data and the public API show (layout 2 of
kotacerdas.monitoring.snapshots), so live edits appear only after the next
close; and the portal says when the published period is older than the
reporting schedule allows."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import openpyxl
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kotacerdas.masterplan.models import ActionPlan, Agency, Element, Masterplan, Pillar, Programme
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Evidence, PeriodSnapshot
from kotacerdas.monitoring.snapshots import LAYOUT, Frozen
from kotacerdas.portal import datasets, selectors
from kotacerdas.portal.selectors import publication_overdue
from tests.api.helpers import Api
from tests.conftest import World
from tests.factories import make_action_plan, make_programme
from tests.monitoring_fixtures import period, report
from tests.portal.helpers import add_photo, close, png_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]

# The language buttons carry each visitor's own (masked, so random) CSRF token.
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
DATASETS = ("program", "rencana-aksi", "capaian-periode")


def _page(name: str, *args: object, **query: str) -> bytes:
    response = Client().get(reverse(f"portal:{name}", args=args), query)
    assert response.status_code == 200, (name, args)
    return _CSRF.sub(b"", response.content)


def _xlsx(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _public(w: World) -> dict[str, Any]:
    """Everything public about the world's region: the portal's pages, the open
    data files and the public API's answers, each as read by a client."""
    code = w.region.code
    cache.clear()  # rebuilt from the database, not served from before the edits
    seen: dict[str, Any] = {
        "home": _page("home", code),
        "pillar": _page("pillar", code, "governance"),
        "programme": _page("programme", code, w.programme.pk),
        "explain-plans": _page("explain", code, "action_plans", "overall"),
        "explain-programmes": _page("explain", code, "programmes", "pillar:governance"),
        "search": _page("search", code, q="uji"),
        "widget": _page("widget", code),
        "catalogue": _page("catalogue", code),
    }
    client = Client()
    for slug in DATASETS:
        base = f"/publik/{code}/data/{slug}"
        seen[f"{slug}.csv"] = client.get(f"{base}.csv").content  # byte for byte
        seen[f"{slug}.json"] = json.loads(client.get(f"{base}.json").content)
        seen[f"{slug}.metadata.json"] = json.loads(client.get(f"{base}.metadata.json").content)
        seen[f"{slug}.xlsx"] = _xlsx(client.get(f"{base}.xlsx").content)
    api = Api()
    for path in ("", "/pillars", "/programmes", "/action-plans", "/figures", "/quick-wins"):
        response = api.get(f"/regions/{code}{path}")
        assert response.status_code == 200, path
        seen[f"api{path}"] = response.json()
    return seen


def _signed_off(w: World) -> Evidence:
    """The world's programme as a 2024 quick win; plan_a verified with a public
    photo; Triwulan III 2024 closed. Returns the photo."""
    Programme.objects.filter(pk=w.programme.pk).update(horizon="quick_win", quick_win_year=2024)
    photo = add_photo(w, public=True, caption="Peluncuran layanan")
    report(w, "verified")
    close(w)
    return photo


def _edit_everything(w: World) -> None:
    """Change every text, code, year, agency and status the portal shows, as
    the team could after the close (the edits bypass the services on purpose:
    no rule of theirs may be what keeps the portal unchanged)."""
    Masterplan.objects.filter(pk=w.masterplan.pk).update(
        title="Masterplan DIUBAH", legal_basis="Perwali DIUBAH", end_year=2033
    )
    Pillar.objects.filter(masterplan=w.masterplan, code="governance").update(name="Pilar DIUBAH")
    Element.objects.filter(pk=w.programme.element_id).update(name="Elemen DIUBAH")
    Agency.objects.filter(pk=w.agency_a.pk).update(short_name="OPD-DIUBAH", name="Dinas DIUBAH")
    Programme.objects.filter(pk=w.programme.pk).update(
        code="P-DIUBAH",
        name="Program DIUBAH",
        description="Deskripsi DIUBAH",
        output="Keluaran DIUBAH",
        outcome="Hasil DIUBAH",
        start_year=2024,
        end_year=2028,
        quick_win_year=2025,
        lead_agency=w.agency_b,
    )
    ActionPlan.objects.filter(pk=w.plan_a.pk).update(
        activity="Kegiatan DIUBAH", target="Target DIUBAH", year=2025, agency=w.agency_b
    )
    ActionPlan.objects.filter(pk=w.plan_b.pk).update(code="RA-DIUBAH", status="ditunda")
    Evidence.objects.filter(report__action_plan=w.plan_a).update(caption="Keterangan DIUBAH")
    later = make_programme(w.masterplan, lead_agency=w.agency_a, name="Program BARU")
    make_action_plan(later, activity="Kegiatan BARU", target="Target BARU")


def _photo_in_open_period(w: World) -> Evidence:
    """A public photo of plan_b's report in Triwulan IV 2024, verified while
    the period is still open."""
    q4 = period(w, "open", number=4)
    draft = services.report_save(
        actor=None, period=q4, action_plan=w.plan_b, status="berjalan", physical_progress=10
    )
    photo = services.evidence_add_file(
        actor=None, report=draft, upload=png_upload("baru.png"), caption="Foto BARU", is_public=True
    )
    services.report_verify(actor=None, report=services.report_submit(actor=None, report=draft))
    return photo


def _photo_status(w: World, photo: Evidence) -> int:
    url = reverse("portal:photo", args=[w.region.code, photo.pk])
    return int(Client().get(url).status_code)


def test_live_edits_after_the_close_change_nothing_public_until_the_next_close(world):
    first_photo = _signed_off(world)
    before = _public(world)
    assert b"Peluncuran layanan" in before["home"]  # the photo chosen at the close

    _edit_everything(world)
    new_photo = _photo_in_open_period(world)
    after = _public(world)

    for key in before:
        assert after[key] == before[key], key
    assert b"DIUBAH" not in b"".join(v for v in after.values() if isinstance(v, bytes))
    assert "DIUBAH" not in json.dumps({k: v for k, v in after.items() if not isinstance(v, bytes)})
    assert _photo_status(world, first_photo) == 200
    assert _photo_status(world, new_photo) == 404

    services.period_close(actor=None, period=period(world, "open", number=4))
    published = _public(world)

    assert b"Program DIUBAH" in published["programme"]
    assert b"Masterplan DIUBAH" in published["home"]
    assert b"Foto BARU" in published["home"]
    assert b"Target DIUBAH" in published["rencana-aksi.csv"]
    assert b"Program BARU" in published["program.csv"]
    plans = {p["code"]: p for p in published["api/action-plans"]["items"]}
    assert plans["RA-DIUBAH"]["status"] == "berjalan"  # its report verified in Triwulan IV
    assert plans[world.plan_a.code]["target"] == "Target DIUBAH"
    assert plans[world.plan_a.code]["agency"] == "Dispar"
    assert published["api"]["masterplan"]["end_year"] == 2033
    assert _photo_status(world, new_photo) == 200


def test_a_photo_of_a_report_in_the_open_period_never_appears_publicly(world):
    _signed_off(world)
    photo = _photo_in_open_period(world)

    seen = _public(world)

    assert b"Foto BARU" not in seen["home"]
    assert [p["id"] for q in seen["api/quick-wins"] for p in q["photos"]] != []
    assert photo.pk not in [p["id"] for q in seen["api/quick-wins"] for p in q["photos"]]
    assert _photo_status(world, photo) == 404


def test_the_close_freezes_the_published_texts(world):
    photo = _signed_off(world)
    frozen = Frozen.of(PeriodSnapshot.objects.get())

    assert frozen.layout == LAYOUT == 2
    published = frozen.published
    assert published is not None
    assert published.masterplan.title == world.masterplan.title
    assert [p.code for p in published.programmes] == [world.programme.code]
    assert [(a.code, a.target, a.agency) for a in published.action_plans] == [
        (world.plan_a.code, world.plan_a.target, "Diskominfo"),
        (world.plan_b.code, world.plan_b.target, "Dispar"),
    ]
    assert [(p.id, p.caption, p.file_name) for p in published.photos] == [
        (photo.pk, "Peluncuran layanan", photo.file_name)
    ]


def test_a_snapshot_without_frozen_texts_falls_back_to_the_live_ones(world):
    # A layout-1 snapshot (stored before the texts were frozen) still renders:
    # its figures and statuses are frozen, its texts are read live.
    _signed_off(world)
    PeriodSnapshot.objects.update(layout=1, published=None)
    Programme.objects.filter(pk=world.programme.pk).update(name="Program hari ini")

    programmes = datasets.public_dataset(region=world.region, slug="program").rows

    assert [p["nama"] for p in programmes] == ["Program hari ini"]
    assert _page("home", world.region.code)


# --- The published period is older than the reporting schedule allows --------------------


@pytest.mark.parametrize(
    ("ends_on", "frequency", "today", "overdue"),
    [
        # Triwulan III 2024: Triwulan IV ends 31 December, plus 45 days' grace.
        (dt.date(2024, 9, 30), "quarterly", dt.date(2025, 2, 14), False),
        (dt.date(2024, 9, 30), "quarterly", dt.date(2025, 2, 15), True),
        (dt.date(2024, 9, 30), "quarterly", dt.date(2026, 12, 7), True),
        (dt.date(2024, 6, 30), "semester", dt.date(2025, 2, 14), False),
        (dt.date(2024, 6, 30), "semester", dt.date(2025, 2, 15), True),
        (dt.date(2024, 12, 31), "yearly", dt.date(2026, 2, 14), False),
        (dt.date(2024, 12, 31), "yearly", dt.date(2026, 2, 15), True),
    ],
)
def test_it_knows_when_the_published_period_is_overdue(ends_on, frequency, today, overdue):
    assert publication_overdue(ends_on=ends_on, frequency=frequency, today=today) is overdue


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(selectors.timezone, "localdate", lambda *args, **kwargs: day)
    cache.clear()


NOTICE = "Data terakhir yang diterbitkan: Triwulan III 2024 — lebih lama dari jadwal pelaporan"


def test_the_portal_says_when_its_data_is_older_than_the_schedule(world, monkeypatch):
    Masterplan.objects.filter(pk=world.masterplan.pk).update(reporting_frequency="quarterly")
    close(world)
    code = world.region.code

    _on(monkeypatch, dt.date(2024, 11, 20))
    assert NOTICE not in _page("home", code).decode()
    metadata = datasets.public_dataset(region=world.region, slug="rencana-aksi").metadata
    assert (metadata["publication_overdue"], metadata["notice"]) == (False, None)

    _on(monkeypatch, dt.date(2026, 12, 7))
    for page in (_page("home", code), _page("programme", code, world.programme.pk)):
        assert NOTICE in page.decode()
    metadata = datasets.public_dataset(region=world.region, slug="rencana-aksi").metadata
    assert metadata["publication_overdue"] is True
    assert metadata["notice"].startswith(NOTICE)
