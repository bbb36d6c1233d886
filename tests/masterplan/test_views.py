"""Behaviour of the masterplan pages, through the real URLs and templates."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from kotacerdas.core import caching
from kotacerdas.core.audit import history_for
from kotacerdas.core.models import AuditEvent
from kotacerdas.masterplan.models import ActionPlan, Programme
from tests.factories import AgencyFactory, make_action_plan, make_programme

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")


def _grow(world, programmes: int, plans_each: int) -> None:
    agency = AgencyFactory(region=world.region)
    for i in range(programmes):
        pillar = ("governance", "economy", "living")[i % 3]
        programme = make_programme(world.masterplan, lead_agency=agency, pillar=pillar)
        for j in range(plans_each):
            make_action_plan(programme, status=("berjalan", "selesai", "ditunda")[j % 3])


def _text(response) -> str:
    """The page as a reader sees it: tags stripped, white space folded."""
    return " ".join(strip_tags(response.content.decode()).split())


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "route", ["masterplan:dashboard", "masterplan:programme_list", "masterplan:action_plan_list"]
)
def test_it_keeps_the_query_count_flat_as_the_plan_grows(
    route, world, personas, django_capture_on_commit_callbacks
):
    url = reverse(route, args=[world.region.code])
    # The session is read once into the cache (cached_db); then the page is
    # built in full each time (the live version bumped, as by a commit).
    personas["admin"].get(url)
    caching.bump_live()
    small = _queries(personas["admin"], url)
    # Committed, as in production: the dashboard's cached body (per live data
    # version) is rendered again, so this counts a full render both times.
    with django_capture_on_commit_callbacks(execute=True):
        _grow(world, programmes=12, plans_each=3)
    assert _queries(personas["admin"], url) == small


def test_it_shows_the_headline_figures_in_indonesian_notation(world, personas):
    make_action_plan(world.programme, status="berjalan")  # 1 of 3 in implementation
    response = personas["assessor"].get(reverse("masterplan:dashboard", args=[world.region.code]))
    html = response.content.decode()
    assert "33,33%" in html
    assert "1 dari 3 rencana aksi terimplementasi" in html
    assert "100,00%" in html  # the one programme runs


def test_it_explains_a_figure_with_its_items(world, personas):
    world.plan_a.status = "selesai"
    world.plan_a.save(update_fields=["status"])
    url = reverse("masterplan:explain", args=[world.region.code, "action_plans", "overall"])
    html = _text(personas["editor_b"].get(url))
    assert "1 ÷ 2" in html
    assert "0,500000 → 50,00%" in html
    assert world.plan_a.code in html and world.plan_b.code in html


def test_it_returns_404_for_an_unknown_scope(world, personas):
    url = reverse("masterplan:explain", args=[world.region.code, "action_plans", "pillar:nope"])
    assert personas["admin"].get(url).status_code == 404
    url = reverse("masterplan:explain", args=[world.region.code, "apples", "overall"])
    assert personas["admin"].get(url).status_code == 404


def test_an_editor_reports_status_and_the_figures_follow(world, personas, editor_a):
    url = reverse("masterplan:action_plan_edit", args=[world.plan_a.pk])
    response = personas["editor_a"].post(
        url,
        {
            "status": "berjalan",
            "activity": "Kegiatan diperbarui",
            "target": "2 dokumen",
            # Fields an editor may not set are ignored even when posted.
            "code": "HACKED",
            "agency": world.agency_b.pk,
            "year": 2030,
        },
    )
    assert response.status_code == 302
    world.plan_a.refresh_from_db()
    assert (world.plan_a.status, world.plan_a.activity) == ("berjalan", "Kegiatan diperbarui")
    assert (world.plan_a.code, world.plan_a.agency_id, world.plan_a.year) != (
        "HACKED",
        world.agency_b.pk,
        2030,
    )
    event = history_for(world.plan_a).get(action="update")
    assert event.actor == editor_a
    assert event.before["status"] == "belum_dimulai" and event.after["status"] == "berjalan"
    html = (
        personas["editor_a"]
        .get(reverse("masterplan:dashboard", args=[world.region.code]))
        .content.decode()
    )
    assert "50,00%" in html


def test_the_quick_status_change_answers_htmx_with_the_cell(world, personas):
    url = reverse("masterplan:action_plan_status", args=[world.plan_a.pk])
    response = personas["editor_a"].post(url, {"status": "selesai"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="status-{world.plan_a.pk}"' in response.content.decode()
    assert "Tersimpan" in response.content.decode()
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "selesai"


def test_an_unknown_status_changes_nothing(world, personas):
    url = reverse("masterplan:action_plan_status", args=[world.plan_a.pk])
    response = personas["admin"].post(url, {"status": "hilang"}, HTTP_HX_REQUEST="true")
    assert "Status tidak dikenal" in response.content.decode()
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == "belum_dimulai"
    assert not history_for(world.plan_a).filter(action="update").exists()


def test_it_refuses_an_open_redirect_after_a_status_change(world, personas):
    url = reverse("masterplan:action_plan_status", args=[world.plan_a.pk])
    response = personas["admin"].post(url, {"status": "berjalan", "next": "https://evil.example/"})
    assert response["Location"] == reverse("masterplan:action_plan_detail", args=[world.plan_a.pk])


def _programme_form(world, **overrides):
    data = {
        "code": "NEW-01",
        "name": "Program baru",
        "description": "",
        "element": world.programme.element_id,
        "horizon": "medium",
        "quick_win_year": "",
        "lead_agency": world.agency_a.pk,
        "supporting_agencies": [world.agency_b.pk],
        "start_year": 2024,
        "end_year": 2028,
        "funding_source": "apbd",
        "estimated_cost": "2500000000",
        "output": "",
        "outcome": "",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_programme(world, personas, admin_user):
    url = reverse("masterplan:programme_create", args=[world.region.code])
    response = personas["admin"].post(url, _programme_form(world))
    programme = Programme.objects.get(code="NEW-01")
    assert response["Location"] == reverse("masterplan:programme_detail", args=[programme.pk])
    assert list(programme.supporting_agencies.all()) == [world.agency_b]
    event = history_for(programme).get(action="create")
    assert event.actor == admin_user and event.after["supporting_agencies"] == [world.agency_b.pk]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_year": 2019}, "di luar periode masterplan"),
        ({"estimated_cost": "-5"}, "lebih besar dari atau sama dengan 0"),
        ({"code": "P-001"}, "sudah dipakai"),
        ({"horizon": "quick_win"}, "wajib memiliki tahun quick win"),
        ({"end_year": 2023}, "tidak boleh sebelum tahun mulai"),
    ],
)
def test_bad_programme_input_gets_an_indonesian_message_and_saves_nothing(
    overrides, message, world, personas
):
    world.programme.code = "P-001"
    world.programme.save(update_fields=["code"])
    before = (Programme.objects.count(), AuditEvent.objects.count())
    url = reverse("masterplan:programme_create", args=[world.region.code])
    response = personas["admin"].post(url, _programme_form(world, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data belum disimpan" in html
    assert message in html
    assert (Programme.objects.count(), AuditEvent.objects.count()) == before


def test_a_programme_with_action_plans_cannot_be_deleted(world, personas):
    url = reverse("masterplan:programme_delete", args=[world.programme.pk])
    response = personas["admin"].post(url)
    assert response.status_code == 200
    assert "masih memiliki 2 rencana aksi" in response.content.decode()
    assert Programme.objects.filter(pk=world.programme.pk).exists()


def test_deleting_an_action_plan_is_audited(world, personas, admin_user):
    pk = world.plan_b.pk
    trail = history_for(world.plan_b)
    response = personas["admin"].post(reverse("masterplan:action_plan_delete", args=[pk]))
    assert response.status_code == 302
    assert not ActionPlan.objects.filter(pk=pk).exists()
    event = trail.get(action="delete")
    assert event.actor == admin_user and event.before["code"] == world.plan_b.code


def test_the_history_shows_readable_changes(world, personas):
    personas["admin"].post(
        reverse("masterplan:action_plan_status", args=[world.plan_a.pk]), {"status": "ditunda"}
    )
    url = reverse("masterplan:history", args=["rencana-aksi", world.plan_a.pk])
    html = personas["assessor"].get(url).content.decode()
    assert "alice" in html
    assert "Belum dimulai" in html and "Ditunda" in html
    assert "UTC" in html


def test_an_unknown_history_kind_is_404(world, personas):
    url = reverse("masterplan:history", args=["rahasia", world.plan_a.pk])
    assert personas["admin"].get(url).status_code == 404


def test_filters_narrow_the_action_plan_list(world, personas):
    world.plan_b.status = "selesai"
    world.plan_b.save(update_fields=["status"])
    url = reverse("masterplan:action_plan_list", args=[world.region.code])
    html = personas["admin"].get(url, {"status": "selesai"}).content.decode()
    assert world.plan_b.code in html and world.plan_a.code not in html
    html = personas["admin"].get(url, {"agency": world.agency_a.pk}).content.decode()
    assert world.plan_a.code in html and world.plan_b.code not in html


def test_search_finds_programmes_by_name(world, personas):
    url = reverse("masterplan:programme_list", args=[world.region.code])
    html = personas["admin"].get(url, {"q": world.programme.name}).content.decode()
    assert world.programme.code in html
    html = personas["admin"].get(url, {"q": "tidak-ada-yang-cocok"}).content.decode()
    assert "Tidak ada program yang cocok" in html


def test_an_htmx_filter_returns_only_the_results(world, personas):
    url = reverse("masterplan:programme_list", args=[world.region.code])
    html = personas["admin"].get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and world.programme.code in html


def test_admins_rename_pillars_and_elements(world, personas):
    pillar = world.masterplan.pillars.get(code="governance")
    element = pillar.elements.first()
    url = reverse("masterplan:masterplan_edit", args=[world.region.code])
    form = personas["admin"].get(url).context["labels"]
    data = {f"lb-{name}": field.initial for name, field in form.fields.items()}
    data[f"lb-pillar_{pillar.pk}"] = "Tata Kelola Cerdas"
    data[f"lb-element_{element.pk}"] = "Layanan publik prima"
    mp = world.masterplan
    data.update(
        {
            "mp-title": mp.title,
            "mp-start_year": mp.start_year,
            "mp-end_year": mp.end_year,
            "mp-legal_basis": mp.legal_basis,
            "mp-status": mp.status,
            "mp-reporting_frequency": mp.reporting_frequency,
        }
    )
    assert personas["admin"].post(url, data).status_code == 302
    pillar.refresh_from_db()
    element.refresh_from_db()
    assert (pillar.name, element.name) == ("Tata Kelola Cerdas", "Layanan publik prima")
    assert history_for(pillar).filter(action="update").count() == 1
    assert history_for(element).filter(action="update").count() == 1


def test_pages_carry_a_content_security_policy_without_inline_script(world, personas):
    response = personas["admin"].get(reverse("masterplan:dashboard", args=[world.region.code]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_the_interface_switches_to_english_and_keeps_indonesian_figures(world, personas):
    client = personas["admin"]
    make_action_plan(world.programme, status="berjalan")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = _text(client.get(reverse("masterplan:dashboard", args=[world.region.code])))
    assert "Action plan achievement" in html
    assert "Capaian rencana aksi" not in html
    assert "33,33%" in html  # figures keep the notation of the reports (docs/decisions.md §10)
