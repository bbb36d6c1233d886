"""The masterplan workbook on the web: download, upload → preview → confirm,
and the checks on the upload and on the token between the two steps."""

from __future__ import annotations

import os
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
from python_calamine import CalamineWorkbook

from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.core.storage import private_storage
from kotacerdas.masterplan.exchange import forms as exchange_forms
from kotacerdas.masterplan.exchange import staging
from kotacerdas.masterplan.exchange.export import CONTENT_TYPE, masterplan_export, template_empty
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme
from kotacerdas.masterplan.services import action_plan_status_correct
from kotacerdas.regions.models import Region
from tests.conftest import World
from tests.factories import make_user
from tests.logins import login_verified
from tests.monitoring_fixtures import period

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path


def _text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def _edited(world: World, **names: str) -> bytes:
    """The world's export with programme names changed and one action plan added."""
    book = openpyxl.load_workbook(BytesIO(masterplan_export(masterplan=world.masterplan)))
    sheet = book["Program"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in names:
            row[6].value = names[row[0].value]
    book["Rencana Aksi"].append(
        [
            "BARU-01",
            world.programme.code,
            2025,
            "Dispar",
            "Berjalan",
            "Kegiatan dari Excel",
            "",
        ]
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: Client, world: World, content: bytes, name: str = "masterplan.xlsx"):
    return client.post(
        reverse("exchange:import", args=[world.region.code]),
        {"file": SimpleUploadedFile(name, content, content_type=CONTENT_TYPE)},
    )


def _stashed() -> list[Any]:
    """The stashed files (in the local private folder, the tests' storage)."""
    folder = Path(private_storage.path(staging.FOLDER))
    return sorted(folder.glob("*.xlsx")) if folder.is_dir() else []


# --- Downloads ---------------------------------------------------------------------------


def test_a_reader_downloads_the_whole_masterplan(world, personas):
    response = personas["assessor"].get(reverse("exchange:export", args=[world.region.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert 'filename="masterplan-14.72-2022.xlsx"' in response["Content-Disposition"]
    with CalamineWorkbook.from_filelike(BytesIO(response.content)) as book:
        programmes = book.get_sheet_by_name("Program").to_python()
    assert programmes[1][0] == world.programme.code


def test_anyone_signed_in_downloads_the_empty_template(world, personas):
    response = personas["editor_b"].get(reverse("exchange:template"))

    assert response.status_code == 200
    assert "templat-masterplan-kotacerdas.xlsx" in response["Content-Disposition"]
    with CalamineWorkbook.from_filelike(BytesIO(response.content)) as book:
        assert "Rencana Aksi" in book.sheet_names


def test_the_programme_list_offers_export_to_all_and_import_to_admins(world, personas):
    url = reverse("masterplan:programme_list", args=[world.region.code])
    export = reverse("exchange:export", args=[world.region.code])
    upload = reverse("exchange:import", args=[world.region.code])

    admin_page = personas["admin"].get(url).content.decode()
    editor_page = personas["editor_a"].get(url).content.decode()

    assert export in admin_page and upload in admin_page
    assert export in editor_page and upload not in editor_page


# --- Upload, preview, confirm ----------------------------------------------------------


def test_an_admin_previews_then_confirms_an_import(world, personas):
    old_name = world.programme.name
    content = _edited(world, **{world.programme.code: "Nama dari Excel"})

    preview = _upload(personas["admin"], world, content)

    assert preview.status_code == 200
    text = _text(preview)
    assert "Pratinjau impor" in text and "Terapkan impor" in text
    assert old_name in text and "Nama dari Excel" in text
    assert "BARU-01" in text
    world.programme.refresh_from_db()
    assert world.programme.name == old_name  # nothing saved by the preview
    assert not ActionPlan.objects.filter(code="BARU-01").exists()
    assert len(_stashed()) == 1

    confirm = personas["admin"].post(
        reverse("exchange:import_confirm", args=[world.region.code]),
        {"token": preview.context["token"]},
    )

    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("masterplan:programme_list", args=[world.region.code])
    world.programme.refresh_from_db()
    assert world.programme.name == "Nama dari Excel"
    plan = ActionPlan.objects.get(code="BARU-01")
    assert (plan.status, plan.agency, plan.year) == ("berjalan", world.agency_b, 2025)
    assert _stashed() == []
    actors = set(
        AuditEvent.objects.filter(object_repr__contains="BARU-01").values_list(
            "actor_label", flat=True
        )
    )
    assert actors == {"alice"}
    message = _text(personas["admin"].get(confirm["Location"]))
    assert "Masterplan diimpor: 1 baru, 1 diubah" in message


def test_a_file_with_problems_lists_them_and_cannot_be_confirmed(world, personas):
    book = openpyxl.load_workbook(BytesIO(masterplan_export(masterplan=world.masterplan)))
    book["Rencana Aksi"].append(["X-1", "TIDAK-ADA", 2050, "Dispar", "hampir", "Kegiatan", ""])
    out = BytesIO()
    book.save(out)
    before = Programme.objects.count(), ActionPlan.objects.count()

    response = _upload(personas["admin"], world, out.getvalue())

    assert response.status_code == 200
    text = _text(response)
    assert "Berkas berisi 3 masalah; tidak ada yang disimpan." in text
    assert "TIDAK-ADA" in text and "2050" in text and "hampir" in text
    assert "(unknown programme)" in text
    assert "Terapkan impor" not in text
    assert _stashed() == []
    assert (Programme.objects.count(), ActionPlan.objects.count()) == before


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("masterplan.csv", b"kode,nama\n", "jenis yang diizinkan: .xlsx"),
        ("masterplan.xlsx", b"kode,nama\n", "bukan lembar kerja Excel (XLSX) yang sah"),
        ("masterplan.xlsx", b"", "kosong"),
    ],
)
def test_it_refuses_an_upload_that_is_not_an_xlsx(world, personas, name, content, says):
    response = _upload(personas["admin"], world, content, name)

    assert response.status_code == 200
    assert says in _text(response)
    assert _stashed() == []


def test_it_refuses_an_upload_over_the_size_limit(world, personas, monkeypatch):
    monkeypatch.setattr(exchange_forms, "MAX_UPLOAD_BYTES", 1024)

    response = _upload(personas["admin"], world, masterplan_export(masterplan=world.masterplan))

    assert "masterplan.xlsx terlalu besar" in _text(response)
    assert _stashed() == []


def test_it_refuses_a_workbook_that_is_not_the_template(world, personas):
    book = openpyxl.Workbook()
    out = BytesIO()
    book.save(out)

    response = _upload(personas["admin"], world, out.getvalue())

    assert "tidak mengikuti templat masterplan" in _text(response)
    assert _stashed() == []


# --- The token between preview and confirm ------------------------------------------------


def _confirm(client: Client, world: World, token: str):
    return client.post(
        reverse("exchange:import_confirm", args=[world.region.code]), {"token": token}
    )


def _refused(response, world: World) -> bool:
    return response.status_code == 302 and response["Location"] == reverse(
        "exchange:import", args=[world.region.code]
    )


def test_a_forged_token_is_refused(world, personas, admin_user):
    token = staging.stash(content=b"x", user_id=admin_user.pk, region_code=world.region.code)
    payload = signing.loads(token, salt=staging.SALT)
    forged = signing.dumps({**payload, "f": "0" * 32}, salt="another salt")

    assert _refused(_confirm(personas["admin"], world, token[:-2] + "xx"), world)
    assert _refused(_confirm(personas["admin"], world, forged), world)
    assert _refused(_confirm(personas["admin"], world, ""), world)
    assert len(_stashed()) == 1


def test_a_token_only_works_for_its_user_and_region(world, personas, admin_user):
    other_admin = make_user("erin")
    Membership.objects.create(user=other_admin, region=world.region, role=Role.ADMIN)
    client = Client()
    login_verified(client, other_admin)
    content = _edited(world, **{world.programme.code: "Tidak boleh"})
    mine = staging.stash(content=content, user_id=admin_user.pk, region_code=world.region.code)
    elsewhere = staging.stash(content=content, user_id=admin_user.pk, region_code="14.71")

    assert _refused(_confirm(client, world, mine), world)
    assert _refused(_confirm(personas["admin"], world, elsewhere), world)
    world.programme.refresh_from_db()
    assert world.programme.name != "Tidak boleh"


def test_a_stale_token_is_refused(world, personas, admin_user, monkeypatch, settings):
    # The clock jumps past the token's age; the admin's session must outlive it.
    settings.KOTACERDAS_SESSION_IDLE_MINUTES = 24 * 60
    content = _edited(world, **{world.programme.code: "Terlambat"})
    token = staging.stash(content=content, user_id=admin_user.pk, region_code=world.region.code)
    later = time.time() + staging.MAX_AGE + 60
    monkeypatch.setattr(time, "time", lambda: later)

    response = _confirm(personas["admin"], world, token)

    assert _refused(response, world)
    assert "kedaluwarsa" in _text(personas["admin"].get(response["Location"]))
    world.programme.refresh_from_db()
    assert world.programme.name != "Terlambat"
    assert _stashed() == []  # swept: older than an hour


def test_a_token_is_used_once(world, personas):
    preview = _upload(personas["admin"], world, _edited(world))
    token = preview.context["token"]

    assert _confirm(personas["admin"], world, token).status_code == 302
    assert _refused(_confirm(personas["admin"], world, token), world)


def test_old_uploads_are_swept(world, admin_user):
    old = staging.stash(content=b"lama", user_id=admin_user.pk, region_code=world.region.code)
    assert old
    (path,) = _stashed()
    an_hour_ago = time.time() - staging.MAX_AGE - 1
    os.utime(path, (an_hour_ago, an_hour_ago))

    staging.stash(content=b"baru", user_id=admin_user.pk, region_code=world.region.code)

    assert [p.read_bytes() for p in _stashed()] == [b"baru"]


def test_a_file_that_changes_nothing_needs_no_confirmation(world, personas):
    content = masterplan_export(masterplan=world.masterplan)

    response = _upload(personas["admin"], world, content)

    assert "tidak ada yang perlu diterapkan" in _text(response)
    assert "Terapkan impor" not in _text(response)
    assert _stashed() == []


def test_a_new_region_loads_its_masterplan_through_the_web(world, db):
    kampar = Region.objects.create(code="14.01", name="Kabupaten Kampar")
    admin = make_user("fajar")
    Membership.objects.create(user=admin, region=kampar, role=Role.ADMIN)
    client = Client()
    login_verified(client, admin)
    book = openpyxl.load_workbook(BytesIO(template_empty()))
    for number, value in enumerate(["Masterplan Kampar", 2025, 2034, "", "draft"], start=2):
        book["Masterplan"].cell(row=number, column=2, value=value)
    book["Perangkat Daerah"].append(["Diskominfo", "Dinas Kominfo", ""])
    out = BytesIO()
    book.save(out)

    assert client.get(reverse("exchange:import", args=["14.01"])).status_code == 200
    preview = client.post(
        reverse("exchange:import", args=["14.01"]),
        {"file": SimpleUploadedFile("kampar.xlsx", out.getvalue())},
    )
    confirm = client.post(
        reverse("exchange:import_confirm", args=["14.01"]), {"token": preview.context["token"]}
    )

    assert confirm["Location"] == reverse("masterplan:programme_list", args=["14.01"])
    assert Masterplan.objects.get(region=kampar).title == "Masterplan Kampar"
    assert Agency.objects.filter(region=kampar, short_name="Diskominfo").exists()


# --- Statuses a report or the team set ------------------------------------------------------


def test_the_preview_shows_a_status_it_keeps_and_imports_the_rest(world, personas, admin_user):
    exported = masterplan_export(masterplan=world.masterplan)  # plan_a: belum dimulai
    period(world)
    action_plan_status_correct(
        actor=admin_user, action_plan=world.plan_a, status="selesai", reason="Berita acara."
    )
    book = openpyxl.load_workbook(BytesIO(exported))
    sheet = book["Rencana Aksi"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == world.plan_a.code:
            row[headers.index("target")].value = "Target dari Excel"
    out = BytesIO()
    book.save(out)

    preview = _upload(personas["admin"], world, out.getvalue())

    text = _text(preview)
    assert "Status yang tidak diubah (1)" in text
    assert world.plan_a.code in text and "status ditetapkan oleh koreksi tim" in text
    personas["admin"].post(
        reverse("exchange:import_confirm", args=[world.region.code]),
        {"token": preview.context["token"]},
    )
    world.plan_a.refresh_from_db()
    assert (world.plan_a.status, world.plan_a.target) == ("selesai", "Target dari Excel")
