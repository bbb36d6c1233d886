"""How every page runs a service: a refusal (``ValidationError``) becomes a
message in the user's words on the next page, never a traceback; success a
confirmation. Form pages put a refusal on the form instead
(``core.forms.apply_errors``). One shape for every app, so a refusal reads
the same everywhere."""

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
        refused(request, error)
        return False
    messages.success(request, success)
    return True


def refused(request: HttpRequest, error: ValidationError) -> None:
    """Show a service's refusal, every message of it."""
    messages.error(request, " ".join(error.messages))
