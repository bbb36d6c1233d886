"""Permission matrix rows for the REST API (/api/v1/, namespace ``api``) and
its pages (docs, tokens; namespace ``apiweb``).

The personas here are session clients (the matrix's), so these rows check
the session path of the API; token callers go through the same access
functions (tests/api/). Anonymous callers get 401, not a login redirect;
public reads are open to everyone. Write rows send valid form-encoded data
(the API reads form bodies like JSON), so a permitted persona gets the real
answer and a refused one its 403/404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from kotacerdas.api.services import token_create
from kotacerdas.core.pages import CONFIRM_FIELD
from tests.conftest import World
from tests.monitoring_fixtures import period, report
from tests.permissions.matrix import LOGIN, Rows, none, region, row
from tests.permissions.rows_umkm_oss import job as oss_job
from tests.permissions.rows_umkm_registry import business

ANYONE = row(200, 200, 200, 200, 200, officer=200)
NOT_ALLOWED = row(405, 405, 405, 405, 405, officer=405)
SIGNED_IN = row(401, 200, 200, 200, 200, officer=200)
REGISTRY = row(401, 200, 403, 403, 403, officer=200)
REGISTRY_ADD = row(401, 201, 403, 403, 403, officer=201)
# Reports of plan_a (agency A): editor_b may not even see them.
REPORT_VIEW = row(401, 200, 200, 404, 200, officer=200)
REPORT_WRITE = row(401, 200, 200, 404, 403, officer=403)
REPORT_VERIFY = row(401, 200, 403, 404, 403, officer=403)
PUBLIC_GET = {"GET": ANYONE, "POST": NOT_ALLOWED}


def draft(w: World) -> list[Any]:
    return [report(w).pk]


def submitted(w: World) -> list[Any]:
    return [report(w, state="submitted").pk]


def admin_token(w: World) -> list[Any]:
    alice = get_user_model().objects.get(username="alice")
    return [token_create(actor=alice, user=alice, name="matriks", scope="read").token.pk]


ROWS: Rows = {
    # Public reads (published snapshot only).
    "api:regions": (none, {}, PUBLIC_GET),
    "api:region": (region, {}, PUBLIC_GET),
    "api:pillars": (region, {}, PUBLIC_GET),
    "api:programmes": (region, {}, PUBLIC_GET),
    "api:action_plans": (region, {}, PUBLIC_GET),
    "api:figures": (region, {}, PUBLIC_GET),
    "api:quick_wins": (region, {}, PUBLIC_GET),
    "api:umkm_statistics": (region, {}, PUBLIC_GET),
    "api:openapi-json": (none, {}, PUBLIC_GET),
    # ninja's mount point: no page of its own.
    "api:api-root": (none, {}, {"GET": row(404, 404, 404, 404, 404, officer=404)}),
    # Signed in.
    "api:me": (none, {}, {"GET": SIGNED_IN, "POST": NOT_ALLOWED}),
    "api:periods": (none, {}, {"GET": SIGNED_IN, "POST": NOT_ALLOWED}),
    "api:reports": (none, {}, {"GET": SIGNED_IN, "POST": NOT_ALLOWED}),
    "api:report": (draft, {}, {"GET": REPORT_VIEW, "POST": NOT_ALLOWED}),
    "api:report_save": (
        lambda w: [period(w).pk, w.plan_a.pk],
        {"status": "berjalan", "physical_progress": "40"},
        {"GET": NOT_ALLOWED, "POST": REPORT_WRITE},
    ),
    # Without a file: the refusal names the field, after the access check.
    "api:evidence_upload": (
        draft,
        {"caption": "Foto"},
        {"GET": NOT_ALLOWED, "POST": row(401, 422, 422, 404, 403, officer=403)},
    ),
    "api:report_submit": (draft, {}, {"GET": NOT_ALLOWED, "POST": REPORT_WRITE}),
    "api:report_verify": (submitted, {}, {"GET": NOT_ALLOWED, "POST": REPORT_VERIFY}),
    "api:report_return": (
        submitted,
        {"reason": "Kurang bukti"},
        {"GET": NOT_ALLOWED, "POST": REPORT_VERIFY},
    ),
    # Registry: officers and the smart city team; masked.
    "api:businesses": (region, {}, {"GET": REGISTRY}),
    "api:business_create": (
        region,
        {"name": "Warung Uji Matriks", "kelurahan_code": "14.72.01.1003"},
        {"POST": REGISTRY_ADD},
    ),
    "api:business": (business, {}, {"GET": REGISTRY, "POST": NOT_ALLOWED}),
    # National systems (issue 20): read only, the registry's readers.
    "api:siinas": (region, {}, {"GET": REGISTRY, "POST": NOT_ALLOWED}),
    "api:oss_imports": (region, {}, {"GET": REGISTRY, "POST": NOT_ALLOWED}),
    "api:oss_rows": (oss_job, {}, {"GET": REGISTRY, "POST": NOT_ALLOWED}),
    # Pages.
    "apiweb:docs": (none, {}, PUBLIC_GET),
    "apiweb:token_list": (
        none,
        {"name": "Token matriks", "scope": "read", "validity": "30"},
        {"GET": row(LOGIN, 200, 200, 200, 200), "POST": row(LOGIN, 200, 200, 200, 200)},
    ),
    # Only the owner (alice, the admin) may revoke her token; others: 404.
    # GET is the revoke confirmation; only its own POST revokes.
    "apiweb:token_revoke": (
        admin_token,
        {CONFIRM_FIELD: "1"},
        {"GET": row(LOGIN, 200, 404, 404, 404), "POST": row(LOGIN, 302, 404, 404, 404)},
    ),
}
