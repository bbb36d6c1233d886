"""Evaluation objects built through the services, as the product builds them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kotacerdas.evaluation.cycles import services as cycles
from kotacerdas.evaluation.instruments import selectors as instrument_selectors
from kotacerdas.evaluation.instruments import services as instruments
from kotacerdas.evaluation.models import EvaluationCycle, Instrument
from kotacerdas.regions.models import Region


def active_instrument(year: int = 2025, kind: str = "evaluation") -> Instrument:
    """The active instrument of ``year``, created with the defaults when missing."""
    existing = instrument_selectors.active_instrument(kind=kind, year=year)
    if existing is not None:
        return existing
    instrument = instruments.instrument_create(actor=None, kind=kind, year=year)
    return instruments.instrument_activate(actor=None, instrument=instrument)


def make_cycle(
    region: Region, *, year: int = 2025, stage: str = "tahap_1", **data: object
) -> EvaluationCycle:
    active_instrument(year)
    cycle = EvaluationCycle.objects.filter(region=region, year=year, stage=stage).first()
    if cycle is not None:
        return cycle
    return cycles.cycle_create(
        actor=None,
        region=region,
        year=year,
        stage=stage,
        self_assessment_due=dt.date(year, 5, 31),
        interview_date=dt.date(year, 6, 10),
        evidence_deadline=dt.date(year, 6, 11),
        **data,  # type: ignore[arg-type]
    )


def scores_by_code(instrument: Instrument, by_code: dict[str, str]) -> dict[int, Decimal]:
    """``{"BL-1": "3.80"}`` → ``{item id: Decimal("3.80")}``."""
    ids = dict(instrument.items.values_list("code", "pk"))
    return {ids[code]: Decimal(value) for code, value in by_code.items()}
