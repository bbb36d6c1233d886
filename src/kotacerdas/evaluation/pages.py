"""What the evaluation's view modules (instruments and cycles, the region
side, the assessor side) share."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def attempt(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service call; its refusal becomes an error message on the next
    page instead of a traceback, its success a confirmation."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True
