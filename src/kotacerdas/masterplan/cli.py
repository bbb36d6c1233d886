"""Lookups shared by the masterplan's management commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from kotacerdas.masterplan.models import Masterplan
from kotacerdas.masterplan.selectors import current_masterplan
from kotacerdas.regions.models import Region


def region_masterplan(code: str) -> Masterplan:
    """The masterplan in force for a region code, or a CommandError that says
    why not (Indonesian first)."""
    code = code.strip()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise CommandError(
            f"Wilayah {code} belum terdaftar di KotaCerdas. / Region {code} is not set up."
        )
    masterplan = current_masterplan(region=region)
    if masterplan is None:
        raise CommandError(
            f"{region.name} belum memiliki masterplan. / {region.name} has no masterplan."
        )
    return masterplan
