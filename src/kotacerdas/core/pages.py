"""How every page runs a service: a refusal (``ValidationError``) becomes a
message in the user's words on the next page, never a traceback; success a
confirmation. Form pages put a refusal on the form instead
(``core.forms.apply_errors``). One shape for every app, so a refusal reads
the same everywhere.

An irreversible or wide act (closing a period, publishing a result, merging
or anonymising registry records, revoking a token, resetting MFA) goes
through one confirmation page (``confirm_page``): GET shows what will happen,
with counts, and what cannot be undone; only a POST carrying
``CONFIRM_FIELD`` does it (``confirmed``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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


# --- Confirmation with consequences ------------------------------------------------------

# The field a confirmation page posts. A POST without it never performs the
# act: it shows the confirmation page again, so an old one-click form, a
# replayed request or a script cannot do an irreversible or wide act blind.
CONFIRM_FIELD = "konfirmasi"


@dataclass(frozen=True)
class Consequence:
    """One line of what an act will do: a label and, where it helps, a count
    (``testid`` names it for the browser tests)."""

    label: str
    count: int | str | None = None
    testid: str = ""


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page says: what will happen (with counts), what
    cannot be undone, and the one button that does it. ``form`` holds the
    fields the act needs (a reason); ``hidden`` extra values to post back
    (an admin action's selection)."""

    title: str
    action_url: str
    cancel_url: str
    button: str
    consequences: Sequence[Consequence] = ()
    irreversible: Sequence[str] = ()
    eyebrow: str = ""
    intro: str = ""
    warning: str = ""
    form: forms.Form | None = None
    hidden: Sequence[tuple[str, str]] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


def confirmed(request: HttpRequest) -> bool:
    """Whether the request is the confirmation page's own POST."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def confirm_page(
    request: HttpRequest, confirmation: Confirmation, *, status: int = 200
) -> HttpResponse:
    """Render the one confirmation template (``core/confirm.html``)."""
    return render(
        request,
        "core/confirm.html",
        {"confirmation": confirmation, "confirm_field": CONFIRM_FIELD, **confirmation.extra},
        status=status,
    )


# Set by pages kept on a device for offline use (the offline registration
# form): who they were kept for, as an opaque key the page's script reads, so
# that a kept page of another user, or of one who signed out, opens nothing
# of theirs. Removed at sign-out (accounts' LogoutView).
DEVICE_USER_COOKIE = "kc_device_user"
