"""The agency's "Perlu tindakan" on the dashboard: returned reports with the
reviewer's reason, drafts, unreported plans, the due date and days left."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kotacerdas.core.models import Role
from kotacerdas.monitoring import services
from kotacerdas.monitoring.selectors import agency_todo
from tests.conftest import member_create, personas_sign_in
from tests.monitoring_fixtures import period, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_world")]


@pytest.fixture
def dashboard_url(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("masterplan:dashboard", args=[world.region.code])


def _todo_block(personas, name, url) -> str:  # type: ignore[no-untyped-def]
    response = personas[name].get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('data-testid="agency-todo"')
    assert start != -1, "no to-do block"
    return html[start : html.find("</section>", start)]


def test_it_shows_a_returned_report_with_the_reason_and_a_link_to_fix_it(
    world, personas, dashboard_url
):
    returned = report(world, state="returned")
    block = _todo_block(personas, "editor_a", dashboard_url)
    assert 'data-testid="todo-returned"' in block
    assert returned.return_reason in block
    assert reverse("monitoring:report_edit", args=[returned.period_id, world.plan_a.pk]) in block


def test_it_shows_only_the_users_own_agency(world, personas, dashboard_url):
    returned = report(world, state="returned")
    block = _todo_block(personas, "editor_b", dashboard_url)
    assert returned.return_reason not in block
    assert world.plan_a.code not in block
    assert world.plan_b.code in block  # agency B has not reported


def test_it_lists_drafts_and_unreported_plans(world, personas, dashboard_url):
    report(world, state="draft")
    block = _todo_block(personas, "editor_a", dashboard_url)
    drafts = block[block.find('data-testid="todo-drafts"') :]
    assert 'data-testid="todo-drafts"' in block
    assert world.plan_a.code in drafts
    assert 'data-testid="todo-returned"' not in block


def test_it_says_all_is_done_when_every_plan_is_reported(world, personas, dashboard_url):
    report(world, state="submitted")
    block = _todo_block(personas, "editor_a", dashboard_url)
    assert 'data-testid="todo-empty"' in block
    assert 'data-testid="todo-missing"' not in block


def test_it_says_so_when_no_period_is_open(world, personas, dashboard_url):
    block = _todo_block(personas, "editor_a", dashboard_url)
    assert 'data-testid="todo-empty"' in block
    assert 'data-testid="todo-due"' not in block


def test_the_smart_city_team_gets_no_agency_block(world, personas, dashboard_url):
    period(world)
    html = personas["admin"].get(dashboard_url).content.decode()
    assert 'data-testid="agency-todo"' not in html


def test_an_agency_head_sees_the_work_with_links_to_read_not_edit(world, dashboard_url):
    head = member_create("hadi", world, Role.AGENCY_HEAD, world.agency_a)
    client = personas_sign_in({"head": head})["head"]
    returned = report(world, state="returned")
    block = _todo_block({"head": client}, "head", dashboard_url)
    assert returned.return_reason in block
    assert reverse("monitoring:report_detail", args=[returned.pk]) in block
    assert reverse("monitoring:report_edit", args=[returned.period_id, world.plan_a.pk]) not in (
        block
    )


def test_days_left_count_to_the_deadline_and_below_zero_after_it(world):
    p = period(world)
    before = agency_todo(
        masterplan=world.masterplan,
        agency_ids=[world.agency_a.pk],
        today=p.due_on - dt.timedelta(days=3),
    )
    assert before.days_left == 3
    assert not before.late
    after = agency_todo(
        masterplan=world.masterplan,
        agency_ids=[world.agency_a.pk],
        today=p.due_on + dt.timedelta(days=2),
    )
    assert after.late
    assert after.days_over == 2


def test_it_orders_the_work_by_kind_and_counts_it(world):
    p = period(world)
    services.report_save(
        actor=None, period=p, action_plan=world.plan_b, status="berjalan", physical_progress=10
    )
    todo = agency_todo(masterplan=world.masterplan, agency_ids=[world.agency_b.pk])
    assert [r.action_plan for r in todo.drafts] == [world.plan_b]
    assert world.plan_b not in todo.missing
    assert todo.count == len(todo.drafts) + len(todo.missing) + len(todo.returned)


def test_it_speaks_english_to_an_english_reader(world, personas, dashboard_url):
    returned = report(world, state="returned")
    client = personas["editor_a"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    block = _todo_block(personas, "editor_a", dashboard_url)
    assert "Needs doing" in block
    assert "Reviewer&#x27;s reason:" in block or "Reviewer's reason:" in block
    assert "Perlu tindakan" not in block
    assert returned.return_reason in block  # the reviewer's own words are not translated
