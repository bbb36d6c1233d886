"""The SIINas panel on the registry's statistics page (slot ``umkm.statistics``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from kotacerdas.umkm.national.selectors import TARGET_RULE, sentra_ikm, siinas_target_progress


def siinas_statistics(request: HttpRequest, *, region: Any) -> str:
    """This year's count toward the SIINas target and the number of sentra IKM."""
    return render_to_string(
        "umkm/national/_statistics_panel.html",
        {
            "region": region,
            "progress": siinas_target_progress(region=region, year=timezone.localdate().year),
            "sentra_count": len(sentra_ikm(region=region)),
            "target_rule": TARGET_RULE,
        },
        request=request,
    )
