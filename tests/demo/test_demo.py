"""The Kota Dumai demo (DOMAIN.md §4): its figures match the public report of
November 2024, loading it twice changes nothing, and its users can log in.

The demo is loaded once for this module (``demo_loaded_once``); every test
runs in its own savepoint on top of it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model

from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.demo.loader import DEMO_PASSWORD, DEMO_STARTED_IN_Q3, DEMO_USERS, demo_load
from kotacerdas.demo.national import SENTRA_BUSINESSES
from kotacerdas.demo.registry import DEMO_BUSINESSES
from kotacerdas.masterplan import services
from kotacerdas.masterplan.access import action_plans_for
from kotacerdas.masterplan.models import ActionPlan, Agency, Masterplan, Programme
from kotacerdas.masterplan.selectors import current_masterplan, masterplan_figures

pytestmark = pytest.mark.django_db

# DOMAIN.md §4: the 2024 quick wins, one per pillar.
QUICK_WINS = {
    "governance": ["Mal Pelayanan Publik"],
    "branding": ["Wisata Religi Dumai Islamic Center"],
    "economy": ["DIGILOKA", "UMKM dan IKM"],
    "living": ["Blank Spot", "Sungai Geniot"],
    "society": ["Gemurai", "Gemar Membaca"],
    "environment": ["Masaro", "Sampah Zero"],
}
NAMED_PROGRAMMES = [
    "DIGILOKA",
    "Wisata Religi Dumai Islamic Center",
    "Kampung Kuliner",
    "Tempat Los Kerja",
    "Pusat Layanan Usaha Terpadu",
    "Mal Pelayanan Publik",
]


@pytest.fixture
def masterplan(dumai) -> Masterplan:
    return Masterplan.objects.select_related("region").get(region__code="14.72")


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_it_creates_the_region_masterplan_and_everything_in_it(dumai):
    assert dumai.created == {
        "masterplan": 1,
        "agency": 18,
        "programme": 51,
        "action_plan": 103,
        "user": len(DEMO_USERS),
        # Riau (14), where the province analyst's role is held.
        "province": 1,
        "registry_settings": 1,
        # Illustrative businesses, plus one planted twin per 60 for the
        # duplicates queue; the sentra IKM's below.
        # The period of the city's report and the one before it, closed: the
        # public portal's figures and a trend of two points.
        "period_snapshot": 2,
        # What each persona finds to do (tests/demo/test_journeys.py).
        "profile": 3,
        "open_period": 1,
        # The open period's six, and Q3's verified reports of the plans
        # that started then (demo.loader.DEMO_STARTED_IN_Q3).
        "progress_report": 6 + sum(DEMO_STARTED_IN_Q3.values()),
        "instrument": 1,
        "evaluation_cycle": 1,
        "assignment": 1,
        "import_job": 1,
        # The national systems (tests/demo/test_national.py): the sentra
        # IKM's businesses, this year's SIINas target, a matched NIB list.
        "business": DEMO_BUSINESSES + 4 + len(SENTRA_BUSINESSES),
        "siinas_target": 1,
        "oss_import": 1,
    }
    assert dumai.updated == {}


def test_it_publishes_the_period_of_the_citys_report(dumai):
    from kotacerdas.monitoring.models import PeriodSnapshot, ProgressReport

    earlier, snapshot = (
        PeriodSnapshot.objects.select_related("period")
        .filter(period__masterplan__region__code="14.72")
        .order_by("period__ends_on")
    )
    assert snapshot.period.ends_on.isoformat() == "2024-09-30"
    block = snapshot.figures["action_plans"]
    assert (block["in_implementation"], block["total"], block["percent"]) == (63, 103, "61.17")
    # The quarter before: the plans that started in Q3 were not running yet,
    # so the trend rises (by the Q3 reports that moved them).
    assert earlier.period.ends_on.isoformat() == "2024-06-30"
    q3_reports = ProgressReport.objects.filter(period=snapshot.period)
    assert q3_reports.count() == sum(DEMO_STARTED_IN_Q3.values())
    assert all(r.state == ProgressReport.State.VERIFIED for r in q3_reports)
    before = earlier.figures["action_plans"]["in_implementation"]
    assert before == 63 - q3_reports.count()


def test_it_sets_up_kota_dumai_with_its_masterplan_and_legal_basis(masterplan):
    region = masterplan.region

    assert (region.code, region.name) == ("14.72", "Kota Dumai")
    region.full_clean()
    assert masterplan.title == "Masterplan Smart City Kota Dumai 2022–2032"
    assert masterplan.period_label == "2022–2032"
    assert masterplan.legal_basis == "Peraturan Wali Kota Dumai Nomor 30 Tahun 2023"
    assert masterplan.status == Masterplan.Status.ENACTED
    assert current_masterplan(region=region) == masterplan


def test_it_has_diskominfotiksan_as_an_agency(masterplan):
    agency = Agency.objects.get(region=masterplan.region, short_name="Diskominfotiksan")

    assert agency.name == "Dinas Komunikasi, Informatika, Statistik dan Persandian"


def test_it_gives_the_figures_of_the_public_report(masterplan):
    figures = masterplan_figures(masterplan=masterplan)

    assert ActionPlan.objects.filter(masterplan=masterplan).count() == 103
    assert Programme.objects.filter(masterplan=masterplan).count() == 51
    ap, prog = figures.overall.action_plans, figures.overall.programmes
    assert (ap.numerator, ap.denominator, ap.percent) == (63, 103, Decimal("61.17"))
    assert (prog.numerator, prog.denominator, prog.percent) == (43, 51, Decimal("84.31"))


def test_it_splits_the_figures_over_the_six_pillars_without_loss(masterplan):
    pillars = masterplan_figures(masterplan=masterplan).pillars

    assert [p.scope.key for p in pillars] == list(QUICK_WINS)
    assert sum(p.action_plans.denominator for p in pillars) == 103
    assert sum(p.action_plans.numerator for p in pillars) == 63
    assert sum(p.programmes.denominator for p in pillars) == 51
    assert sum(p.programmes.numerator for p in pillars) == 43


def test_it_has_one_quick_win_per_pillar_named_as_in_2024(masterplan):
    quick_wins = masterplan_figures(masterplan=masterplan).quick_wins

    assert len(quick_wins) == 6
    assert [q.pillar_code for q in quick_wins] == list(QUICK_WINS)
    for quick_win in quick_wins:
        assert quick_win.year == 2024
        for words in QUICK_WINS[quick_win.pillar_code]:
            assert words.lower() in quick_win.name.lower(), (quick_win.pillar_code, quick_win.name)


@pytest.mark.parametrize("name", NAMED_PROGRAMMES)
def test_it_has_the_publicly_named_programmes(masterplan, name):
    assert Programme.objects.filter(masterplan=masterplan, name__icontains=name).count() == 1


def test_it_changes_nothing_when_loaded_again(dumai):
    before = table_counts()

    result = demo_load()

    assert not result.changed
    assert table_counts() == before
    assert before["core.AuditEvent"] > 0


def test_it_keeps_a_users_edit_when_loaded_again_without_reset(masterplan):
    digiloka = Programme.objects.get(masterplan=masterplan, code="ECO-01")
    services.programme_update(actor=None, programme=digiloka, name="DIGILOKA (diubah)")
    events = AuditEvent.objects.count()

    result = demo_load()

    assert not result.changed
    assert Programme.objects.get(pk=digiloka.pk).name == "DIGILOKA (diubah)"
    assert AuditEvent.objects.count() == events


def test_it_restores_the_demo_values_on_reset(masterplan):
    digiloka = Programme.objects.get(masterplan=masterplan, code="ECO-01")
    original = digiloka.name
    plan = ActionPlan.objects.filter(programme=digiloka).first()
    services.programme_update(actor=None, programme=digiloka, name="DIGILOKA (diubah)")
    # The demo runs reporting periods: a status moves by a correction.
    services.action_plan_status_correct(
        actor=None, action_plan=plan, status="dibatalkan", reason="Uji."
    )
    events = AuditEvent.objects.count()

    result = demo_load(reset=True)

    assert result.updated == {"programme": 1, "action_plan": 1}
    assert result.created == {}
    assert Programme.objects.get(pk=digiloka.pk).name == original
    restored = ActionPlan.objects.get(pk=plan.pk)
    assert restored.status != "dibatalkan"
    assert restored.status_corrections.first().reason.startswith("Data demo dipulihkan")
    # The programme; the plan's status back by a correction (its record and the plan).
    assert AuditEvent.objects.count() == events + 3
    overall = masterplan_figures(masterplan=masterplan).overall
    assert (overall.action_plans.percent, overall.programmes.percent) == (
        Decimal("61.17"),
        Decimal("84.31"),
    )


def test_it_recreates_a_deleted_action_plan(masterplan):
    plan = ActionPlan.objects.get(masterplan=masterplan, code="ECO-09.01")
    services.action_plan_delete(actor=None, action_plan=plan)

    result = demo_load()

    assert result.created == {"action_plan": 1}
    assert ActionPlan.objects.filter(masterplan=masterplan, code="ECO-09.01").exists()
    assert ActionPlan.objects.filter(masterplan=masterplan).count() == 103


def test_it_creates_one_demo_user_per_role(masterplan):
    region = masterplan.region
    roles = set(Membership.objects.filter(region=region).values_list("role", flat=True))
    province = Membership.objects.get(role=Role.PROVINCE_ANALYST)

    assert roles | {province.role} == set(Role.values)
    assert (province.region.code, province.region.name) == ("14", "Provinsi Riau")
    assert province.user.username == "analis.riau"
    operator = get_user_model().objects.get(username="operator")
    assert operator.is_superuser
    editor = get_user_model().objects.get(username="opd.diskopukm")
    membership = editor.memberships.get()
    assert (membership.role, membership.agency.short_name) == ("agency_editor", "Diskop UKM")


@pytest.mark.parametrize("username", [user.username for user in DEMO_USERS])
def test_it_lets_every_demo_user_log_in_with_the_demo_password(dumai, username):
    user = authenticate(username=username, password=DEMO_PASSWORD)

    assert user is not None
    assert user.get_username() == username
    assert authenticate(username=username, password="salah-kata-sandi") is None


def test_it_lets_the_demo_editor_change_only_its_agencys_plans(masterplan):
    editor = get_user_model().objects.get(username="opd.diskopukm")

    agencies = set(action_plans_for(editor, "change").values_list("agency__short_name", flat=True))
    viewable = action_plans_for(editor, "view").count()

    assert agencies == {"Diskop UKM"}
    assert viewable == 103
