"""Writes of the accounts app: second-factor devices, recovery codes, the
password record, the list of a user's sessions, and a region's own people
(the region admin's page). Device and role changes are audited; nothing here
needs a web request."""

from __future__ import annotations

import logging
import secrets
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import REGION_STAFF_ROLES, AuditEvent, Membership, Role
from kotacerdas.core.services import (
    MEMBERSHIP_FIELDS,
    USER_FIELDS,
    membership_grant,
    model_create,
    model_delete,
    model_update,
)
from kotacerdas.masterplan.models import Agency
from kotacerdas.regions.models import Region

from .models import PasswordRecord, Profile, UserSession

logger = logging.getLogger("kotacerdas.accounts")

RECOVERY_CODE_COUNT = 10

# Sent when what vouched for a user no longer does: a new password (changed or
# reset), an MFA reset, deactivation. Arguments: ``user``, ``reason`` (one of
# CREDENTIAL_CHANGES) and ``actor``. Higher floors end what was granted under
# the old credentials through it (the API revokes the user's tokens), as
# sessions are ended here.
credentials_changed = Signal()
CREDENTIAL_CHANGES = ("password", "mfa_reset", "deactivated")
TOTP_NAME = "aplikasi autentikator"
RECOVERY_NAME = "kode pemulihan"


def mfa_enrolment_start(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first call.
    Its secret is shown on the enrolment page; nothing is audited until the
    user proves the app works (:func:`mfa_enrolment_confirm`)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def mfa_enrolment_confirm(*, user: Any, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app. Returns the new recovery
    codes (shown once), or None when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per user: an older one (a lost phone) goes.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(
            actor=user,
            action=AuditEvent.Action.CREATE,
            instance=device,
            after={"user": user.pk, "kind": "totp"},
        )
        codes = _recovery_codes_replace(user=user)
    logger.info("MFA enrolled for user id %s", user.pk)
    return codes


def mfa_recovery_codes_regenerate(*, actor: Any) -> list[str]:
    """New recovery codes for ``actor``; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user=actor)
        device = StaticDevice.objects.get(user=actor, name=RECOVERY_NAME)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=device,
            after={"recovery_codes": len(codes)},
        )
    logger.info("MFA recovery codes regenerated for user id %s", actor.pk)
    return codes


def _recovery_codes_replace(*, user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def mfa_verify(*, user: Any, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts ``token``: the authenticator app, or a recovery
    code (consumed, logged and audited). None when nothing accepts it."""
    token = "".join(token.split()).lower()
    if not token:
        return None
    with transaction.atomic():
        for totp in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if token.isdigit() and totp.verify_token(token):
                return totp
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if static.verify_token(token):
                left = static.token_set.count()
                audit_record(
                    actor=user,
                    action=AuditEvent.Action.UPDATE,
                    instance=static,
                    after={"recovery_code_used": True, "recovery_codes_left": left},
                )
                logger.warning("MFA recovery code used by user id %s (%d left)", user.pk, left)
                return static
    return None


def mfa_reset(*, actor: Actor, user: Any) -> int:
    """Remove every second-factor device of ``user`` (a lost phone) and end
    their sessions; at the next sign-in they enrol again. Returns the number
    of devices removed."""
    with transaction.atomic():
        devices: list[Any] = [
            *TOTPDevice.objects.filter(user=user),
            *StaticDevice.objects.filter(user=user),
        ]
        for device in devices:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.DELETE,
                instance=device,
                before={"user": user.pk, "name": device.name, "confirmed": device.confirmed},
            )
            device.delete()
        user_sessions_end(user=user)
        credentials_changed.send(sender=type(user), user=user, reason="mfa_reset", actor=actor)
    logger.warning("MFA reset for user id %s by %s", user.pk, getattr(actor, "pk", "sistem"))
    return len(devices)


def password_record_touch(*, user: Any) -> None:
    PasswordRecord.objects.update_or_create(user=user, defaults={"changed_at": timezone.now()})


def user_session_add(*, user: Any, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def user_session_remove(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_sessions_end(*, user: Any) -> int:
    """End every session ``user`` signed in with (deactivation, a new
    password, an MFA reset). Returns how many were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    if keys:
        logger.info("Ended %d session(s) of user id %s", len(keys), user.pk)
    return len(keys)


PROFILE_FIELDS = ("user", "institution")


def profile_update(*, actor: Actor, user: Any, institution: str) -> Profile:
    """Set the institution on ``user``'s profile (created on first use),
    audited like every other write."""
    institution = institution.strip()
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user_id=user.pk).first()
        if profile is None:
            return model_create(
                actor=actor,
                instance=Profile(user=user),
                data={"institution": institution},
                audit_fields=PROFILE_FIELDS,
            )
        model_update(
            actor=actor,
            instance=profile,
            data={"institution": institution},
            audit_fields=PROFILE_FIELDS,
        )
    return profile


# --- A region's own people (the region admin's page) -------------------------


def staff_add(
    *,
    actor: Actor,
    region: Region,
    username: str,
    role: str,
    agency: Agency | None = None,
    full_name: str = "",
    email: str = "",
) -> tuple[Membership, bool]:
    """Give ``username`` a role in ``region``: a region admin hands out the
    region's own roles (``REGION_STAFF_ROLES``), never the assessor's or a
    province analyst's. A new account gets a random password nobody knows:
    its holder sets one through "Lupa kata sandi" with ``email``. Returns the
    membership and whether the account is new. Audited; one transaction."""
    if role not in REGION_STAFF_ROLES:
        raise ValidationError({"role": _("Peran ini tidak dapat diberikan oleh admin wilayah.")})
    if agency is not None and agency.region_id != region.pk:
        raise ValidationError({"agency": _("Perangkat daerah ini bukan dari wilayah ini.")})
    username = username.strip()
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(username=username).first()
        if user is not None and user.pk == getattr(actor, "pk", None):
            # An admin does not widen their own rights (the registry
            # officer's reveal is kept from admins on purpose).
            raise ValidationError(
                {"username": _("Anda tidak dapat memberi peran kepada diri sendiri.")}
            )
        created = user is None
        if user is None:
            if not email.strip():
                raise ValidationError(
                    {"email": _("Akun baru perlu surel untuk mengatur kata sandinya.")}
                )
            first, _space, last = full_name.strip().partition(" ")
            user = user_model(username=username, first_name=first, last_name=last, email=email)
            # A password nobody knows, but a usable one: Django's reset form
            # skips accounts without one, and "Lupa kata sandi" is how the
            # holder sets theirs.
            user.set_password(secrets.token_urlsafe(32))
            model_create(actor=actor, instance=user, data={}, audit_fields=USER_FIELDS)
        elif not user.is_active:
            raise ValidationError(
                {"username": _("Akun %(username)s tidak aktif.") % {"username": username}}
            )
        membership = membership_grant(
            actor=actor, user=user, region=region, role=role, agency=agency
        )
    logger.info("Role %s in region %s given to user id %s", role, region.code, user.pk)
    return membership, created


def staff_remove(*, actor: Any, membership: Membership) -> None:
    """End one role of a person in the region (the account stays: it may
    hold roles elsewhere). An admin cannot take their own admin role: the
    region would be left without the person who is removing it."""
    if membership.user_id == actor.pk and membership.role == Role.ADMIN:
        raise ValidationError(
            _("Anda tidak dapat mencabut peran admin Anda sendiri; minta admin lain.")
        )
    model_delete(
        actor=actor,
        instance=membership,
        audit_fields=MEMBERSHIP_FIELDS,
        region_code=membership.region.code,
    )
