"""Loading and clearing a region's kecamatan/kelurahan outlines (audited;
reading and checking the file is :mod:`kotacerdas.regions.boundaries`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.boundaries import Outline
from kotacerdas.regions.models import AreaBoundary, Region


def outlines_load(
    *, actor: Actor, region: Region, outlines: Iterable[Outline], source: str
) -> dict[int, int]:
    """Replace the region's outlines of each level present in ``outlines``
    (one transaction, one audit event); returns {level: count}."""
    rows = [
        AreaBoundary(
            region=region,
            code=o.code,
            level=o.level,
            name=o.name,
            geometry=o.geometry,
            source=source[:300],
        )
        for o in outlines
    ]
    levels = sorted({row.level for row in rows})
    with transaction.atomic():
        existing = AreaBoundary.objects.filter(region=region, level__in=levels)
        before = existing.count()
        existing.delete()
        AreaBoundary.objects.bulk_create(rows, batch_size=200)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.LOAD,
            instance=region,
            region_code=region.code,
            before={"boundaries": before},
            after={"boundaries": len(rows), "levels": levels, "source": source[:300]},
        )
    return {level: sum(1 for r in rows if r.level == level) for level in levels}


def outlines_clear(*, actor: Actor, region: Region) -> int:
    with transaction.atomic():
        existing = AreaBoundary.objects.filter(region=region)
        count = existing.count()
        existing.delete()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            instance=region,
            region_code=region.code,
            before={"boundaries": count},
            after={"boundaries": 0},
        )
    return count
