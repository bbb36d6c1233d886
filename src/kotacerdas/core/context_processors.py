from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kotacerdas import __version__
from kotacerdas.core.access import role_scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The version in the footer, and the viewer's role scope as the key of
    the cached navigation (base.html): a callable, so that a page which does
    not show the navigation never reads the user's roles."""
    return {"app_version": __version__, "nav_scope": lambda: role_scope(request.user)}
