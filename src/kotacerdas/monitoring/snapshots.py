"""What a closed reporting period froze, typed: the one owner of the JSON in
:class:`~kotacerdas.monitoring.models.PeriodSnapshot`.

The close (:func:`kotacerdas.monitoring.services.period_close`) freezes with
:meth:`Frozen.freeze` and stores :meth:`Frozen.as_fields`; every reader (the
monitoring snapshot page and comparison, the public portal, its open data and
the public API) goes through :meth:`Frozen.of`. Nobody else indexes
``snapshot.figures`` or ``snapshot.plan_statuses``: the JSON keys are written
and read in this module only, so a layout change is made here once.

Layouts (``PeriodSnapshot.layout``):

1. Every figure of :func:`~kotacerdas.masterplan.selectors.masterplan_figures`
   (overall, per pillar with its elements, per agency and per year, each
   ratio with the percentage as rounded at the close), the quick wins with
   their status, and each action plan's status by code. Snapshots stored
   before the column existed are layout 1 (the migration says so).
2. Layout 1 plus :class:`FrozenPublished` in ``PeriodSnapshot.published``:
   everything the public portal, its open data and the public API show that
   is not a figure (the masterplan's title and years, the pillars, every
   programme and action plan with its names, codes, texts, targets, years
   and agencies, and the public photos chosen: id, caption and the stored
   file, which a verified report can no longer remove). Read from a layout-1
   snapshot, ``Frozen.published`` is ``None`` and the portal falls back to
   the live structure for those texts (decisions §36).

Growing it: a new part of :class:`Frozen` that is ``None`` for older
layouts. Bump ``LAYOUT``, write the part in :meth:`Frozen.freeze` and
:meth:`Frozen.as_fields` (a new JSON column), read it in :meth:`Frozen.of` by
layout, and keep a test that reads a stored snapshot of every older layout
(tests/monitoring/test_snapshots.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from kotacerdas.masterplan.models import ActionPlan, Masterplan, Pillar, Programme
from kotacerdas.masterplan.selectors import Figures, MasterplanFigures, Metric, Ratio, Scope
from kotacerdas.monitoring.models import Evidence, ProgressReport

if TYPE_CHECKING:
    from kotacerdas.monitoring.models import PeriodSnapshot

# The layout the close writes now; readers accept every layout up to it.
LAYOUT = 2
# The first layout with :class:`FrozenPublished`.
PUBLISHED_SINCE = 2

# Each metric's numerator under its own name in the JSON.
_NUMERATOR_KEYS: dict[Metric, str] = {
    "action_plans": "in_implementation",
    "programmes": "running",
}


@dataclass(frozen=True, kw_only=True)
class FrozenRatio:
    """A ratio as frozen: its counts and the percentage shown at the close
    (``None`` when nothing was counted)."""

    numerator: int
    denominator: int
    percent: Decimal | None

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.numerator, self.denominator)

    @classmethod
    def of(cls, ratio: Ratio) -> FrozenRatio:
        return cls(numerator=ratio.numerator, denominator=ratio.denominator, percent=ratio.percent)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], metric: Metric) -> FrozenRatio:
        percent = data["percent"]
        return cls(
            numerator=int(data[_NUMERATOR_KEYS[metric]]),
            denominator=int(data["total"]),
            percent=None if percent is None else Decimal(percent),
        )

    def as_json(self, metric: Metric) -> dict[str, Any]:
        return {
            "total": self.denominator,
            _NUMERATOR_KEYS[metric]: self.numerator,
            "percent": None if self.percent is None else str(self.percent),
        }


@dataclass(frozen=True, kw_only=True)
class FrozenPair:
    """Both headline ratios of one scope."""

    action_plans: FrozenRatio
    programmes: FrozenRatio

    def get(self, metric: Metric) -> FrozenRatio:
        return self.action_plans if metric == "action_plans" else self.programmes


class _Pair(TypedDict):
    action_plans: FrozenRatio
    programmes: FrozenRatio


def _pair_read(data: Mapping[str, Any]) -> _Pair:
    """The two ratios of a scope's JSON block, as keyword arguments."""
    return {
        "action_plans": FrozenRatio.from_json(data["action_plans"], "action_plans"),
        "programmes": FrozenRatio.from_json(data["programmes"], "programmes"),
    }


def _pair_frozen(figures: Figures) -> _Pair:
    """The two live ratios of a scope, frozen, as keyword arguments."""
    return {
        "action_plans": FrozenRatio.of(figures.action_plans),
        "programmes": FrozenRatio.of(figures.programmes),
    }


def _pair_json(pair: FrozenPair) -> dict[str, Any]:
    return {
        "action_plans": pair.action_plans.as_json("action_plans"),
        "programmes": pair.programmes.as_json("programmes"),
    }


@dataclass(frozen=True, kw_only=True)
class FrozenElement(FrozenPair):
    name: str


@dataclass(frozen=True, kw_only=True)
class FrozenPillar(FrozenPair):
    code: str
    name: str
    elements: tuple[FrozenElement, ...]


@dataclass(frozen=True, kw_only=True)
class FrozenAgency(FrozenPair):
    short_name: str


@dataclass(frozen=True, kw_only=True)
class FrozenYear(FrozenPair):
    year: int


@dataclass(frozen=True, kw_only=True)
class FrozenQuickWin:
    code: str
    name: str
    year: int
    pillar_code: str
    lead_agency: str  # short name
    status: str  # an ActionPlanStatus value


@dataclass(frozen=True, kw_only=True)
class FrozenMasterplan:
    id: int
    title: str
    period: str
    legal_basis: str


def _quick_wins_read(data: Mapping[str, Any]) -> tuple[FrozenQuickWin, ...]:
    return tuple(
        FrozenQuickWin(
            code=q["code"],
            name=q["name"],
            year=int(q["year"]),
            pillar_code=q["pillar"],
            lead_agency=q["lead_agency"],
            status=q["status"],
        )
        for q in data["items"]
    )


@dataclass(frozen=True, kw_only=True)
class FrozenHeadline:
    """The overall ratios and the quick wins of a snapshot, without the rest
    of its figures: for readers of many regions at once (the national
    comparison). The database selects these parts of ``figures``
    (:meth:`annotations`), so the per-pillar, per-agency and per-year blocks
    are neither sent nor decoded; :meth:`of` reads them (every layout)."""

    overall: FrozenPair
    quick_wins: tuple[FrozenQuickWin, ...]

    @staticmethod
    def annotations() -> dict[str, Any]:
        """``PeriodSnapshot`` queryset annotations that :meth:`of` reads."""
        from django.db.models.fields.json import KeyTransform

        return {
            f"headline_{key}": KeyTransform(key, "figures")
            for key in ("action_plans", "programmes", "quick_wins")
        }

    @classmethod
    def of(cls, snapshot: PeriodSnapshot) -> FrozenHeadline:
        """Read a snapshot annotated with :meth:`annotations`."""
        _layout_check(snapshot)
        found: Any = snapshot
        pair = {
            "action_plans": found.headline_action_plans,
            "programmes": found.headline_programmes,
        }
        return cls(
            overall=FrozenPair(**_pair_read(pair)),
            quick_wins=_quick_wins_read(found.headline_quick_wins),
        )

    def ratio(self, metric: Metric) -> FrozenRatio:
        return self.overall.get(metric)


@dataclass(frozen=True, kw_only=True)
class FrozenFigures:
    """Every figure of the masterplan at the close, in the shape of
    :class:`~kotacerdas.masterplan.selectors.MasterplanFigures`."""

    region_code: str
    region_name: str
    masterplan: FrozenMasterplan
    rule_version: str
    computed_at: dt.datetime
    overall: FrozenPair
    quick_wins: tuple[FrozenQuickWin, ...]
    pillars: tuple[FrozenPillar, ...]
    agencies: tuple[FrozenAgency, ...]
    years: tuple[FrozenYear, ...]

    def pillar(self, code: str) -> FrozenPillar | None:
        return next((p for p in self.pillars if p.code == code), None)

    def ratio(self, metric: Metric, scope: Scope) -> FrozenRatio | None:
        """The frozen ``metric`` of the overall scope or of a pillar; None for
        any other scope and for a pillar the snapshot does not know."""
        pair: FrozenPair | None = None
        if scope.kind == "overall":
            pair = self.overall
        elif scope.kind == "pillar":
            pair = self.pillar(scope.key)
        return None if pair is None else pair.get(metric)

    @classmethod
    def of(cls, figures: MasterplanFigures) -> FrozenFigures:
        """Freeze live figures (at the close)."""
        masterplan = figures.masterplan
        return cls(
            region_code=masterplan.region.code,
            region_name=masterplan.region.name,
            masterplan=FrozenMasterplan(
                id=masterplan.pk,
                title=masterplan.title,
                period=masterplan.period_label,
                legal_basis=masterplan.legal_basis,
            ),
            rule_version=figures.rule_version,
            computed_at=figures.computed_at,
            overall=FrozenPair(**_pair_frozen(figures.overall)),
            quick_wins=tuple(
                FrozenQuickWin(
                    code=q.code,
                    name=q.name,
                    year=q.year,
                    pillar_code=q.pillar_code,
                    lead_agency=q.lead_agency,
                    status=q.status,
                )
                for q in figures.quick_wins
            ),
            pillars=tuple(
                FrozenPillar(
                    code=p.scope.key,
                    name=p.label,
                    elements=tuple(
                        FrozenElement(name=e.label, **_pair_frozen(e)) for e in p.elements
                    ),
                    **_pair_frozen(p),
                )
                for p in figures.pillars
            ),
            agencies=tuple(
                FrozenAgency(short_name=a.label, **_pair_frozen(a)) for a in figures.agencies
            ),
            years=tuple(
                FrozenYear(year=int(y.scope.key), **_pair_frozen(y)) for y in figures.years
            ),
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FrozenFigures:
        """Read ``PeriodSnapshot.figures`` (layout 1)."""
        masterplan = data["masterplan"]
        return cls(
            region_code=data["region"],
            region_name=data["region_name"],
            masterplan=FrozenMasterplan(
                id=int(masterplan["id"]),
                title=masterplan["title"],
                period=masterplan["period"],
                legal_basis=masterplan["legal_basis"],
            ),
            rule_version=data["rule_version"],
            computed_at=dt.datetime.fromisoformat(data["computed_at"]),
            overall=FrozenPair(**_pair_read(data)),
            quick_wins=_quick_wins_read(data["quick_wins"]),
            pillars=tuple(
                FrozenPillar(
                    code=p["code"],
                    name=p["name"],
                    elements=tuple(
                        FrozenElement(name=e["name"], **_pair_read(e)) for e in p["elements"]
                    ),
                    **_pair_read(p),
                )
                for p in data["pillars"]
            ),
            agencies=tuple(
                FrozenAgency(short_name=a["short_name"], **_pair_read(a)) for a in data["agencies"]
            ),
            years=tuple(FrozenYear(year=int(y["year"]), **_pair_read(y)) for y in data["years"]),
        )

    def as_json(self) -> dict[str, Any]:
        """``PeriodSnapshot.figures`` (layout 1: the JSON of ``kotacerdas
        figures --json`` at the time the layout was fixed)."""
        return {
            "region": self.region_code,
            "region_name": self.region_name,
            "masterplan": {
                "id": self.masterplan.id,
                "title": self.masterplan.title,
                "period": self.masterplan.period,
                "legal_basis": self.masterplan.legal_basis,
            },
            "rule_version": self.rule_version,
            "computed_at": self.computed_at.isoformat(),
            **_pair_json(self.overall),
            "quick_wins": {
                "total": len(self.quick_wins),
                "items": [
                    {
                        "code": q.code,
                        "name": q.name,
                        "year": q.year,
                        "pillar": q.pillar_code,
                        "lead_agency": q.lead_agency,
                        "status": q.status,
                    }
                    for q in self.quick_wins
                ],
            },
            "pillars": [
                {
                    "code": p.code,
                    "name": p.name,
                    **_pair_json(p),
                    "elements": [{"name": e.name, **_pair_json(e)} for e in p.elements],
                }
                for p in self.pillars
            ],
            "agencies": [{"short_name": a.short_name, **_pair_json(a)} for a in self.agencies],
            "years": [{"year": y.year, **_pair_json(y)} for y in self.years],
        }


# --- What the public sees besides the figures (layout 2) --------------------------------


@dataclass(frozen=True, kw_only=True)
class PublishedMasterplan:
    title: str
    period: str
    legal_basis: str
    start_year: int
    end_year: int


@dataclass(frozen=True, kw_only=True)
class PublishedPillar:
    code: str
    name: str
    order: int


@dataclass(frozen=True, kw_only=True)
class PublishedProgramme:
    id: int
    code: str
    name: str
    description: str
    element_id: int
    element_name: str
    pillar_code: str
    pillar_name: str
    horizon: str
    lead_agency_id: int
    lead_agency: str  # short name
    lead_agency_name: str
    start_year: int
    end_year: int
    quick_win_year: int | None
    output: str
    outcome: str


@dataclass(frozen=True, kw_only=True)
class PublishedActionPlan:
    id: int
    code: str
    activity: str
    target: str
    year: int
    agency_id: int
    agency: str  # short name
    programme_id: int
    programme_code: str


@dataclass(frozen=True, kw_only=True)
class PublishedPhoto:
    """A public photo of a verified report, as chosen at the close: the
    stored file it points at is never removed (evidence of a verified report
    cannot be deleted)."""

    id: int
    programme_id: int
    caption: str
    file_name: str
    original_name: str
    content_type: str


_PROGRAMME_KEYS = tuple(PublishedProgramme.__dataclass_fields__)
_PLAN_KEYS = tuple(PublishedActionPlan.__dataclass_fields__)
_PHOTO_KEYS = tuple(PublishedPhoto.__dataclass_fields__)

# Field of a published row → the ORM lookup that fills it from the live row.
# The close reads these, and the portal's live rows (before the first close,
# layout-1 snapshots) are the same lookups, so the two cannot drift.
PROGRAMME_LOOKUPS: dict[str, str] = {
    "id": "id",
    "code": "code",
    "name": "name",
    "description": "description",
    "element_id": "element_id",
    "element_name": "element__name",
    "pillar_code": "element__pillar__code",
    "pillar_name": "element__pillar__name",
    "horizon": "horizon",
    "lead_agency_id": "lead_agency_id",
    "lead_agency": "lead_agency__short_name",
    "lead_agency_name": "lead_agency__name",
    "start_year": "start_year",
    "end_year": "end_year",
    "quick_win_year": "quick_win_year",
    "output": "output",
    "outcome": "outcome",
}
PLAN_LOOKUPS: dict[str, str] = {
    "id": "id",
    "code": "code",
    "activity": "activity",
    "target": "target",
    "year": "year",
    "agency_id": "agency_id",
    "agency": "agency__short_name",
    "programme_id": "programme_id",
    "programme_code": "programme__code",
}
assert set(PROGRAMME_LOOKUPS) == set(_PROGRAMME_KEYS)
assert set(PLAN_LOOKUPS) == set(_PLAN_KEYS)


def as_lookup_row(item: PublishedProgramme | PublishedActionPlan) -> dict[str, Any]:
    """A frozen row in the shape of the live ``.values(*lookups)`` row."""
    lookups = PROGRAMME_LOOKUPS if isinstance(item, PublishedProgramme) else PLAN_LOOKUPS
    return {lookup: getattr(item, name) for name, lookup in lookups.items()}


@dataclass(frozen=True, kw_only=True)
class FrozenPublished:
    """The texts and structure the public saw at the close, in code order."""

    masterplan: PublishedMasterplan
    pillars: tuple[PublishedPillar, ...]
    programmes: tuple[PublishedProgramme, ...]
    action_plans: tuple[PublishedActionPlan, ...]
    photos: tuple[PublishedPhoto, ...]

    @classmethod
    def collect(cls, *, masterplan: Masterplan) -> FrozenPublished:
        """Read the live rows at the close (five queries). Photos: those
        marked public, on verified reports (every verified report belongs to
        this period or an earlier closed one: one period is open at a time)."""
        programmes = tuple(
            PublishedProgramme(**{name: r[lookup] for name, lookup in PROGRAMME_LOOKUPS.items()})
            for r in Programme.objects.filter(masterplan=masterplan)
            .order_by("code")
            .values(*PROGRAMME_LOOKUPS.values())
        )
        plans = tuple(
            PublishedActionPlan(**{name: r[lookup] for name, lookup in PLAN_LOOKUPS.items()})
            for r in ActionPlan.objects.filter(masterplan=masterplan)
            .order_by("code")
            .values(*PLAN_LOOKUPS.values())
        )
        photos = tuple(
            PublishedPhoto(
                id=r["id"],
                programme_id=r["report__action_plan__programme_id"],
                caption=r["caption"],
                file_name=r["file_name"],
                original_name=r["original_name"],
                content_type=r["content_type"],
            )
            for r in Evidence.objects.filter(
                report__action_plan__masterplan=masterplan,
                report__state=ProgressReport.State.VERIFIED,
                is_public=True,
                kind=Evidence.Kind.PHOTO,
            )
            .exclude(file_name="")
            .order_by("uploaded_at", "id")
            .values(
                "id",
                "report__action_plan__programme_id",
                "caption",
                "file_name",
                "original_name",
                "content_type",
            )
        )
        return cls(
            masterplan=PublishedMasterplan(
                title=masterplan.title,
                period=masterplan.period_label,
                legal_basis=masterplan.legal_basis,
                start_year=masterplan.start_year,
                end_year=masterplan.end_year,
            ),
            pillars=tuple(
                PublishedPillar(code=code, name=name, order=order)
                for code, name, order in Pillar.objects.filter(masterplan=masterplan)
                .order_by("order")
                .values_list("code", "name", "order")
            ),
            programmes=programmes,
            action_plans=plans,
            photos=photos,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FrozenPublished:
        """Read ``PeriodSnapshot.published`` (layout 2)."""
        return cls(
            masterplan=PublishedMasterplan(**data["masterplan"]),
            pillars=tuple(PublishedPillar(**p) for p in data["pillars"]),
            programmes=tuple(
                PublishedProgramme(**{k: p[k] for k in _PROGRAMME_KEYS}) for p in data["programmes"]
            ),
            action_plans=tuple(
                PublishedActionPlan(**{k: p[k] for k in _PLAN_KEYS}) for p in data["action_plans"]
            ),
            photos=tuple(PublishedPhoto(**{k: p[k] for k in _PHOTO_KEYS}) for p in data["photos"]),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "masterplan": asdict(self.masterplan),
            "pillars": [asdict(p) for p in self.pillars],
            "programmes": [asdict(p) for p in self.programmes],
            "action_plans": [asdict(p) for p in self.action_plans],
            "photos": [asdict(p) for p in self.photos],
        }

    def photo(self, pk: int) -> PublishedPhoto | None:
        return next((p for p in self.photos if p.id == pk), None)


@dataclass(frozen=True, kw_only=True)
class Frozen:
    """Everything a closed period froze. A later layout adds its parts here
    (``None`` when read from an older layout)."""

    layout: int
    rule_version: str
    taken_at: dt.datetime
    figures: FrozenFigures
    # Action plan code → status (an ActionPlanStatus value) at the close; a
    # plan created later is not in it.
    plan_statuses: Mapping[str, str]
    # What the public sees besides figures (layout 2); None for layout 1.
    published: FrozenPublished | None = None

    def status_of(self, code: str) -> str | None:
        return self.plan_statuses.get(code)

    @classmethod
    def freeze(
        cls,
        *,
        figures: MasterplanFigures,
        plan_statuses: Mapping[str, str],
        taken_at: dt.datetime,
        published: FrozenPublished,
    ) -> Frozen:
        """What the close stores, from the live figures, statuses and texts."""
        return cls(
            layout=LAYOUT,
            rule_version=figures.rule_version,
            taken_at=taken_at,
            figures=FrozenFigures.of(figures),
            plan_statuses=dict(plan_statuses),
            published=published,
        )

    @classmethod
    def of(cls, snapshot: PeriodSnapshot) -> Frozen:
        """Read a stored snapshot, whatever layout it was written in."""
        _layout_check(snapshot)
        return cls(
            layout=snapshot.layout,
            rule_version=snapshot.rule_version,
            taken_at=snapshot.taken_at,
            figures=FrozenFigures.from_json(snapshot.figures),
            plan_statuses=cls.plan_statuses_of(snapshot),
            published=(
                FrozenPublished.from_json(snapshot.published)
                if snapshot.layout >= PUBLISHED_SINCE and snapshot.published is not None
                else None
            ),
        )

    @staticmethod
    def figures_of(snapshot: PeriodSnapshot) -> FrozenFigures:
        """Only the figures of a stored snapshot (every layout has them): for
        readers of many periods (trends) that load ``figures`` alone."""
        _layout_check(snapshot)
        return FrozenFigures.from_json(snapshot.figures)

    @staticmethod
    def plan_statuses_of(snapshot: PeriodSnapshot) -> dict[str, str]:
        """Only the plan statuses of a stored snapshot (every layout has them):
        for the carry-over rule, which loads ``plan_statuses`` alone."""
        _layout_check(snapshot)
        return {str(k): str(v) for k, v in snapshot.plan_statuses.items()}

    def as_fields(self) -> dict[str, Any]:
        """The ``PeriodSnapshot`` fields that hold this (all but ``period``)."""
        return {
            "layout": self.layout,
            "rule_version": self.rule_version,
            "taken_at": self.taken_at,
            "figures": self.figures.as_json(),
            "plan_statuses": dict(self.plan_statuses),
            "published": None if self.published is None else self.published.as_json(),
        }


def _layout_check(snapshot: PeriodSnapshot) -> None:
    if not 1 <= snapshot.layout <= LAYOUT:
        raise ValueError(
            f"PeriodSnapshot {snapshot.pk} has layout {snapshot.layout}; "
            f"this version reads layouts 1 to {LAYOUT}."
        )
