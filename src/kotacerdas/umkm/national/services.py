"""Writes for the national systems: the region's yearly SIINas target (the
region admin enters it; every change audited)."""

from __future__ import annotations

from kotacerdas.core.audit import Actor
from kotacerdas.core.services import model_create, model_update
from kotacerdas.regions.models import Region
from kotacerdas.umkm.national.models import SiinasTarget

TARGET_AUDIT_FIELDS = ("region", "year", "target")


def siinas_target_set(*, actor: Actor, region: Region, year: int, target: int) -> SiinasTarget:
    """Enter or change ``region``'s SIINas target of ``year``: one row per
    region and year, created the first time and changed after, audited."""
    existing = SiinasTarget.objects.filter(region=region, year=year).first()
    if existing is None:
        return model_create(
            actor=actor,
            instance=SiinasTarget(region=region),
            data={"year": year, "target": target},
            audit_fields=TARGET_AUDIT_FIELDS,
            region_code=region.code,
        )
    updated, _changed = model_update(
        actor=actor,
        instance=existing,
        data={"target": target},
        audit_fields=TARGET_AUDIT_FIELDS,
        region_code=region.code,
    )
    return updated
