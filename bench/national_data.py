"""The national dataset of bench/national.py, built fast and deterministically.

Every kab/kota gets the Dumai demo's masterplan (``kotacerdas/demo/dumai.json``:
18 agencies, 51 programmes, 103 action plans; "Dumai" in its texts replaced by
the region's name), a region admin, :data:`CLOSED` reporting periods with their
progress reports and frozen snapshots, one more period open (:data:`SPARE`,
the one bench/national.py closes), and :data:`EVALUATION_YEARS` published
evaluation results. Rows go in with ``bulk_create`` and, for the progress
reports on PostgreSQL, ``COPY``; only the last close of each region and the
three evaluation instruments (created and activated as the ministry does) go
through the services.

How the periods are simulated (the rules of the services, in bulk):

- each action plan follows a trajectory drawn from the region's seed: when it
  starts, whether it finishes, is postponed or cancelled; each region has its
  own pace and its own share of verified reports, so figures differ;
- a period asks a report of a plan of its year or earlier that was not
  finished (selesai/dibatalkan) when it opened (the carry-over rule,
  ``monitoring.selectors.period_plans``);
- a report is verified (it then sets the plan's status, as ``report_verify``
  does), or left submitted, returned or draft (the status stays); a report
  saying *selesai* that was ever submitted carries a link as evidence
  (``report_submit`` asks for one);
- at each close the plans' live statuses are set to the verified ones and the
  snapshot is taken by :func:`snapshot_fields`, the same selectors in the same
  composition as ``monitoring.services.period_close``
  (tests/monitoring/test_bench_national.py holds the two equal); the last
  close of each region goes through ``period_close`` itself.

Not built: audit events for the bulk rows, evidence files, the assessment's
own rows (assignments, item scores by assessor): a published result is its
:class:`ResultRevision`, computed by the evaluation's own selectors.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

UTC = dt.UTC
# The closed periods (year, quarter), oldest first, and the open one.
CLOSED: tuple[tuple[int, int], ...] = (
    (2024, 4),
    (2025, 1),
    (2025, 2),
    (2025, 3),
    (2025, 4),
    (2026, 1),
    (2026, 2),
    (2026, 3),
)
SPARE: tuple[int, int] = (2026, 4)
EVALUATION_YEARS: tuple[int, ...] = (2023, 2024, 2025)
CLOSE_REASON = "Uji beban nasional: periode ditutup sebelum batas laporan."
FINISHED = frozenset({"selesai", "dibatalkan"})
BATCH = 2000


@dataclass
class Built:
    """What a build made: row counts by kind and seconds by step."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.rows[kind] = self.rows.get(kind, 0) + count

    def merge(self, other: Built) -> None:
        for kind, count in other.rows.items():
            self.add(kind, count)
        for step, seconds in other.seconds.items():
            self.seconds[step] = self.seconds.get(step, 0.0) + seconds


def kab_kota() -> list[Any]:
    """Every kab/kota of the shipped Kemendagri reference, by code."""
    from kotacerdas.regions import reference

    return [
        area
        for province in reference.children(None)
        for area in reference.children(province.code)
        if area.level == reference.LEVEL_REGENCY
    ]


def pick_regions(count: int | None, first: str = "14.72") -> list[Any]:
    """``count`` kab/kota (all when None), ``first`` leading: taken round-robin
    across the provinces (the first of each province, then the second ...),
    so a small run still spans provinces. Deterministic."""
    areas = kab_kota()
    by_province: dict[str, list[Any]] = {}
    for area in areas:
        by_province.setdefault(area.code[:2], []).append(area)
    ordered = [a for a in areas if a.code == first]
    rank = 0
    while len(ordered) < len(areas):
        for province in sorted(by_province):
            members = by_province[province]
            if rank < len(members) and members[rank].code != first:
                ordered.append(members[rank])
        rank += 1
    return ordered if count is None else ordered[:count]


def provinces_accepted() -> bool:
    """Whether a Region row may be a province (``PP``): main accepts kab/kota
    only until the provinces land (issue 16); until then none are made."""
    from django.core.exceptions import ValidationError

    from kotacerdas.regions.models import Region

    try:
        Region(code="14", name="Riau").full_clean(validate_unique=False)
    except ValidationError as error:
        return "code" not in error.message_dict
    return True


def snapshot_fields(masterplan: Any, taken_at: dt.datetime) -> dict[str, Any]:
    """The ``PeriodSnapshot`` fields (all but ``period``) that closing a
    period of ``masterplan`` writes at ``taken_at``: the composition of
    ``monitoring.services.period_close``, from the live rows."""
    from kotacerdas.masterplan.models import ActionPlan
    from kotacerdas.masterplan.selectors import masterplan_figures
    from kotacerdas.monitoring.snapshots import Frozen, FrozenPublished

    frozen = Frozen.freeze(
        figures=masterplan_figures(masterplan=masterplan),
        plan_statuses=dict(
            ActionPlan.objects.filter(masterplan=masterplan).values_list("code", "status")
        ),
        taken_at=taken_at,
        published=FrozenPublished.collect(masterplan=masterplan),
    )
    return frozen.as_fields()


# --- Periods and trajectories ---------------------------------------------------------------


def period_dates(year: int, quarter: int) -> dict[str, dt.date]:
    from kotacerdas.monitoring.services import DUE_AFTER_END, OPENS_BEFORE_END, period_bounds

    starts_on, ends_on = period_bounds("quarterly", year, quarter)
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "opens_on": ends_on - OPENS_BEFORE_END,
        "due_on": ends_on + DUE_AFTER_END,
    }


def closed_at(year: int, quarter: int) -> dt.datetime:
    """When a closed period was closed: the day after its deadline, 09:00 WIB."""
    due = period_dates(year, quarter)["due_on"] + dt.timedelta(days=1)
    return dt.datetime(due.year, due.month, due.day, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Trajectory:
    """What an action plan would report in period ``k`` (0-based over CLOSED,
    then SPARE): not started before ``start``, done from ``finish``,
    postponed or cancelled from ``stop``."""

    start: int | None
    finish: int | None
    stop: int | None
    stop_status: str

    def status(self, k: int) -> str:
        if self.stop is not None and k >= self.stop:
            return self.stop_status
        if self.start is None or k < self.start:
            return "belum_dimulai"
        if self.finish is not None and k >= self.finish:
            return "selesai"
        return "berjalan"


def trajectory(rng: random.Random, template_status: str, first: int, pace: float) -> Trajectory:
    """A plan's trajectory over the periods from ``first`` (the first period
    of its year), near the template's final status and the region's pace."""
    periods = len(CLOSED) + 1
    status = template_status
    if rng.random() < 0.3:  # a region is not Dumai: some plans end elsewhere
        status = rng.choice(("belum_dimulai", "berjalan", "berjalan", "selesai", "ditunda"))
    if status == "belum_dimulai" or first >= periods:
        start = None
    else:
        start = first + int(rng.random() * (periods - first) / pace)
        start = start if start < periods else None
    finish = None
    if status == "selesai" and start is not None:
        finish = start + 1 + rng.randint(0, 2)
        finish = finish if finish < periods else None
    stop, stop_status = None, "ditunda"
    if status == "ditunda" and start is not None:
        stop = rng.randint(start, periods - 1)
    elif rng.random() < 0.01:
        stop, stop_status = rng.randint(max(first, 0), periods - 1), "dibatalkan"
    return Trajectory(start, finish, stop, stop_status)


def first_period(year: int) -> int:
    """The first period (index) of CLOSED + SPARE whose year includes a plan of ``year``."""
    for k, (period_year, _q) in enumerate((*CLOSED, SPARE)):
        if period_year >= year:
            return k
    return len(CLOSED) + 1


# --- Rows ------------------------------------------------------------------------------------


def _texts(region: Any) -> Callable[[str], str]:
    """Replace Dumai's names in the template's texts by the region's."""
    name = region.name
    place = region.place_name

    def text(value: str) -> str:
        return value.replace("Kota Dumai", name).replace("Dumai", place) if value else value

    return text


def _legal_basis(region: Any, number: int) -> str:
    head = "Wali Kota" if region.name.lower().startswith("kota") else "Bupati"
    return f"Peraturan {head} {region.place_name} Nomor {number} Tahun 2023"


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _copy_or_bulk(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows (dicts by attribute name; every other column takes its
    default): ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    count = 0
    if connection.vendor != "postgresql":
        batch = []
        for row in rows:
            batch.append(model(**row))
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        model.objects.bulk_create(batch)
        return count + len(batch)
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            unknown = set(row) - set(defaults)
            if unknown:
                raise KeyError(f"{model.__name__} has no {sorted(unknown)}")
            copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])
            count += 1
    return count


@dataclass
class _Region:
    """One region's rows as built, for the later steps."""

    region: Any
    masterplan: Any
    admin: Any
    plans: list[Any]  # ActionPlan, in template order
    periods: list[Any] = field(default_factory=list)  # CLOSED then SPARE
    # Each plan's official status and its source after each closed period:
    # (status, "langsung") until a report on it is verified, then (status, "laporan").
    official: list[list[tuple[str, str]]] = field(default_factory=list)


def build(
    areas: Sequence[Any],
    *,
    seed: int,
    progress: Callable[[str], None] = lambda _message: None,
) -> Built:
    """Build the national dataset for ``areas`` (reference kab/kota) into the
    current database. Call it once per set of regions (a second call with
    other regions adds them)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from kotacerdas.core.caching import PUBLISHED, bump, bump_live

    built = Built()
    with transaction.atomic():
        started = time.perf_counter()
        regions = _structure(areas, built)
        built.seconds["masterplans"] = time.perf_counter() - started
        progress(f"masterplans: {built.rows.get('action_plans', 0):,} action plans")

        started = time.perf_counter()
        _periods(regions, seed, built)
        built.seconds["reports"] = time.perf_counter() - started
        progress(f"reports: {built.rows.get('progress_reports', 0):,}")

        _snapshots(regions, built)
        progress(f"snapshots: {built.rows.get('period_snapshots', 0):,}")

        started = time.perf_counter()
        operator = get_user_model().objects.filter(username="operator.nasional").first()
        _evaluations(regions, seed, operator, built)
        built.seconds["evaluations"] = time.perf_counter() - started
        progress(f"evaluation results: {built.rows.get('result_revisions', 0):,}")
    # The bulk rows sent no signals: the cached pages must not outlive them.
    bump(PUBLISHED)
    bump_live()
    return built


def _structure(areas: Sequence[Any], built: Built) -> list[_Region]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from kotacerdas.core.models import Membership, Role
    from kotacerdas.core.regions import region_name
    from kotacerdas.demo.loader import demo_data
    from kotacerdas.masterplan.models import (
        ActionPlan,
        Agency,
        Element,
        Masterplan,
        Pillar,
        Programme,
    )
    from kotacerdas.masterplan.pillars import PILLARS
    from kotacerdas.regions.models import Region, kind_of_code
    from kotacerdas.regions.reference import get_area

    template = demo_data()
    user_model = get_user_model()
    if provinces_accepted():
        wanted = sorted({area.code[:2] for area in areas})
        have = set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
        made = Region.objects.bulk_create(
            Region(code=code, name=region_name(area), kind=kind_of_code(code))
            for code in wanted
            if code not in have and (area := get_area(code)) is not None
        )
        built.add("provinces", len(made))
    regions = Region.objects.bulk_create(Region(code=a.code, name=a.name) for a in areas)
    built.add("regions", len(regions))
    unusable = make_password(None)
    admins = user_model.objects.bulk_create(
        user_model(username=f"admin-{r.code}", password=unusable, first_name="Tim Smart City")
        for r in regions
    )
    Membership.objects.bulk_create(
        Membership(user=u, region=r, role=Role.ADMIN) for u, r in zip(admins, regions, strict=True)
    )
    built.add("users", len(admins))
    mp = template["masterplan"]
    masterplans = Masterplan.objects.bulk_create(
        Masterplan(
            region=r,
            title=_texts(r)(mp["title"]),
            start_year=mp["start_year"],
            end_year=mp["end_year"],
            legal_basis=_legal_basis(r, 30 + i % 40),
            status=mp["status"],
        )
        for i, r in enumerate(regions)
    )
    built.add("masterplans", len(masterplans))
    pillars = Pillar.objects.bulk_create(
        Pillar(masterplan=m, code=seed.code, name=seed.name, order=order)
        for m in masterplans
        for order, seed in enumerate(PILLARS, start=1)
    )
    seeds = {seed.code: seed for seed in PILLARS}
    elements = Element.objects.bulk_create(
        (
            Element(pillar=p, code=code, name=name, order=i)
            for p in pillars
            for i, (code, name) in enumerate(seeds[p.code].elements, start=1)
        ),
        batch_size=BATCH,
    )
    element_of = {(e.pillar.masterplan_id, e.code): e for e in elements}
    agencies = Agency.objects.bulk_create(
        (
            Agency(region=r, name=a["name"], short_name=a["short_name"], head=a["head"])
            for r in regions
            for a in template["agencies"]
        ),
        batch_size=BATCH,
    )
    built.add("agencies", len(agencies))
    agency_of = {(a.region_id, a.short_name): a for a in agencies}
    programmes = []
    for r, m in zip(regions, masterplans, strict=True):
        text = _texts(r)
        for p in template["programmes"]:
            programmes.append(
                Programme(
                    masterplan=m,
                    code=p["code"],
                    name=text(p["name"]),
                    description=text(p["description"]),
                    element=element_of[(m.pk, p["element"])],
                    horizon=p["horizon"],
                    lead_agency=agency_of[(r.pk, p["lead_agency"])],
                    start_year=p["start_year"],
                    end_year=p["end_year"],
                    funding_source=p["funding_source"],
                    estimated_cost=Decimal(p["estimated_cost"]),
                    output=text(p["output"]),
                    outcome=text(p["outcome"]),
                    quick_win_year=p["quick_win_year"],
                )
            )
    Programme.objects.bulk_create(programmes, batch_size=BATCH)
    built.add("programmes", len(programmes))
    supporting = Programme.supporting_agencies.through
    supporting.objects.bulk_create(
        (
            supporting(programme_id=programme.pk, agency_id=agency_of[(m.region_id, s)].pk)
            for programme, (m, p) in zip(
                programmes,
                ((m, p) for m in masterplans for p in template["programmes"]),
                strict=True,
            )
            for s in p["supporting_agencies"]
        ),
        batch_size=BATCH,
    )
    plans = []
    programme_iter = iter(programmes)
    for r, m in zip(regions, masterplans, strict=True):
        text = _texts(r)
        for p in template["programmes"]:
            programme = next(programme_iter)
            for a in p["action_plans"]:
                plans.append(
                    ActionPlan(
                        masterplan=m,
                        programme=programme,
                        code=a["code"],
                        year=a["year"],
                        agency=agency_of[(r.pk, a["agency"])],
                        activity=text(a["activity"]),
                        target=text(a["target"]),
                        status="belum_dimulai",
                    )
                )
    ActionPlan.objects.bulk_create(plans, batch_size=BATCH)
    built.add("action_plans", len(plans))
    per_region = len(plans) // max(1, len(regions))
    return [
        _Region(
            region=r,
            masterplan=m,
            admin=u,
            plans=plans[i * per_region : (i + 1) * per_region],
        )
        for i, (r, m, u) in enumerate(zip(regions, masterplans, admins, strict=True))
    ]


def _template_statuses() -> dict[str, str]:
    from kotacerdas.demo.loader import demo_data

    return {a["code"]: a["status"] for p in demo_data()["programmes"] for a in p["action_plans"]}


def _periods(regions: list[_Region], seed: int, built: Built) -> None:
    """The periods, the reports and each plan's official status after each close."""
    from kotacerdas.monitoring.models import Evidence, ProgressReport, ReportingPeriod

    periods = []
    # The last of CLOSED is left open: _snapshots closes it through the service.
    states = ["closed"] * (len(CLOSED) - 1) + ["open", "planned"]
    for item in regions:
        for (year, quarter), state in zip((*CLOSED, SPARE), states, strict=True):
            periods.append(
                ReportingPeriod(
                    masterplan=item.masterplan,
                    frequency="quarterly",
                    year=year,
                    number=quarter,
                    state=state,
                    closed_at=closed_at(year, quarter) if state == "closed" else None,
                    **period_dates(year, quarter),
                )
            )
    ReportingPeriod.objects.bulk_create(periods, batch_size=BATCH)
    built.add("reporting_periods", len(periods))
    per = len(CLOSED) + 1
    for i, item in enumerate(regions):
        item.periods = periods[i * per : (i + 1) * per]

    template = _template_statuses()
    evidence_wanted: list[tuple[int, int]] = []  # (period id, plan id)

    def rows() -> Iterator[dict[str, Any]]:
        for item in regions:
            rng = random.Random(f"{seed}:{item.region.code}")
            pace = rng.uniform(0.6, 1.4)
            verified_share = rng.uniform(0.7, 0.97)
            paths = [
                trajectory(rng, template[p.code], first_period(p.year), pace) for p in item.plans
            ]
            official = [("belum_dimulai", "langsung")] * len(item.plans)
            for k, period in enumerate(item.periods):
                spare = k == len(CLOSED)
                for j, plan in enumerate(item.plans):
                    if plan.year > period.year or official[j][0] in FINISHED:
                        continue  # the carry-over rule: not asked
                    status = paths[j].status(k)
                    draw = rng.random()
                    if spare:  # still open: nothing verified yet
                        state = ("draft", "submitted", "returned")[min(2, int(draw * 2.5))]
                    elif draw < verified_share:
                        state = "verified"
                    else:
                        state = ("submitted", "returned", "draft")[min(2, int(rng.random() * 3))]
                    yield _report(rng, item, period, plan, status, state)
                    if status == "selesai" and state != "draft":
                        evidence_wanted.append((period.pk, plan.pk))
                    if state == "verified":  # report_verify sets status and source
                        official[j] = (status, "laporan")
                if not spare:
                    item.official.append(list(official))

    built.add("progress_reports", _copy_or_bulk(ProgressReport, rows()))
    ids = {}
    wanted = set(evidence_wanted)
    periods_ids = [p.pk for item in regions for p in item.periods]
    for chunk in _chunks(periods_ids, 500):
        for pk, period_id, plan_id in ProgressReport.objects.filter(
            period_id__in=chunk
        ).values_list("pk", "period_id", "action_plan_id"):
            if (period_id, plan_id) in wanted:
                ids[(period_id, plan_id)] = pk
    evidence = (
        {
            "report_id": ids[key],
            "kind": Evidence.Kind.LINK,
            "url": "https://jdih.example.go.id/dokumen",
            "caption": "Berita acara serah terima (contoh)",
            "uploaded_at": closed_at(*CLOSED[0]),
        }
        for key in evidence_wanted
    )
    built.add("evidence", _copy_or_bulk(Evidence, evidence))


@functools.cache
def _label(year: int, quarter: int) -> str:
    return f"Triwulan {('I', 'II', 'III', 'IV')[quarter - 1]} {year}"


def _report(
    rng: random.Random, item: _Region, period: Any, plan: Any, status: str, state: str
) -> dict[str, Any]:
    progress = {"belum_dimulai": 0, "selesai": 100, "dibatalkan": 0}.get(status, rng.randint(5, 95))
    ceiling = Decimal(rng.randint(5, 500) * 1_000_000)
    submitted = state != "draft"
    sent = dt.datetime.combine(period.ends_on, dt.time(3, 0), tzinfo=UTC)
    checked = dt.datetime.combine(period.due_on, dt.time(3, 0), tzinfo=UTC)
    return {
        "period_id": period.pk,
        "action_plan_id": plan.pk,
        "state": state,
        "status": status,
        "physical_progress": Decimal(progress),
        "budget_ceiling": ceiling,
        "budget_realisation": (ceiling * progress / 100).quantize(Decimal(1)),
        "output_achieved": "Keluaran sesuai target triwulan." if progress else "",
        "narrative": f"Laporan {_label(period.year, period.number)}: {plan.activity[:120]}",
        "return_reason": "Lengkapi bukti dukung." if state == "returned" else "",
        "version": 3 if state == "verified" else 2 if submitted else 1,
        "updated_at": checked if state in ("verified", "returned") else sent,
        "submitted_at": sent if submitted else None,
        "submitted_by_id": item.admin.pk if submitted else None,
        "verified_at": checked if state == "verified" else None,
        "verified_by_id": item.admin.pk if state == "verified" else None,
    }


def _set_statuses(changes: list[tuple[str, str, int]]) -> None:
    """Plans' live statuses as the verified reports left them."""
    from django.db import connection

    from kotacerdas.masterplan.models import ActionPlan

    table = connection.ops.quote_name(ActionPlan._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(changes, 5000):
            cursor.executemany(
                f"UPDATE {table} SET status = %s, status_source = %s WHERE id = %s",  # noqa: S608
                list(chunk),
            )


def _snapshots(regions: list[_Region], built: Built) -> None:
    """At each close, in order: the live statuses as verified up to it, then
    every region's snapshot through :func:`snapshot_fields`; the last close
    through the service itself (``period_close``, audited: it costs about what
    the bulk snapshot does), the day after the deadline. Then SPARE opens."""
    from kotacerdas.monitoring.models import PeriodSnapshot, ReportingPeriod
    from kotacerdas.monitoring.services import period_close

    started = time.perf_counter()
    previous: dict[int, tuple[str, str]] = {}
    for k, (year, quarter) in enumerate(CLOSED):
        changes = []
        for item in regions:
            for plan, official in zip(item.plans, item.official[k], strict=True):
                if previous.get(plan.pk, ("belum_dimulai", "langsung")) != official:
                    changes.append((*official, plan.pk))
                    previous[plan.pk] = official
        _set_statuses(changes)
        if k == len(CLOSED) - 1:
            built.seconds["snapshots"] = time.perf_counter() - started
            started = time.perf_counter()
            day = closed_at(year, quarter).date()
            for item in regions:
                period_close(actor=item.admin, period=item.periods[k], today=day)
            built.add("period_snapshots", len(regions))
            built.seconds["last close through period_close"] = time.perf_counter() - started
            break
        taken_at = closed_at(year, quarter)
        snapshots = []
        for item in regions:
            masterplan = item.masterplan
            snapshots.append(
                PeriodSnapshot(period=item.periods[k], **snapshot_fields(masterplan, taken_at))
            )
            if len(snapshots) >= 100:
                PeriodSnapshot.objects.bulk_create(snapshots)
                built.add("period_snapshots", len(snapshots))
                snapshots = []
        PeriodSnapshot.objects.bulk_create(snapshots)
        built.add("period_snapshots", len(snapshots))
    ReportingPeriod.objects.filter(pk__in=[item.periods[-1].pk for item in regions]).update(
        state="open"
    )


def _evaluations(regions: list[_Region], seed: int, operator: Any, built: Built) -> None:
    """Three years of published results: the ministry's instrument of each
    year (created and activated through its services, once), a published
    cycle per region and year, and its revision 1 computed by the
    evaluation's selectors from item scores drawn per region."""
    from django.contrib.auth import get_user_model

    from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
    from kotacerdas.evaluation.cycles.selectors import cycle_result_json, item_scores_json
    from kotacerdas.evaluation.instruments import services as instruments
    from kotacerdas.evaluation.instruments.models import Instrument
    from kotacerdas.evaluation.instruments.selectors import active_instrument

    if operator is None:
        operator = get_user_model().objects.create_superuser(
            username="operator.nasional", password=None, email=""
        )
    active = {}
    for year in EVALUATION_YEARS:
        instrument = active_instrument(kind=Instrument.Kind.EVALUATION, year=year)
        if instrument is None:
            instrument = instruments.instrument_create(
                actor=operator, kind=Instrument.Kind.EVALUATION, year=year
            )
            instrument = instruments.instrument_activate(actor=operator, instrument=instrument)
        active[year] = instrument
    items = {year: list(active[year].items.order_by("pk")) for year in EVALUATION_YEARS}
    cycles = EvaluationCycle.objects.bulk_create(
        EvaluationCycle(
            region=item.region,
            year=year,
            stage=EvaluationCycle.Stage.STAGE_2,
            instrument=active[year],
            self_assessment_due=dt.date(year, 10, 18),
            interview_date=dt.date(year, 11, 5),
            evidence_deadline=dt.date(year, 11, 6),
            state=EvaluationCycle.State.PUBLISHED,
            created_at=dt.datetime(year, 6, 1, 2, 0, tzinfo=UTC),
        )
        for item in regions
        for year in EVALUATION_YEARS
    )
    built.add("evaluation_cycles", len(cycles))
    revisions = []
    for cycle in cycles:
        rng = random.Random(f"{seed}:{cycle.region.code}:evaluation")
        level = rng.uniform(1.6, 3.4)  # the region's level, rising a little each year
        level += (cycle.year - EVALUATION_YEARS[0]) * rng.uniform(-0.05, 0.25)
        scores = {
            item.pk: Decimal(str(round(min(4.0, max(0.0, level + rng.uniform(-0.6, 0.6))), 2)))
            for item in items[cycle.year]
        }
        revisions.append(
            ResultRevision(
                cycle=cycle,
                number=1,
                published_at=dt.datetime(cycle.year, 12, 10, 3, 0, tzinfo=UTC),
                published_by=operator,
                item_scores=item_scores_json(cycle, scores),
                result=cycle_result_json(cycle=cycle, scores=scores),
                notes="",
                recommendations="",
            )
        )
        if len(revisions) >= 200:
            ResultRevision.objects.bulk_create(revisions)
            built.add("result_revisions", len(revisions))
            revisions = []
    ResultRevision.objects.bulk_create(revisions)
    built.add("result_revisions", len(revisions))
