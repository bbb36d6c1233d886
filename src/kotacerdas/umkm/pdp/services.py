"""Personal data of the registry (UU 27/2022, DOMAIN.md §7): reveal, export,
the per-person report and anonymisation at the end of retention.

Every function that lets personal data out (or removes it) writes one
:class:`~kotacerdas.umkm.models.PersonalDataAccess` row in the same
transaction as the read or the change, so there is no disclosure without its
record. Callers check permission first (``access.businesses_for(user,
"reveal")``); these services trust the querysets they are given.

Decisions:

- An export *with* personal data needs "reveal" and is recorded with every
  business id. An export *without* personal data (the columns of
  :data:`PUBLIC_COLUMNS`; an individual's NPWP, which is their NIK, masked) is
  allowed to everyone who may view the registry and is not recorded: the
  record of processing is about personal data, and this file holds none.
- The per-person report records itself before it is built, so the person sees
  that report in their own processing record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, actor_label, audit_record, history_for
from kotacerdas.core.logging import redact
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.sheets.writing import write_table
from kotacerdas.regions.models import Region
from kotacerdas.umkm import identifiers
from kotacerdas.umkm.imports.selectors import SubjectImport, subject_import_jobs
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.pdp.selectors import due_for_anonymisation, retention_years
from kotacerdas.umkm.registry.models import LOCATION_FIELDS, PERSONAL_FIELDS, Business
from kotacerdas.umkm.registry.services import audit_snapshot

# Cleared by anonymisation: the personal fields plus the location of the home
# business (coordinates point at a person's house as surely as an address).
ANONYMISED_FIELDS = (*PERSONAL_FIELDS, *LOCATION_FIELDS)

# The columns of the export with personal data, in file order: the order is
# a format people's spreadsheets depend on, so it is written out here.
PERSONAL_COLUMNS = (
    "id",
    "name",
    "owner_name",
    "owner_nik",
    "nib",
    "npwp",
    "kbli_code",
    "kbli_version",
    "kbli_category",
    "kecamatan_code",
    "kelurahan_code",
    "workers",
    "year_started",
    "size_class",
    "size_basis",
    "ikm_class",
    "halal_number",
    "pirt_number",
    "sells_online",
    "uses_qris",
    "source",
    "status",
    "verification",
    "legal_basis",
    "address",
    "latitude",
    "longitude",
    "phone",
    "capital",
    "annual_sales",
    "consent_at",
)
# The export without personal data: the same columns, less everything
# anonymisation clears and the moment the owner consented.
PUBLIC_COLUMNS = tuple(c for c in PERSONAL_COLUMNS if c not in (*ANONYMISED_FIELDS, "consent_at"))


def record_access(
    *,
    actor: Actor,
    region: Region,
    action: str,
    purpose: str,
    fields: Sequence[str],
    business_ids: Sequence[int],
    record_count: int | None = None,
) -> PersonalDataAccess:
    """One row of the record of processing; must run in the caller's
    transaction. The only writer of :class:`PersonalDataAccess`.
    ``record_count`` defaults to the number of ``business_ids`` (an import
    records how many it added without listing them)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_access must run inside the service's transaction")
    user: Any = actor if actor is not None and actor.is_authenticated else None
    return PersonalDataAccess.objects.create(
        actor=user,
        actor_label=actor_label(actor),
        region=region,
        action=action,
        # The purpose is free text shown on the record of processing: a NIK,
        # a phone number or a password typed there is masked (issue 14).
        purpose=redact(purpose)[:500],
        fields=list(fields),
        business_ids=list(business_ids),
        record_count=len(business_ids) if record_count is None else record_count,
    )


# --- Reveal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Revealed:
    business: Business
    values: dict[str, Any]


def business_reveal(*, actor: Actor, business: Business, purpose: str) -> Revealed:
    """The personal fields of one business in clear, recorded as a REVEAL."""
    values = {name: getattr(business, name) for name in PERSONAL_FIELDS}
    with transaction.atomic():
        record_access(
            actor=actor,
            region=business.region,
            action=PersonalDataAccess.Action.REVEAL,
            purpose=purpose,
            fields=[name for name, value in values.items() if value not in (None, "")],
            business_ids=[business.pk],
        )
    return Revealed(business=business, values=values)


# --- Export -----------------------------------------------------------------------------


def _cell(business: Business, name: str, *, personal: bool, zone: dt.tzinfo) -> Any:
    value = getattr(business, name)
    if name == "npwp" and not personal:
        return business.masked_npwp
    if isinstance(value, dt.datetime):
        # The region's local time with its ISO 8601 offset (…T00:30:00+07:00):
        # the reader sees both the local clock and the instant.
        return value.astimezone(zone).isoformat(timespec="seconds")
    return value


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    count: int
    personal: bool


def businesses_export(
    *,
    actor: Actor,
    region: Region,
    businesses: models.QuerySet[Business],
    personal: bool,
    purpose: str = "",
    fmt: str = "csv",
) -> Export:
    """The given businesses as a file; with ``personal`` the personal columns
    are included and the export is recorded (see the module docstring)."""
    columns = PERSONAL_COLUMNS if personal else PUBLIC_COLUMNS
    with transaction.atomic():
        items = list(businesses.order_by("id"))
        rows = [
            [_cell(b, c, personal=personal, zone=region.tzinfo) for c in columns] for b in items
        ]
        if personal:
            record_access(
                actor=actor,
                region=region,
                action=PersonalDataAccess.Action.EXPORT,
                purpose=purpose,
                fields=list(PERSONAL_FIELDS),
                business_ids=[b.pk for b in items],
            )
    stamp = timezone.localtime(timezone=region.tzinfo).strftime("%Y%m%d-%H%M")
    kind = "data-pribadi" if personal else "umkm"
    return Export(
        content=write_table(columns, rows, fmt),
        filename=f"{kind}-{region.code}-{stamp}.{fmt}",
        count=len(items),
        personal=personal,
    )


# --- The per-person report ----------------------------------------------------------------


@dataclass(frozen=True)
class SubjectReport:
    """What the registry holds about one person (by NIK) and who processed it."""

    region: Region
    nik: str
    businesses: list[Business]
    accesses: list[PersonalDataAccess]
    events: list[AuditEvent]
    created_at: dt.datetime
    record: PersonalDataAccess = field(repr=False)
    # Import jobs whose stored files (upload, rejection report) hold the person.
    import_jobs: list[SubjectImport] = field(default_factory=list)

    def rows(self) -> tuple[list[str], list[list[Any]]]:
        """One table for CSV/XLSX: the data, then the processing record."""
        columns = ["bagian", "usaha", "waktu_utc", "pelaku", "tindakan", "rincian"]
        rows: list[list[Any]] = []
        for b in self.businesses:
            for name in PERSONAL_COLUMNS:
                rows.append(["data", b.pk, "", "", name, _csv_value(getattr(b, name))])
        ids = {b.pk for b in self.businesses}
        for a in self.accesses:
            for pk in sorted(ids & set(a.business_ids)):
                rows.append(
                    [
                        "akses",
                        pk,
                        _utc(a.occurred_at),
                        a.actor_label,
                        a.get_action_display(),
                        a.purpose,
                    ]
                )
        for e in self.events:
            rows.append(
                [
                    "riwayat",
                    e.object_id,
                    _utc(e.occurred_at),
                    e.actor_label,
                    e.get_action_display(),
                    ", ".join(name for name, _old, _new in e.changed_fields()),
                ]
            )
        for held in self.import_jobs:
            rows.append(
                [
                    "berkas_impor",
                    "",
                    _utc(held.job.created_at),
                    "",
                    held.job.filename,
                    f"impor #{held.job.pk}",
                ]
            )
        return columns, rows


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _utc(value)
    if isinstance(value, Decimal):
        return value
    return "" if value is None else value


def subject_report(*, actor: Actor, region: Region, nik: str, purpose: str) -> SubjectReport:
    """Every business of ``region`` whose owner has ``nik`` (merged-away ones
    too: they still hold the person's data), with every access record and
    audit event that touched them. ``nik`` must already be clean."""
    with transaction.atomic():
        businesses = list(
            Business.objects.filter(Q(owner_nik=nik) | Q(npwp=nik), region=region)
            .select_related("region")
            .order_by("id")
        )
        ids = [b.pk for b in businesses]
        record = record_access(
            actor=actor,
            region=region,
            action=PersonalDataAccess.Action.SUBJECT_REPORT,
            purpose=purpose,
            fields=list(PERSONAL_FIELDS),
            business_ids=ids,
        )
        wanted = set(ids)
        accesses = [
            a
            for a in PersonalDataAccess.objects.filter(region=region).order_by("occurred_at", "id")
            if wanted & set(a.business_ids)
        ]
        events: list[AuditEvent] = []
        for b in businesses:
            events.extend(history_for(b).order_by("occurred_at", "id"))
    return SubjectReport(
        region=region,
        nik=nik,
        businesses=businesses,
        accesses=accesses,
        events=events,
        created_at=record.occurred_at,
        record=record,
        import_jobs=subject_import_jobs(region=region, nik=nik),
    )


# --- Anonymisation at the end of retention -------------------------------------------------


@dataclass
class AnonymiseResult:
    counts: dict[str, int] = field(default_factory=dict)  # region code → businesses

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def businesses_anonymise(
    *,
    actor: Actor,
    regions: Iterable[Region],
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> AnonymiseResult:
    """Clear the personal data of closed businesses past retention; the
    aggregates (kelurahan, KBLI, size class, workers…) stay for statistics.
    One PersonalDataAccess(ANONYMISE) per region and run, one audit event per
    business; running it again changes nothing."""
    now = now or timezone.now()
    result = AnonymiseResult()
    for region in regions:
        due = due_for_anonymisation(region, now)
        if dry_run:
            result.counts[region.code] = due.count()
            continue
        with transaction.atomic():
            items = list(due.select_for_update())
            for business in items:
                before = audit_snapshot(business)
                for name in ANONYMISED_FIELDS:
                    setattr(business, name, None if _nullable(name) else "")
                if identifiers.individual_npwp(business.npwp):
                    business.npwp = ""  # it is the owner's NIK
                business.anonymised_at = now
                business.save(update_fields=[*ANONYMISED_FIELDS, "npwp", "anonymised_at"])
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    instance=business,
                    before=before,
                    after=audit_snapshot(business),
                    region_code=region.code,
                )
            if items:
                record_access(
                    actor=actor,
                    region=region,
                    action=PersonalDataAccess.Action.ANONYMISE,
                    purpose=_("Akhir masa retensi %(years)s tahun usaha yang tutup")
                    % {"years": retention_years(region)},
                    fields=list(ANONYMISED_FIELDS),
                    business_ids=[b.pk for b in items],
                )
        result.counts[region.code] = len(items)
    return result


def _nullable(name: str) -> bool:
    """Whether ``name`` is cleared to None (numbers, coordinates) or "" (text)."""
    return bool(getattr(Business._meta.get_field(name), "null", False))
