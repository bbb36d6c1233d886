"""What the national app shows on other apps' pages (core/extensions.py),
kept apart from the views so that starting a process (``ready()``) does not
import the views and their spreadsheet writer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


def picker_panel(request: HttpRequest, **values: Any) -> str:
    """On the region picker: the way to the comparison, for a person it is
    offered to (selectors.shows_comparison)."""
    from kotacerdas.national.selectors import shows_comparison

    if not request.user.is_authenticated or not shows_comparison(request.user):
        return ""
    return render_to_string("national/_picker_panel.html", request=request)
