"""Writes to the registry: register, edit, verify, close a business; load
the official KBLI code list.

Personal data never enters the audit trail in clear: the audit snapshot
masks the NIK and phone and replaces the other personal fields by a marker,
so the history says *that* the owner's address changed, not what it says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import full_clean
from kotacerdas.regions.models import Region
from kotacerdas.umkm import kbli
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.registry.models import (
    CLASS_FIELDS,
    ENTERED_FIELDS,
    KEY_FIELDS,
    PERSONAL_FIELDS,
    STANDING_FIELDS,
    Business,
    KbliCode,
)

# Services set only what a person enters; the rest is derived or standing.
EDITABLE_FIELDS = ENTERED_FIELDS
AUDIT_FIELDS = (*ENTERED_FIELDS, *CLASS_FIELDS, *STANDING_FIELDS, "merged_into")
# Saved when changed: the audited fields and the derived keys, which are not
# audited (Business.derive), so that a renamed business is found by its new
# name and a moved one counts in its new kecamatan.
SAVED_FIELDS = (*AUDIT_FIELDS, *KEY_FIELDS)
_ATTNAME = {"merged_into": "merged_into_id"}
PERSONAL_MARK = "[data pribadi]"
PERSONAL_CHANGED = "[data pribadi, diubah]"

# Run with (actor=, business=) once a registered or changed business is
# committed. The duplicate finder adds itself here (UmkmConfig.ready): it
# builds on this module, so this module cannot import it.
AfterSave = Callable[..., None]
_after_save: list[AfterSave] = []


def after_save_register(callback: AfterSave) -> None:
    if callback not in _after_save:
        _after_save.append(callback)


def _saved(actor: Actor, business: Business) -> None:
    callbacks = list(_after_save)

    def run() -> None:
        for callback in callbacks:
            callback(actor=actor, business=business)

    if callbacks:
        transaction.on_commit(run)


def audit_snapshot(business: Business) -> dict[str, Any]:
    """The audited fields with personal data masked (see module docstring)."""
    data: dict[str, Any] = {}
    for name in AUDIT_FIELDS:
        value = getattr(business, _ATTNAME.get(name, name))
        if name == "owner_nik":
            value = business.masked_nik
        elif name == "npwp":
            value = business.masked_npwp
        elif name == "phone":
            value = business.masked_phone
        elif name in PERSONAL_FIELDS:
            value = PERSONAL_MARK if value not in (None, "") else ""
        elif isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | bool):
            value = str(value)
        data[name] = value
    return data


def _audit_change(
    actor: Actor, business: Business, before: dict[str, Any], changed_personal: set[str]
) -> None:
    after = audit_snapshot(business)
    for name in changed_personal:
        if name not in ("owner_nik", "phone") or before.get(name) == after.get(name):
            after[name] = PERSONAL_CHANGED
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=business,
        before=before,
        after=after,
        region_code=business.region.code,
    )


def _staged_nib_give_way(business: Business) -> None:
    """A person's entry wins over an import still writing its rows
    (docs/decisions.md, "a NIB held by an import still writing"): the
    invisible row of a staging import that holds this NIB in the unique
    constraint is removed, and the job counts it, to report it as already
    registered when it publishes. The job row is locked, as its publish
    locks it: a publish before this sees its row visible (the constraint's
    own message refuses the NIB), one after finds the row gone. Called after
    ``full_clean`` (the NIB is clean then) and before saving."""
    if not business.nib or business.merged_into_id is not None:
        return
    held = (
        Business.all_rows.filter(
            region_id=business.region_id,
            nib=business.nib,
            merged_into__isnull=True,
            import_job__staging=True,
        )
        .exclude(pk=business.pk)
        .order_by()
    )
    job_ids = set(held.values_list("import_job_id", flat=True))
    if not job_ids:
        return
    for job_id in sorted(job_ids):
        if not ImportJob.objects.select_for_update().filter(pk=job_id, staging=True).exists():
            continue  # published meanwhile: its row is visible now
        _total, per_model = held.filter(import_job_id=job_id).delete()
        removed = per_model.get(Business._meta.label, 0)
        ImportJob.objects.filter(pk=job_id).update(displaced=F("displaced") + removed)
    # A job published between full_clean and the lock holds the NIB for real.
    business.validate_constraints()


def _save_giving_way(business: Business, save: Callable[[], None]) -> None:
    """``save()`` after the staging NIB gave way. The give-way reads the
    staging rows before any lock, so an import chunk may commit the same NIB
    between that read and the save (PostgreSQL: the chunks commit
    meanwhile): the unique NIB refuses the save. The save runs in a
    savepoint; on that refusal the give-way runs once more (it now sees the
    chunk's row) and the save is tried again; refused again, the NIB is
    refused with the constraint's message, as a form shows it, never a raw
    database error."""
    for last_try in (False, True):
        _staged_nib_give_way(business)
        try:
            with transaction.atomic():
                save()
            return
        except IntegrityError:
            if not business.nib:
                raise
            if last_try:
                raise ValidationError({"nib": [_NIB_ONCE.get_violation_error_message()]}) from None


# The registry's one-NIB-per-region rule, whose message a refused save shows.
_NIB_ONCE = next(c for c in Business._meta.constraints if c.name == "umkm_nib_once_per_region")


def business_create(
    *,
    actor: Actor,
    region: Region,
    data: Mapping[str, Any],
    source: str = Business.Source.OFFICER,
    verification: str = Business.Verification.VERIFIED,
    legal_basis: str = Business.LegalBasis.PUBLIC_TASK,
    consent_at: dt.datetime | None = None,
) -> Business:
    business = Business(
        region=region,
        source=source,
        verification=verification,
        legal_basis=legal_basis,
        consent_at=consent_at,
    )
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable field")
        setattr(business, name, value)
    with transaction.atomic():
        full_clean(business)
        _save_giving_way(business, business.save)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=business,
            after=audit_snapshot(business),
            region_code=region.code,
        )
        _saved(actor, business)
    return business


def business_update(
    *, actor: Actor, business: Business, data: Mapping[str, Any]
) -> tuple[Business, bool]:
    """Apply ``data``; returns (business, whether anything changed)."""
    with transaction.atomic():
        before = audit_snapshot(business)
        old = {name: getattr(business, _ATTNAME.get(name, name)) for name in SAVED_FIELDS}
        for name, value in data.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"{name} is not an editable field")
            setattr(business, name, value)
        full_clean(business)
        changed = [n for n in SAVED_FIELDS if getattr(business, _ATTNAME.get(n, n)) != old[n]]
        if not changed:
            return business, False
        if "nib" in changed:
            _save_giving_way(business, lambda: business.save(update_fields=changed))
        else:
            business.save(update_fields=changed)
        _audit_change(actor, business, before, set(changed) & set(PERSONAL_FIELDS))
        _saved(actor, business)
    return business, True


def _set(actor: Actor, business: Business, **values: Any) -> Business:
    with transaction.atomic():
        before = audit_snapshot(business)
        for name, value in values.items():
            setattr(business, name, value)
        business.save(update_fields=list(values))
        _audit_change(actor, business, before, set())
    return business


def business_verify(*, actor: Actor, business: Business, accept: bool = True) -> Business:
    """An officer accepts (or rejects) a business registered through the
    public form."""
    if business.verification != Business.Verification.PENDING:
        raise ValidationError(
            _("Hanya pendaftaran yang menunggu verifikasi yang dapat diterima atau ditolak.")
        )
    verification = Business.Verification.VERIFIED if accept else Business.Verification.REJECTED
    return _set(actor, business, verification=verification)


def business_set_status(*, actor: Actor, business: Business, status: str) -> Business:
    if status not in Business.Status.values:
        raise ValueError(status)
    closed_at = timezone.now() if status == Business.Status.CLOSED else None
    return _set(actor, business, status=status, closed_at=closed_at)


def kbli_codes_load(*, actor: Actor, version: str, codes: Iterable[tuple[str, str]]) -> int:
    """Replace the official list of 5-digit KBLI codes of ``version`` with
    ``codes`` ((code, title) pairs), in one transaction with one audit event;
    returns how many codes the list now has. A code outside the version's
    divisions refuses the whole list (docs/decisions.md §16)."""
    entries: dict[str, KbliCode] = {}
    for code, title in codes:
        category = kbli.DIVISIONS[version].get(code[:2])
        if category is None:
            raise ValidationError(
                f"Kode {code} tidak termasuk golongan pokok KBLI {version}. / "
                f"Code {code} is not in a KBLI {version} division."
            )
        entries[code] = KbliCode(version=version, code=code, title=title[:300], category=category)
    with transaction.atomic():
        listed = KbliCode.objects.filter(version=version)
        before = listed.count()
        listed.delete()
        KbliCode.objects.bulk_create(entries.values(), batch_size=1000)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.LOAD,
            # The list of a version, not one code: a label no code's id can take.
            instance=KbliCode(version=version, title="Daftar kode resmi"),
            object_id=f"KBLI {version}",
            before={"version": version, "codes": before},
            after={"version": version, "codes": len(entries)},
        )
    KbliCode.objects.forget()
    return len(entries)
