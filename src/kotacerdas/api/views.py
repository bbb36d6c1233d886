"""Pages around the API: the interactive docs and the user's own tokens."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger, _csrf_needed

from kotacerdas.api import services
from kotacerdas.api.forms import TokenForm
from kotacerdas.api.main import api
from kotacerdas.api.models import ApiToken
from kotacerdas.core.formatting import date_id
from kotacerdas.core.forms import apply_errors
from kotacerdas.core.pages import Confirmation, Consequence, confirm_page, confirmed


class _LocalSwagger(Swagger):
    """Swagger UI from django-ninja's bundled static files (no CDN; the
    configuration is a JSON data block read by ninja's swagger-ui-init.js,
    so the site's CSP needs no inline script)."""

    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # ninja picks its CDN template unless "ninja" is an installed app; it
        # is not (settings: its static folder only, so commands start without
        # importing pydantic). Our template, always.
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


DOCS = _LocalSwagger(settings={"persistAuthorization": False})


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    return DOCS.render_page(request, api)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens; creating one shows its secret once, on this response."""
    user = cast(Any, request.user)  # login_required: a signed-in user
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["validity"]
        expires_at = timezone.now() + dt.timedelta(days=int(days)) if days else None
        try:
            created = services.token_create(
                actor=user,
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=expires_at,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(user_id=user.pk)
    return render(
        request,
        "api/token_list.html",
        {"form": form, "created": created, "tokens": tokens, "now": timezone.now()},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The revoke confirmation: which token, when it was last used, and that
    every system using it is refused at once and for good. Only the page's
    own POST revokes."""
    token = get_object_or_404(ApiToken, pk=pk, user_id=cast(Any, request.user).pk)
    if token.revoked_at is not None:
        messages.info(request, _("Token %(name)s sudah dicabut.") % {"name": token.name})
        return redirect("apiweb:token_list")
    if confirmed(request):
        services.token_revoke(actor=request.user, token=token)
        messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
        return redirect("apiweb:token_list")
    return confirm_page(
        request,
        Confirmation(
            title=_("Cabut token %(name)s?") % {"name": token.name},
            eyebrow=_("Token API"),
            action_url=reverse("apiweb:token_revoke", args=[token.pk]),
            cancel_url=reverse("apiweb:token_list"),
            button=_("Cabut token"),
            consequences=(
                Consequence(_("Token"), f"{token.name} (kc_{token.prefix}_…)", "token-name"),
                Consequence(_("Cakupan"), token.get_scope_display()),
                Consequence(
                    _("Terakhir dipakai"),
                    date_id(timezone.localtime(token.last_used_at).date())
                    if token.last_used_at
                    else _("belum pernah"),
                    "token-last-used",
                ),
            ),
            irreversible=(
                _(
                    "Setiap sistem yang memakai token ini langsung ditolak (401) sejak "
                    "token dicabut."
                ),
                _(
                    "Token yang dicabut tidak dapat diaktifkan lagi; buat token baru dan "
                    "pasang di sistem tersebut bila masih diperlukan."
                ),
            ),
        ),
    )
