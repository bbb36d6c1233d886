"""The SIINas panel on the registry's statistics page (slot ``umkm.statistics``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from kotacerdas.umkm.national.selectors import TARGET_RULE, siinas_panel_figures


def siinas_statistics(request: HttpRequest, *, region: Any) -> str:
    """This year's count toward the SIINas target and the number of sentra IKM."""
    figures = siinas_panel_figures(region=region, year=timezone.localdate().year)
    return render_to_string(
        "umkm/national/_statistics_panel.html",
        {
            "region": region,
            "progress": figures.progress,
            "sentra_count": figures.sentra_count,
            "target_rule": TARGET_RULE,
        },
        request=request,
    )
