"""The national bench's dataset (bench/national_data.py) at 3 regions: built as
the services would have left it. Its snapshots are what closing the period
writes (the real ``period_close``, for every closed period), its reports
follow the carry-over rule, a plan's status is its last verified report's,
and a seed gives the same data again."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from kotacerdas.core.models import AuditEvent
from kotacerdas.demo.loader import demo_data
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.masterplan.models import ActionPlan, Agency, Programme
from kotacerdas.monitoring.models import PeriodSnapshot, ProgressReport, ReportingPeriod
from kotacerdas.monitoring.selectors import statuses_at_opening
from kotacerdas.monitoring.services import period_close
from kotacerdas.regions.models import Region

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

# bench/national.py, not tests/national (ruff takes the name for the test package).
# isort: off
import national  # noqa: E402
import national_data  # noqa: E402
# isort: on

pytestmark = pytest.mark.django_db
SEED = 16
REGIONS = 3


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Region]]:
    """Three regions built once for the module, rolled back after it; each
    test runs in its own savepoint."""
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block
        with transaction.atomic():
            areas = national_data.pick_regions(REGIONS)
            national_data.build(areas, seed=SEED)
            yield list(Region.objects.filter(code__in=[a.code for a in areas]).order_by("code"))
            transaction.set_rollback(True)


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's fields without the moments it was taken."""
    figures = {k: v for k, v in fields["figures"].items() if k != "computed_at"}
    return {**fields, "taken_at": None, "figures": figures}


def _stored(snapshot: PeriodSnapshot) -> dict[str, Any]:
    snapshot.refresh_from_db()  # the JSON as the database gives it back
    return {
        name: getattr(snapshot, name)
        for name in ("layout", "rule_version", "taken_at", "figures", "plan_statuses", "published")
    }


def test_it_builds_each_region_with_the_demo_masterplan(built: list[Region]) -> None:
    template = demo_data()
    plans = sum(len(p["action_plans"]) for p in template["programmes"])
    assert "14.72" in {r.code for r in built}  # the measured region comes first
    for region in built:
        assert Programme.objects.filter(masterplan__region=region).count() == len(
            template["programmes"]
        )
        assert ActionPlan.objects.filter(masterplan__region=region).count() == plans
        assert Agency.objects.filter(region=region).count() == len(template["agencies"])
        periods = ReportingPeriod.objects.filter(masterplan__region=region)
        assert periods.filter(state="closed", snapshot__isnull=False).count() == len(
            national_data.CLOSED
        )
        assert periods.filter(state="open").count() == 1
        cycles = EvaluationCycle.objects.filter(region=region, state="published")
        assert sorted(cycles.values_list("year", flat=True)) == list(national_data.EVALUATION_YEARS)
        assert ResultRevision.objects.filter(cycle__in=cycles, number=1).count() == len(
            national_data.EVALUATION_YEARS
        )


def test_the_regions_figures_differ(built: list[Region]) -> None:
    last = national_data.CLOSED[-1]
    shares = {
        snapshot.figures["action_plans"]["percent"]
        for snapshot in PeriodSnapshot.objects.filter(
            period__masterplan__region__in=built, period__year=last[0], period__number=last[1]
        )
    }
    assert len(shares) == len(built)


def test_every_snapshot_is_what_closing_the_period_writes(built: list[Region]) -> None:
    """For each closed period: the plans set to the statuses it froze, the
    open period closed through the service; the snapshot written equals the
    bulk-built one but for the moment it was taken."""
    for region in built:
        spare = ReportingPeriod.objects.get(masterplan__region=region, state="open")
        admin = region.memberships.get(role="admin").user
        for snapshot in PeriodSnapshot.objects.filter(period__masterplan__region=region):
            with transaction.atomic():
                by_status: dict[str, list[str]] = {}
                for code, status in snapshot.plan_statuses.items():
                    by_status.setdefault(status, []).append(code)
                for status, codes in by_status.items():
                    ActionPlan.objects.filter(masterplan__region=region, code__in=codes).update(
                        status=status
                    )
                written = period_close(actor=admin, period=spare, reason="uji")
                assert _comparable(_stored(written)) == _comparable(_stored(snapshot))
                transaction.set_rollback(True)


def test_the_snapshot_builder_is_the_close(built: list[Region]) -> None:
    region = built[-1]
    spare = ReportingPeriod.objects.select_related("masterplan__region").get(
        masterplan__region=region, state="open"
    )
    admin = region.memberships.get(role="admin").user
    written = _stored(period_close(actor=admin, period=spare, reason="uji"))
    fields = national_data.snapshot_fields(spare.masterplan, written["taken_at"])
    assert fields["taken_at"] == written["taken_at"]
    assert _comparable(fields) == _comparable(written)


def test_the_last_close_of_each_region_went_through_the_service(built: list[Region]) -> None:
    kind = ContentType.objects.get_for_model(PeriodSnapshot)
    year, number = national_data.CLOSED[-1]
    for region in built:
        last = PeriodSnapshot.objects.get(
            period__masterplan__region=region, period__year=year, period__number=number
        )
        audited = AuditEvent.objects.filter(content_type=kind, region_code=region.code)
        assert set(audited.values_list("object_id", flat=True)) == {str(last.pk)}


def test_the_reports_follow_the_carry_over_rule(built: list[Region]) -> None:
    """A period asks about a plan of its year or earlier not finished when it
    opened; every report the bench made is one the period asked for."""
    for period in ReportingPeriod.objects.filter(masterplan__region__in=built):
        at_opening = statuses_at_opening(period=period)
        years = dict(
            ActionPlan.objects.filter(masterplan_id=period.masterplan_id).values_list("pk", "year")
        )
        reported = list(period.reports.values_list("action_plan_id", flat=True))
        assert reported
        for plan_id in reported:
            assert years[plan_id] <= period.year
            assert at_opening[plan_id] not in national_data.FINISHED


def test_a_plans_status_is_its_last_verified_report(built: list[Region]) -> None:
    plans = ActionPlan.objects.filter(masterplan__region__in=built)
    last: dict[int, str] = {}
    for plan_id, status in (
        ProgressReport.objects.filter(action_plan__in=plans, state="verified")
        .order_by("period__starts_on")
        .values_list("action_plan_id", "status")
    ):
        last[plan_id] = status
    assert last
    for plan in plans:
        assert plan.status == last.get(plan.pk, "belum_dimulai")
        assert plan.status_source == ("laporan" if plan.pk in last else "langsung")


def test_a_done_report_that_was_submitted_has_evidence(built: list[Region]) -> None:
    reports = ProgressReport.objects.filter(
        period__masterplan__region__in=built, status="selesai"
    ).exclude(state="draft")
    assert reports.exists()
    assert not reports.filter(evidence__isnull=True).exists()


def _fingerprint(code: str) -> list[tuple[Any, ...]]:
    return list(
        ProgressReport.objects.filter(period__masterplan__region__code=code)
        .order_by("period__starts_on", "action_plan__code")
        .values_list("period__number", "action_plan__code", "state", "status")
    )


def test_a_seed_builds_the_same_data_again() -> None:
    area = national_data.pick_regions(REGIONS + 1)[-1]
    prints = []
    for seed in (SEED, SEED, SEED + 1):
        with transaction.atomic():
            national_data.build([area], seed=seed)
            prints.append(_fingerprint(area.code))
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


@pytest.mark.parametrize("url", [None, "", "sqlite:///var/kotacerdas.sqlite3"])
def test_the_bench_refuses_anything_but_postgresql(url: str | None) -> None:
    with pytest.raises(SystemExit, match=r"butuh PostgreSQL.*needs PostgreSQL"):
        national.refuse_unless_postgres(url)
