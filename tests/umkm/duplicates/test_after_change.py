"""Duplicates are found after every new or changed business — the officer's
form, the public self-registration, the API, an edit, the import command —
and from the duplicates page's button; a pair differing only in case is
found (issue 21)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.duplicates import services as duplicates
from kotacerdas.umkm.models import Business, DuplicateCandidate
from kotacerdas.umkm.registry import services
from tests.api.helpers import Api, token_for
from tests.permissions.rows_umkm_duplicates import KELURAHAN, make_business
from tests.umkm.registry.test_views import REGISTRATION

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

NAME = "Batik Tabir Melayu 188"
ADDRESS = "Jl. Sudirman No. 12 RT 02"


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def original(world) -> Business:  # type: ignore[no-untyped-def]
    return make_business(world.region, name=NAME, address=ADDRESS)


def _pairs(world) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {
        frozenset((c.first.name, c.second.name))
        for c in DuplicateCandidate.objects.filter(region=world.region).select_related(
            "first", "second"
        )
    }


CASE_PAIR = frozenset((NAME, NAME.upper()))


def test_a_new_business_differing_only_in_case_is_a_candidate(
    world, original, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_business(world.region, name=NAME.upper(), address=ADDRESS)
    assert _pairs(world) == {CASE_PAIR}


def test_the_officers_form_finds_duplicates(
    personas, world, original, django_capture_on_commit_callbacks
) -> None:
    form = {
        "name": NAME.upper(),
        "address": ADDRESS,
        "kelurahan_code": KELURAHAN,
        "kbli_version": "2020",
        "sells_online": "unknown",
        "uses_qris": "unknown",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = personas["officer"].post(
            reverse("umkm:business_create", args=[world.region.code]), form
        )
    assert response.status_code == 302
    assert _pairs(world) == {CASE_PAIR}


def test_a_self_registration_finds_duplicates(
    client, world, original, django_capture_on_commit_callbacks
) -> None:
    form = {**REGISTRATION, "name": NAME.upper(), "address": ADDRESS, "kelurahan_code": KELURAHAN}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("umkm:register", args=[world.region.code]), form)
    assert response.status_code == 302
    assert _pairs(world) == {CASE_PAIR}


def test_the_api_finds_duplicates(
    world, officer, original, django_capture_on_commit_callbacks
) -> None:
    api = Api(token_for(officer))
    payload = {"name": NAME.upper(), "address": ADDRESS, "kelurahan_code": KELURAHAN}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(f"/regions/{world.region.code}/businesses", payload)
    assert created.status_code == 201, created.content
    assert _pairs(world) == {CASE_PAIR}


def test_an_edit_finds_duplicates(world, original, django_capture_on_commit_callbacks) -> None:
    other = make_business(world.region, name="Songket Dumai Indah", address=ADDRESS)
    assert _pairs(world) == set()
    with django_capture_on_commit_callbacks(execute=True):
        services.business_update(actor=None, business=other, data={"name": NAME.upper()})
    assert _pairs(world) == {CASE_PAIR}


def test_the_import_command_finds_duplicates(world, original, tmp_path: Path) -> None:
    survey = tmp_path / "survei.csv"
    survey.write_text(
        "Nama Usaha,Kelurahan,Alamat,No HP\n"
        f"{NAME.upper()},Pangkalan Sesai,Jl. Sudirman 12,081234567891\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command(
        "umkm", "import", str(survey), "--region", "14.72", "--json", "--quiet", stdout=out
    )
    assert json.loads(out.getvalue())["imported"] == 1
    assert _pairs(world) == {CASE_PAIR}


def test_a_big_region_is_searched_by_the_worker(
    world, original, immediate_tasks, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(duplicates, "SYNC_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=True):
        make_business(world.region, name=NAME.upper(), address=ADDRESS)
    assert _pairs(world) == {CASE_PAIR}


def test_a_failed_search_does_not_undo_the_saved_business(
    world, original, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("finder down")

    monkeypatch.setattr(duplicates, "candidates_find_soon", broken)
    with django_capture_on_commit_callbacks(execute=True):
        twin = make_business(world.region, name=NAME.upper(), address=ADDRESS)
    assert Business.objects.filter(pk=twin.pk).exists()
    assert _pairs(world) == set()


def test_the_officer_runs_the_search_from_the_duplicates_page(personas, world, original) -> None:
    # Written past the services (as an old import would have): no pair yet.
    twin = Business.objects.get(pk=original.pk)
    twin.pk = None
    twin.name = NAME.upper()
    twin.save()
    assert _pairs(world) == set()
    url = reverse("umkm:duplicate_search", args=[world.region.code])
    page = personas["officer"].get(reverse("umkm:duplicate_list", args=[world.region.code]))
    assert url in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()

    response = personas["officer"].post(url, follow=True)

    assert response.status_code == 200
    assert _pairs(world) == {CASE_PAIR}
    assert "1 pasangan baru" in response.content.decode()
    event = AuditEvent.objects.filter(region_code=world.region.code, action="load").latest("id")
    assert event.actor is not None and event.actor.username == "rina"
    assert sum(event.after["duplicate_candidates"].values()) == 1


def test_a_search_that_finds_nothing_new_is_still_recorded(personas, world, original) -> None:
    before = AuditEvent.objects.filter(region_code=world.region.code, action="load").count()
    response = personas["admin"].post(
        reverse("umkm:duplicate_search", args=[world.region.code]), follow=True
    )
    assert "0 pasangan baru" in response.content.decode()
    after = AuditEvent.objects.filter(region_code=world.region.code, action="load").count()
    assert after == before + 1
