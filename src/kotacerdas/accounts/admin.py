"""Operators reset a user's second factor (a lost phone) from the user list
of the Django admin, after a confirmation naming the users and what is
removed; the reset is audited and ends the user's sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kotacerdas.core.pages import Confirmation, Consequence, confirm_page, confirmed

from . import services
from .models import Profile
from .selectors import mfa_reset_preview

User = get_user_model()


@admin.action(description=gettext_lazy("Atur ulang verifikasi dua langkah (MFA)"))
def mfa_reset_action(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    """First a confirmation naming every selected user with what the reset
    removes; only the confirmation's own POST resets."""
    if not request.user.is_superuser:
        messages.error(request, _("Hanya superuser yang boleh mengatur ulang MFA."))
        return None
    if not confirmed(request):
        preview = mfa_reset_preview(queryset.order_by("username"))
        return confirm_page(
            request,
            Confirmation(
                title=ngettext(
                    "Atur ulang MFA %(count)d pengguna?",
                    "Atur ulang MFA %(count)d pengguna?",
                    len(preview),
                )
                % {"count": len(preview)},
                eyebrow=_("Administrasi"),
                action_url=request.get_full_path(),
                cancel_url=request.get_full_path(),
                button=_("Atur ulang MFA"),
                consequences=tuple(
                    Consequence(
                        p.user.get_full_name() or p.user.get_username(),
                        _(
                            "%(auth)s aplikasi autentikator, %(codes)s set kode pemulihan, "
                            "%(sessions)s sesi"
                        )
                        % {
                            "auth": p.authenticators,
                            "codes": p.recovery_sets,
                            "sessions": p.sessions,
                        },
                        f"mfa-user-{p.user.pk}",
                    )
                    for p in preview
                ),
                irreversible=(
                    _(
                        "Aplikasi autentikator dan kode pemulihan pengguna ini dihapus dan "
                        "tidak dapat dipulihkan."
                    ),
                    _(
                        "Semua sesi mereka berakhir; saat masuk berikutnya mereka mendaftarkan "
                        "verifikasi dua langkah lagi. Pastikan permintaan ini benar dari "
                        "pemilik akun."
                    ),
                ),
                hidden=(
                    ("action", "mfa_reset_action"),
                    *((ACTION_CHECKBOX_NAME, str(p.user.pk)) for p in preview),
                ),
            ),
        )
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
    return None


class ProfileInline(admin.StackedInline):
    """The institution, edited on the user's page; saved through
    ``services.profile_update`` (audited) by ``save_formset`` below."""

    model = Profile
    can_delete = False
    fields = ("institution",)
    verbose_name_plural = gettext_lazy("Profil")


admin.site.unregister(User)


@admin.register(User)
class AccountsUserAdmin(UserAdmin):
    actions = [mfa_reset_action]
    inlines = (ProfileInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Profile:
            super().save_formset(request, form, formset, change)
            return
        # What Django's own save leaves for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.is_valid():
                existed = Profile.objects.filter(user_id=form.instance.pk).exists()
                profile = services.profile_update(
                    actor=request.user,
                    user=form.instance,
                    institution=inline_form.cleaned_data.get("institution", ""),
                )
                if existed:
                    formset.changed_objects.append((profile, ["institution"]))
                else:
                    formset.new_objects.append(profile)
