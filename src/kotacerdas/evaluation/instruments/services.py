"""Writes of the instruments: versions, weights, items, activation and the
spreadsheet import. Each runs in one transaction with its audit event; the
actor is always passed in.

Only a draft instrument is changed in place. An active or retired version may
be used by a cycle, so it is frozen: ``instrument_new_version`` copies it into
a new draft, which is edited and then activated (retiring the previous
active version of that kind and year, which its cycles keep using).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, audit_record, snapshot
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import full_clean, model_create, model_delete, model_update
from kotacerdas.evaluation.instruments.defaults import SEEDS
from kotacerdas.evaluation.instruments.models import (
    DIMENSION_CODES_BY_KIND,
    Dimension,
    Instrument,
    Item,
)
from kotacerdas.evaluation.instruments.selectors import number_id

INSTRUMENT_FIELDS = (
    "kind",
    "year",
    "version",
    "name",
    "state",
    "scale_min",
    "scale_max",
    "scale_places",
    "aggregation",
    "based_on",
)
DIMENSION_FIELDS = ("instrument", "code", "name", "weight", "order")
ITEM_FIELDS = (
    "instrument",
    "dimension",
    "pillar",
    "code",
    "question",
    "evidence",
    "weight",
    "order",
)


def _require_draft(instrument: Instrument) -> None:
    if not instrument.is_draft:
        raise ValidationError(
            _(
                "%(instrument)s sudah %(state)s sehingga tidak diubah langsung: buat versi "
                "baru, ubah versi itu, lalu aktifkan."
            )
            % {"instrument": instrument, "state": instrument.get_state_display().lower()},
            code="frozen",
        )


def _next_version(kind: str, year: int) -> int:
    latest = Instrument.objects.filter(kind=kind, year=year).aggregate(n=Max("version"))["n"]
    return (latest or 0) + 1


def _orders_within_dimension(dimension_codes: Iterable[str]) -> list[int]:
    """1, 2, 3... restarting for each dimension, in the given order."""
    seen: dict[str, int] = {}
    orders = []
    for code in dimension_codes:
        seen[code] = seen.get(code, 0) + 1
        orders.append(seen[code])
    return orders


def _audit_bulk(
    *, actor: Actor, instrument: Instrument, note: dict[str, Any] | None = None
) -> None:
    """One audit event for a whole version (its dimensions and items were
    written with it), instead of one per row."""
    dimensions = list(instrument.dimensions.order_by("order"))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=instrument,
        after={
            **snapshot(instrument, INSTRUMENT_FIELDS),
            "weights": {d.code: format(d.weight.normalize(), "f") for d in dimensions},
            "items": instrument.items.count(),
            **(note or {}),
        },
    )


def instrument_create(
    *, actor: Actor, kind: str, year: int, name: str = "", with_items: bool = True
) -> Instrument:
    """A new draft with the default dimensions and weights of its kind and,
    unless ``with_items`` is False, the illustrative default items
    (instruments/defaults.py)."""
    seed = SEEDS[kind]
    with transaction.atomic():
        instrument = Instrument(
            kind=kind, year=year, version=_next_version(kind, year), name=name or seed.name
        )
        full_clean(instrument)
        instrument.save()
        dimensions = {}
        for order, (code, dim_name, weight) in enumerate(seed.dimensions, start=1):
            dimensions[code] = Dimension.objects.create(
                instrument=instrument, code=code, name=dim_name, weight=weight, order=order
            )
        if with_items:
            orders = _orders_within_dimension(item.dimension for item in seed.items)
            Item.objects.bulk_create(
                Item(
                    instrument=instrument,
                    dimension=dimensions[item.dimension],
                    pillar=item.pillar,
                    code=item.code,
                    question=item.question,
                    evidence=item.evidence,
                    order=order,
                )
                for order, item in zip(orders, seed.items, strict=True)
            )
        _audit_bulk(actor=actor, instrument=instrument)
    return instrument


def instrument_new_version(*, actor: Actor, instrument: Instrument) -> Instrument:
    """A draft copy of ``instrument`` (its scale, dimensions and items) as
    the next version of its kind and year. The original is left as it is."""
    with transaction.atomic():
        copy = Instrument(
            kind=instrument.kind,
            year=instrument.year,
            version=_next_version(instrument.kind, instrument.year),
            name=instrument.name,
            scale_min=instrument.scale_min,
            scale_max=instrument.scale_max,
            scale_places=instrument.scale_places,
            aggregation=instrument.aggregation,
            based_on=instrument,
        )
        full_clean(copy)
        copy.save()
        mapping: dict[int, Dimension] = {}
        for dimension in instrument.dimensions.all():
            mapping[dimension.pk] = Dimension.objects.create(
                instrument=copy,
                code=dimension.code,
                name=dimension.name,
                weight=dimension.weight,
                order=dimension.order,
            )
        Item.objects.bulk_create(
            Item(
                instrument=copy,
                dimension=mapping[item.dimension_id],
                pillar=item.pillar,
                code=item.code,
                question=item.question,
                evidence=item.evidence,
                weight=item.weight,
                order=item.order,
            )
            for item in instrument.items.all()
        )
        _audit_bulk(actor=actor, instrument=copy)
    return copy


def instrument_update(*, actor: Actor, instrument: Instrument, **data: Any) -> Instrument:
    """Name, scale and aggregation rule of a draft."""
    _require_draft(instrument)
    allowed = {"name", "scale_min", "scale_max", "scale_places", "aggregation"}
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"instrument_update does not change {sorted(unknown)}")
    model_update(actor=actor, instance=instrument, data=data, audit_fields=INSTRUMENT_FIELDS)
    return instrument


def weights_problems(kind: str, weights: Mapping[str, Decimal]) -> list[str]:
    """Why these weights cannot be an instrument's (empty when they can):
    every dimension of the kind exactly once, each 0–100, summing to 100."""
    codes = DIMENSION_CODES_BY_KIND[kind]
    problems = []
    unknown = [code for code in weights if code not in codes]
    missing = [code for code in codes if code not in weights]
    if unknown:
        problems.append(
            _("Dimensi tidak dikenal: %(codes)s (yang dikenal: %(known)s).")
            % {"codes": ", ".join(unknown), "known": ", ".join(codes)}
        )
    if missing:
        problems.append(_("Bobot dimensi belum diisi: %(codes)s.") % {"codes": ", ".join(missing)})
    for code, weight in weights.items():
        if not Decimal(0) <= weight <= Decimal(100):
            problems.append(
                _("Bobot %(code)s harus antara 0 dan 100%%, bukan %(value)s%%.")
                % {"code": code, "value": number_id(weight)}
            )
    total = sum(weights.values(), Decimal(0))
    if not problems and total != 100:
        problems.append(
            _("Jumlah bobot dimensi harus tepat 100%%, bukan %(total)s%%.")
            % {"total": number_id(total)}
        )
    return problems


def instrument_set_weights(
    *, actor: Actor, instrument: Instrument, weights: Mapping[str, Decimal]
) -> Instrument:
    """Set every dimension's weight at once; they must sum to exactly 100."""
    _require_draft(instrument)
    problems = weights_problems(instrument.kind, weights)
    if problems:
        raise ValidationError(problems, code="weights")
    with transaction.atomic():
        for dimension in instrument.dimensions.all():
            model_update(
                actor=actor,
                instance=dimension,
                data={"weight": weights[dimension.code]},
                audit_fields=DIMENSION_FIELDS,
            )
    return instrument


def _next_item_order(dimension: Dimension) -> int:
    latest = dimension.items.aggregate(n=Max("order"))["n"]
    return (latest or 0) + 1


def item_create(*, actor: Actor, instrument: Instrument, **data: Any) -> Item:
    _require_draft(instrument)
    data = dict(data)
    if not data.get("order"):
        data["order"] = _next_item_order(data["dimension"])
    return model_create(
        actor=actor,
        instance=Item(instrument=instrument),
        data=data,
        audit_fields=ITEM_FIELDS,
    )


def item_update(*, actor: Actor, item: Item, **data: Any) -> Item:
    _require_draft(item.instrument)
    model_update(actor=actor, instance=item, data=data, audit_fields=ITEM_FIELDS)
    return item


def item_delete(*, actor: Actor, item: Item) -> None:
    _require_draft(item.instrument)
    model_delete(actor=actor, instance=item, audit_fields=ITEM_FIELDS)


def instrument_problems(instrument: Instrument) -> list[str]:
    """What keeps a version from being activated (empty when nothing)."""
    dimensions = list(instrument.dimensions.annotate(n=Count("items")).order_by("order"))
    problems = weights_problems(instrument.kind, {d.code: d.weight for d in dimensions})
    empty = [d.name for d in dimensions if d.n == 0]
    if empty:
        problems.append(
            _("Dimensi tanpa butir tidak dapat dinilai: %(names)s.") % {"names": ", ".join(empty)}
        )
    return problems


def instrument_activate(*, actor: Actor, instrument: Instrument) -> Instrument:
    """Make a checked draft the active version of its kind and year; the
    version active until now is retired (its cycles keep it)."""
    _require_draft(instrument)
    problems = instrument_problems(instrument)
    if problems:
        raise ValidationError(problems, code="not_ready")
    with transaction.atomic():
        current = (
            Instrument.objects.select_for_update()
            .filter(kind=instrument.kind, year=instrument.year, state=Instrument.State.ACTIVE)
            .first()
        )
        if current is not None:
            model_update(
                actor=actor,
                instance=current,
                data={"state": Instrument.State.RETIRED},
                audit_fields=INSTRUMENT_FIELDS,
            )
        model_update(
            actor=actor,
            instance=instrument,
            data={"state": Instrument.State.ACTIVE},
            audit_fields=INSTRUMENT_FIELDS,
        )
    return instrument


def instrument_import(
    *,
    actor: Actor,
    kind: str,
    year: int,
    name: str,
    scale: Mapping[str, Any],
    dimensions: Iterable[tuple[str, str, Decimal]],
    items: Iterable[Mapping[str, Any]],
    based_on: Instrument | None = None,
) -> Instrument:
    """A new draft version from checked spreadsheet content (instrument_xlsx
    validates every row first). ``items`` name their dimension by code."""
    with transaction.atomic():
        instrument = Instrument(
            kind=kind,
            year=year,
            version=_next_version(kind, year),
            name=name,
            based_on=based_on,
            **scale,
        )
        full_clean(instrument)
        instrument.save()
        by_code = {}
        for order, (code, dim_name, weight) in enumerate(dimensions, start=1):
            by_code[code] = Dimension.objects.create(
                instrument=instrument, code=code, name=dim_name, weight=weight, order=order
            )
        items = list(items)
        orders = _orders_within_dimension(item["dimension"] for item in items)
        Item.objects.bulk_create(
            Item(
                instrument=instrument,
                dimension=by_code[item["dimension"]],
                pillar=item["pillar"],
                code=item["code"],
                question=item["question"],
                evidence=item["evidence"],
                weight=item["weight"],
                order=order,
            )
            for order, item in zip(orders, items, strict=True)
        )
        _audit_bulk(actor=actor, instrument=instrument, note={"source": "xlsx"})
    return instrument
