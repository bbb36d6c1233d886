from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kotacerdas import __version__


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"app_version": __version__}
