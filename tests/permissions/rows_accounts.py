"""Permission matrix rows for sign-in's own pages (kotacerdas.accounts): the
OTP step, MFA enrolment and recovery codes, password change and reset.

Every persona with a role must use MFA (the registry officer too, since
issue 14) and has a verified second factor (tests/logins.py): the OTP step
sends them on, the MFA page shows its status and recovery codes can be
renewed."""

from __future__ import annotations

from typing import Any

from kotacerdas.core.models import Membership, Role
from tests.conftest import World
from tests.factories import make_user
from tests.permissions.matrix import (
    ADMIN_ONLY,
    LOGIN,
    PUBLIC_SAFE_ONLY,
    SAFE_ONLY,
    Rows,
    also,
    none,
    region,
    row,
)

SIGNED_IN = row(LOGIN, 200, 200, 200, 200)
ONWARD = row(302, 302, 302, 302, 302)
OPEN = row(200, 200, 200, 200, 200)


def reset_link(w: World) -> list[Any]:
    return ["MQ", "bukan-token"]  # a link that is not valid: the page says so


def staff_role(w: World) -> list[Any]:
    """A registry officer's role in the world's region, for the admin to end."""
    user = make_user("petugas-lepas")
    membership = Membership.objects.create(user=user, region=w.region, role=Role.REGISTRY_OFFICER)
    return [w.region.code, membership.pk]


# The form posted empty: the admin gets the form back with what is missing.
ADMIN_FORM = row(LOGIN, 400, 403, 403, 403)
# Only the deployment admin (and a superuser) manages the deployment.
NOBODY = row(LOGIN, 403, 403, 403, 403)

ROWS: Rows = {
    "accounts:region_users": (region, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_FORM}),
    "accounts:region_user_remove": (
        staff_role,
        {},
        {"GET": SAFE_ONLY, "POST": row(LOGIN, 302, 403, 403, 403)},
    ),
    "accounts:region_agencies": (region, {}, {"GET": ADMIN_ONLY, "POST": ADMIN_FORM}),
    # Region roles do not manage the deployment (the deployment admin's page).
    "accounts:deployment_regions": (
        none,
        {},
        {"GET": also(NOBODY, deployment=200), "POST": also(NOBODY, deployment=400)},
    ),
    "accounts:otp": (none, {"token": "bukan-kode"}, {"GET": ONWARD, "POST": ONWARD}),
    "accounts:mfa": (
        none,
        {"token": "bukan-kode"},
        # The province and ministry analysts need no second factor and have
        # none: a wrong code shows the enrolment form again.
        {"GET": SIGNED_IN, "POST": row(LOGIN, 302, 302, 302, 302, province=200, ministry=200)},
    ),
    "accounts:recovery_codes": (
        none,
        {},
        # Without an authenticator there are no recovery codes: back to enrolment.
        {
            "GET": PUBLIC_SAFE_ONLY,
            "POST": row(LOGIN, 200, 200, 200, 200, province=302, ministry=302),
        },
    ),
    "accounts:password_change": (none, {}, {"GET": SIGNED_IN, "POST": SIGNED_IN}),
    "accounts:password_reset": (none, {}, {"GET": OPEN, "POST": OPEN}),
    "accounts:password_reset_done": (none, {}, {"GET": OPEN, "POST": PUBLIC_SAFE_ONLY}),
    "accounts:password_reset_confirm": (reset_link, {}, {"GET": OPEN, "POST": OPEN}),
    "accounts:password_reset_complete": (none, {}, {"GET": OPEN, "POST": PUBLIC_SAFE_ONLY}),
}
