"""Operators reset a user's second factor (a lost phone) from the user list
of the Django admin; the reset is audited and ends the user's sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import services

User = get_user_model()


@admin.action(description=gettext_lazy("Atur ulang verifikasi dua langkah (MFA)"))
def mfa_reset_action(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    if not request.user.is_superuser:
        messages.error(request, _("Hanya superuser yang boleh mengatur ulang MFA."))
        return
    for user in queryset:
        services.mfa_reset(actor=request.user, user=user)
    count = queryset.count()
    messages.success(
        request,
        ngettext(
            "MFA %(count)d pengguna diatur ulang; mereka mendaftar lagi saat masuk berikutnya.",
            "MFA %(count)d pengguna diatur ulang; mereka mendaftar lagi saat masuk berikutnya.",
            count,
        )
        % {"count": count},
    )


admin.site.unregister(User)


@admin.register(User)
class AccountsUserAdmin(UserAdmin):
    actions = [mfa_reset_action]
