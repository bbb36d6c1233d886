"""Permission matrix rows for the national pages (issue 16): the comparison,
its export and a province's page are for signed-in people, each seeing the
regions in their own scope (every persona here holds a role in the world's
region, Kota Dumai, province 14); the public national page is open to all.
GET only everywhere."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.permissions.matrix import PUBLIC_SAFE_ONLY, READ, SAFE_ONLY, Rows, none, row

PUBLIC_READ = row(200, 200, 200, 200, 200)
SIGNED_IN = {"GET": READ, "POST": SAFE_ONLY}


def _export(w: World) -> list[Any]:
    return ["csv"]


def _province(w: World) -> list[Any]:
    return [w.region.code.split(".", 1)[0]]


ROWS: Rows = {
    "national:public": (none, {}, {"GET": PUBLIC_READ, "POST": PUBLIC_SAFE_ONLY}),
    "national:compare": (none, {}, SIGNED_IN),
    "national:compare_export": (_export, {}, SIGNED_IN),
    "national:province": (_province, {}, SIGNED_IN),
}
