"""Who must use a second factor and whose password has expired. Both are
decided at sign-in and kept in the session (``session_flags_set``), so that
ordinary requests cost no extra query."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp import user_has_device

from kotacerdas.core.models import DeploymentRole, Membership, Role
from kotacerdas.evaluation.models import Assignment

# Roles whose holders change the masterplan, verify reports, score the
# evaluation or may reveal and export personal data (registry officers: every
# NIK of the region; issue 14): they must sign in with a second factor. Every
# role that umkm.access lets "reveal" must be here
# (tests/accounts/test_mfa.py checks it).
MFA_ROLES = (
    Role.ADMIN,
    Role.AGENCY_EDITOR,
    Role.AGENCY_HEAD,
    Role.ASSESSOR,
    Role.REGISTRY_OFFICER,
)
# Deployment roles that create regions, appoint their admins or run the
# ministry's programme. The read-only ones (analysts, other ministries,
# province analysts) read published figures only and sign in with a password
# unless they enrol a second factor of their own accord.
MFA_DEPLOYMENT_ROLES = (DeploymentRole.Kind.DEPLOYMENT_ADMIN, DeploymentRole.Kind.MINISTRY_OPERATOR)

# Session keys.
MFA_NEEDED = "kc_mfa_needed"
PASSWORD_EXPIRED = "kc_password_expired"  # noqa: S105 - a session key, not a password
# The user's roles version when the two flags above were decided: a role
# given or taken mid-session decides them again (security review, issue 16).
ROLES_AT = "kc_roles_at"


def mfa_required(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff, superusers, holders of an MFA role and the ministry's external
    assessors (an evaluation assignment, no membership needed) must use a
    second factor."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    if Membership.objects.filter(user_id=user.pk, role__in=MFA_ROLES).exists():
        return True
    if DeploymentRole.objects.filter(user_id=user.pk, role__in=MFA_DEPLOYMENT_ROLES).exists():
        return True
    return Assignment.objects.filter(assessor_id=user.pk).exists()


def mfa_needed(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A second factor is asked of users who must have one and of users who
    enrolled one of their own accord."""
    return mfa_required(user) or user_has_device(user, confirmed=True)


def password_changed_at(user: Any) -> datetime:
    record = getattr(user, "password_record", None) if user.pk else None
    if record is not None:
        changed: datetime = record.changed_at
        return changed
    joined: datetime = user.date_joined
    return joined


def password_expired(user: Any, *, now: datetime) -> bool:
    """True when the optional maximum password age (BSSN) is set and passed."""
    days: int = settings.KOTACERDAS_PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    return now - password_changed_at(user) > timedelta(days=days)


def standing_refusal(user: Any, *, now: datetime) -> str | None:
    """Why ``user`` could not sign in and act with their rights now, or None
    when they could: inactive, a second factor required but not enrolled, or
    an expired password. Credentials other than a session (API tokens) act
    only while this is None (issue 14: a token skipped the MFA rule)."""
    if not user.is_active:
        return "inactive"
    if mfa_required(user) and not user_has_device(user, confirmed=True):
        return "mfa_not_enrolled"
    if password_expired(user, now=now):
        return "password_expired"
    return None
