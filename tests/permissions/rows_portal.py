"""Permission matrix rows for the public portal: every page and download is
open to everyone (GET only). Routes that need published data get it from
their argument builders: the explanation closes a period first, the photo
route adds a public photo to a verified report and closes its period."""

from __future__ import annotations

from typing import Any

from kotacerdas.monitoring.models import Evidence
from tests.conftest import World
from tests.monitoring_fixtures import period, report
from tests.permissions.matrix import PUBLIC_SAFE_ONLY, Rows, region, row
from tests.portal.helpers import add_photo

PUBLIC_READ = row(200, 200, 200, 200, 200)
SAFE = {"GET": PUBLIC_READ, "POST": PUBLIC_SAFE_ONLY}


def _pillar(w: World) -> list[Any]:
    return [w.region.code, "governance"]


def _programme(w: World) -> list[Any]:
    return [w.region.code, w.programme.pk]


def _explain(w: World) -> list[Any]:
    period(w, "closed")
    return [w.region.code, "action_plans", "overall"]


def _photo(w: World) -> list[Any]:
    # A photo is public once a close has chosen it (verified, marked public).
    chosen = Evidence.objects.filter(
        is_public=True, report__state="verified", report__period__state="closed"
    ).first()
    if chosen is None:
        chosen = add_photo(w, public=True)
        report(w, "verified")
        period(w, "closed")
    return [w.region.code, chosen.pk]


def _download(w: World) -> list[Any]:
    return [w.region.code, "rencana-aksi", "csv"]


def _metadata(w: World) -> list[Any]:
    return [w.region.code, "rencana-aksi"]


ROWS: Rows = {
    "portal:home": (region, {}, SAFE),
    "portal:pillar": (_pillar, {}, SAFE),
    "portal:programme": (_programme, {}, SAFE),
    "portal:explain": (_explain, {}, SAFE),
    "portal:search": (region, {}, SAFE),
    "portal:trend": (region, {}, SAFE),
    "portal:widget": (region, {}, SAFE),
    "portal:photo": (_photo, {}, SAFE),
    "portal:catalogue": (region, {}, SAFE),
    "portal:dataset_metadata": (_metadata, {}, SAFE),
    "portal:download": (_download, {}, SAFE),
}
