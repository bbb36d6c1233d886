"""A signed-in test client for the benchmarks, past the second factor: every
role that sees the registry needs one (issue 14, point 15), so a bare
``force_login`` only measures the redirect to enrolment. The tests' own
helper (tests/logins.py) is the one place that knows how a session is marked
verified."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests package


def verified_client(user: Any) -> Any:
    """A Django test client signed in as ``user`` with a confirmed TOTP
    device, the session marked verified as the second-factor step does."""
    from django.test import Client
    from tests.logins import login_verified

    return login_verified(Client(), user)
