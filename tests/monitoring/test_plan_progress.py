"""The action plan page's progress panel (monitoring/panels.py): latest report,
progress, budget, evidence and last update, and who may see them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotacerdas.monitoring import services
from kotacerdas.monitoring.access import reports_for
from kotacerdas.monitoring.selectors import plan_progress
from tests.monitoring_fixtures import pdf_upload, period
from tests.trend_fixtures import verified_report

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

NARRATIVE = "Aplikasi layanan sudah dipasang di tiga kelurahan. " * 12


def _page(client, plan) -> str:
    response = client.get(reverse("masterplan:action_plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('data-testid="plan-progress"')
    return html[start : html.index("</section>", start)]


def _reported(world, admin_user, editor_a):
    """plan_a: a verified report in TW II (a file and a link as evidence), then
    a submitted one in TW III with its budget."""
    q2 = period(world, state="open", number=2)
    old = services.report_save(
        actor=editor_a, period=q2, action_plan=world.plan_a, status="berjalan"
    )
    services.evidence_add_file(actor=editor_a, report=old, upload=pdf_upload("lama.pdf"))
    services.report_submit(actor=editor_a, report=old)
    services.report_verify(actor=admin_user, report=old)
    services.period_close(actor=admin_user, period=q2)
    q3 = period(world, state="open", number=3)
    report = services.report_save(
        actor=editor_a,
        period=q3,
        action_plan=world.plan_a,
        status="berjalan",
        physical_progress=Decimal("62.5"),
        budget_ceiling=Decimal("10000000"),
        budget_realisation=Decimal("2500000"),
        narrative=NARRATIVE,
    )
    services.evidence_add_file(actor=editor_a, report=report, upload=pdf_upload("foto.pdf"))
    services.evidence_add_link(
        actor=editor_a, report=report, url="https://dumaikota.go.id/berita/1", caption="Berita"
    )
    return services.report_submit(actor=editor_a, report=report)


def test_it_shows_the_latest_report_its_budget_evidence_and_last_update(
    world, personas, admin_user, editor_a
):
    report = _reported(world, admin_user, editor_a)
    panel = _page(personas["editor_a"], world.plan_a)
    assert "Triwulan III 2024" in panel
    assert "Diajukan" in panel  # the latest report's state
    assert "62,50%" in panel
    assert "Rp10.000.000" in panel and "Rp2.500.000" in panel and "(25,00%)" in panel
    assert NARRATIVE[:100] in panel and NARRATIVE.strip() not in panel  # an excerpt
    assert "Belum diverifikasi" in panel
    # The latest verified report is named, since the latest is not verified.
    assert "Laporan terverifikasi terakhir: Triwulan II 2024" in panel
    evidence = report.evidence.order_by("id")
    assert reverse("monitoring:evidence_download", args=[evidence[0].pk]) in panel
    assert "https://dumaikota.go.id/berita/1" in panel
    assert "lama.pdf" not in panel  # evidence of the latest report only
    last = panel.split('data-testid="last-update"')[1]
    assert "WIB" in last and editor_a.username in last


def test_the_verifier_and_time_are_shown_in_the_regions_zone(world, personas, admin_user):
    q3 = period(world)
    verified_report(q3, world.plan_a, "berjalan", actor=admin_user)
    progress = plan_progress(action_plan=world.plan_a, reports=reports_for(admin_user))
    assert progress.latest is not None and progress.latest.verified_by == admin_user
    assert progress.official is None
    verified = _page(personas["admin"], world.plan_a).split('data-testid="verified"')[1]
    assert "WIB" in verified and admin_user.username in verified


def test_a_reader_of_another_agency_sees_no_report_nor_evidence(
    world, personas, admin_user, editor_a
):
    report = _reported(world, admin_user, editor_a)
    panel = _page(personas["editor_b"], world.plan_a)
    assert 'data-testid="reports-hidden"' in panel
    assert "Rp10.000.000" not in panel and NARRATIVE[:40] not in panel
    for evidence in report.evidence.all():
        assert reverse("monitoring:evidence_download", args=[evidence.pk]) not in panel
        download = reverse("monitoring:evidence_download", args=[evidence.pk])
        assert personas["editor_b"].get(download).status_code in (403, 404)
    # The last change named is the plan's own, not its report's.
    assert editor_a.username not in panel.split('data-testid="last-update"')[1]


def test_a_plan_without_reports_says_so(world, personas):
    panel = _page(personas["admin"], world.plan_b)
    assert 'data-testid="no-report"' in panel


def test_the_status_source_is_shown(world, personas, admin_user):
    verified_report(period(world), world.plan_a, "berjalan", actor=admin_user)
    response = personas["admin"].get(
        reverse("masterplan:action_plan_detail", args=[world.plan_a.pk])
    )
    source = response.content.decode().split('data-testid="status-source"')[1].split("</dd>")[0]
    assert "Laporan terverifikasi" in source


def test_the_plan_page_query_count_does_not_grow_with_reports_and_evidence(
    world, personas, admin_user, editor_a, django_assert_max_num_queries
):
    client = personas["editor_a"]
    url = reverse("masterplan:action_plan_detail", args=[world.plan_a.pk])
    q2 = period(world, state="open", number=2)
    verified_report(q2, world.plan_a, "berjalan", actor=admin_user)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    services.period_close(actor=admin_user, period=q2)
    _reported_more(world, editor_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def _reported_more(world, editor_a) -> None:
    report = services.report_save(
        actor=editor_a, period=period(world), action_plan=world.plan_a, status="berjalan"
    )
    for i in range(4):
        services.evidence_add_link(
            actor=editor_a, report=report, url=f"https://example.org/{i}", caption=f"Tautan {i}"
        )
    services.evidence_add_file(actor=editor_a, report=report, upload=pdf_upload())
