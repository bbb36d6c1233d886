"""What the registry shows on other apps' pages (core/extensions.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from kotacerdas.umkm import access
from kotacerdas.umkm.registry.models import RegistrySettings
from kotacerdas.umkm.statistics.selectors import registry_output


def programme_output(request: HttpRequest, *, programme: Any) -> str:
    """The UMKM registry as the output of the programme it reports to
    (DIGILOKA), with a link to its statistics for those who may see them."""
    registry = RegistrySettings.objects.filter(programme=programme).select_related("region").first()
    if registry is None:
        return ""
    return render_to_string(
        "umkm/_programme_output.html",
        {
            "output": registry_output(region=registry.region),
            "region": registry.region,
            "stats_visible": access.can(request.user, "view", registry.region),
        },
        request=request,
    )
