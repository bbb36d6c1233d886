"""Permission matrix rows for the national pages (issue 16): the comparison,
its export and a province's page are for signed-in people, each seeing the
regions in their own scope; the public national page is open to all.
GET only everywhere."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.permissions.matrix import PUBLIC_SAFE_ONLY, READ, SAFE_ONLY, Rows, also, none, row

PUBLIC_READ = row(200, 200, 200, 200, 200)
# The comparison and its export are for every signed-in person, each seeing
# the kab/kota of their own scope (core.access.regions_in_comparison_scope):
# the second region's admin its own, the province analyst Riau's, the
# ministry all, the deployment admin none (an empty table, no region's data).
EVERY_SCOPE = {
    "GET": also(READ, admin_2=200, province=200, deployment=200, ministry=200),
    "POST": SAFE_ONLY,
}
# A province's page: 404 to whoever has none of its kab/kota in scope (the
# deployment admin); Pekanbaru (14.71) is in Riau like Dumai.
IN_PROVINCE = {"GET": also(READ, admin_2=200, province=200, ministry=200), "POST": SAFE_ONLY}


def _export(w: World) -> list[Any]:
    return ["csv"]


def _province(w: World) -> list[Any]:
    return [w.region.code.split(".", 1)[0]]


ROWS: Rows = {
    "national:public": (none, {}, {"GET": PUBLIC_READ, "POST": PUBLIC_SAFE_ONLY}),
    "national:compare": (none, {}, EVERY_SCOPE),
    "national:compare_export": (_export, {}, EVERY_SCOPE),
    "national:province": (_province, {}, IN_PROVINCE),
}
