"""Saving one entry of the offline form (docs/decisions.md, "Offline
registration").

The entry goes through :func:`kotacerdas.umkm.registry.services.business_create`
like the officer's form (same validation, same audit); this module adds what
a phone that was offline needs:

- **once only**: the phone's key is stored with the business in the same
  transaction; the same key again answers with that business, and two
  sends racing each other meet the key's unique constraint, so one wins;
- **conflicts before saving**: a NIB already registered in the region, or
  an owner NIK already registered (a possible duplicate: the same shop
  counted twice), is not saved but answered with the businesses it meets,
  so the enumerator decides. The same owner may have a second business:
  ``same_owner=True`` says so and saves it. A NIB is never registered twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor
from kotacerdas.regions.models import Region
from kotacerdas.umkm import identifiers
from kotacerdas.umkm.field.models import FieldSubmission
from kotacerdas.umkm.registry import services as registry
from kotacerdas.umkm.registry.models import Business

KEY_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# A conflict lists at most this many businesses it meets.
CONFLICT_LIMIT = 5

Outcome = Literal["saved", "already_saved", "conflict"]


@dataclass(frozen=True)
class FieldResult:
    outcome: Outcome
    business: Business | None = None
    conflict: Literal["nib", "nik", ""] = ""
    message: str = ""
    existing: list[Business] = field(default_factory=list)


def field_key_check(key: str) -> str:
    """The key as stored (a UUID in lower case) or a ValidationError."""
    key = (key or "").strip().lower()
    if not KEY_PATTERN.match(key):
        raise ValidationError(
            _("Isian tanpa kunci yang sah ditolak; kirim ulang dari formulir lapangan.")
        )
    return key


def _earlier(region: Region, key: str) -> FieldResult | None:
    found = FieldSubmission.objects.filter(key=key).select_related("business").first()
    if found is None:
        return None
    if found.region_id != region.pk:
        raise ValidationError(_("Kunci isian ini sudah dipakai untuk wilayah lain."))
    return FieldResult("already_saved", business=found.business)


def _stored(cleaner: Any, value: Any) -> str:
    """The identifier as the registry stores it; "" when it cannot be read
    (the registration refuses it with its own message)."""
    if not value:
        return ""
    try:
        return str(cleaner(value))
    except identifiers.Invalid:
        return ""


def _live(region: Region) -> Any:
    return Business.objects.filter(region=region, merged_into__isnull=True)


def _conflict(region: Region, data: Mapping[str, Any], same_owner: bool) -> FieldResult | None:
    nib = _stored(identifiers.clean_nib, data.get("nib"))
    if nib:
        existing = list(_live(region).filter(nib=nib).order_by("id")[:CONFLICT_LIMIT])
        if existing:
            return FieldResult(
                "conflict",
                conflict="nib",
                existing=existing,
                message=_(
                    "NIB %(nib)s sudah terdaftar untuk %(name)s. Isian ini tidak disimpan: "
                    "bila usaha yang sama, buang isian ini (data yang ada dapat diperbarui di "
                    "halaman usaha); bila NIB salah ketik, perbaiki lalu kirim lagi."
                )
                % {"nib": nib, "name": existing[0].name},
            )
    nik = _stored(identifiers.clean_nik, data.get("owner_nik"))
    if nik and not same_owner:
        existing = list(_live(region).filter(owner_nik=nik).order_by("id")[:CONFLICT_LIMIT])
        if existing:
            return FieldResult(
                "conflict",
                conflict="nik",
                existing=existing,
                message=_(
                    "NIK pemilik ini sudah terdaftar pada %(names)s — mungkin usaha yang sama "
                    "tercatat dua kali. Isian ini belum disimpan: bila usaha yang sama, buang "
                    "isian ini; bila pemilik yang sama punya usaha lain, pilih “Simpan sebagai "
                    "usaha lain”."
                )
                % {"names": ", ".join(b.name for b in existing)},
            )
    return None


def field_entry_submit(
    *,
    actor: Actor,
    region: Region,
    key: str,
    data: Mapping[str, Any],
    same_owner: bool = False,
) -> FieldResult:
    """Save an entry of the offline form once (see the module docstring).
    Raises ValidationError (with field messages) when the entry is refused;
    nothing is saved then."""
    key = field_key_check(key)
    earlier = _earlier(region, key)
    if earlier is not None:
        return earlier
    conflict = _conflict(region, data, same_owner)
    if conflict is not None:
        return conflict
    try:
        with transaction.atomic():
            business = registry.business_create(actor=actor, region=region, data=data)
            FieldSubmission.objects.create(
                key=key,
                region=region,
                business=business,
                submitted_by=cast(Any, actor)
                if actor is not None and actor.is_authenticated
                else None,
            )
    except IntegrityError:
        # The same entry, sent twice at once (a retry while the first answer
        # was on its way): the first one holds the key; this one saved nothing.
        earlier = _earlier(region, key)
        if earlier is not None:
            return earlier
        # Another entry with the same NIB, saved between the conflict check
        # and this save (two phones syncing at once): the same conflict
        # answer the check would give now, not a server error.
        conflict = _conflict(region, data, same_owner)
        if conflict is None:
            raise
        return conflict
    return FieldResult("saved", business=business)


def field_keys_expire(*, now: dt.datetime | None = None) -> int:
    """The daily sweep: forget the keys of entries saved more than
    ``KOTACERDAS_FIELD_KEY_RETENTION_DAYS`` ago; returns how many.

    A key serves only a phone that resends an entry whose answer it lost;
    the phone warns about entries unsent after ``KOTACERDAS_FIELD_STALE_DAYS``
    (a shorter time), so by then every phone has either had its answer or
    been told. A key holds no personal data; the business it became keeps
    its own audit trail (who registered it, when). A resend after the purge
    is answered like a new entry: the conflict check (its NIB or the owner's
    NIK already registered) stops it before a second business is saved."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.KOTACERDAS_FIELD_KEY_RETENTION_DAYS)
    deleted, _counts = FieldSubmission.objects.filter(created_at__lt=limit).delete()
    return deleted
