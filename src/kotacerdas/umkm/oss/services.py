"""Writes of the OSS-RBA NIB list import: open a job for an uploaded file,
run it (read, match, record, fill the NIB/KBLI of certain matches), and an
officer's decision on a row (accept or reject a proposed pair, register an
unmatched row as a new business). Every write is audited; the NIB and KBLI
of a business change only through :func:`kotacerdas.umkm.registry.services.business_update`,
so the business's own history shows them.

A long list is matched by ``kotacerdas worker``; rows are written in short
transactions (a long job never holds SQLite's write lock), each fill with
its own audit event. The uploaded file is deleted once the job has run: the
rows kept for review are what the officer needs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor, audit_record, snapshot
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import full_clean
from kotacerdas.core.storage import delete_private, private_local_copy, store_checked
from kotacerdas.core.uploads import CheckedUpload
from kotacerdas.regions.models import Region
from kotacerdas.umkm import kbli
from kotacerdas.umkm.duplicates.selectors import region_records
from kotacerdas.umkm.imports.aliases import aliases_for
from kotacerdas.umkm.imports.places import Match, Places
from kotacerdas.umkm.oss.matching import Found, match_all
from kotacerdas.umkm.oss.models import OssImport, OssRow
from kotacerdas.umkm.oss.reading import OssEntry, OssFileError, read_entries
from kotacerdas.umkm.registry import services as registry
from kotacerdas.umkm.registry.models import Business

logger = logging.getLogger(__name__)

State = OssImport.State
Outcome = OssRow.Outcome
Decision = OssRow.Decision

OSS_TASK = "kotacerdas.umkm.tasks.oss_import_run"
# Files up to this size are matched while the upload request waits (a few
# thousand rows, seconds); larger ones by the worker.
INLINE_MAX_BYTES = 512 * 1024
CHUNK = 500
JOB_AUDIT_FIELDS = (
    "filename",
    "state",
    "rows",
    "matched_nib",
    "matched_nik_name",
    "matched_name_address",
    "to_review",
    "conflicts",
    "unmatched",
    "repeated",
    "rejected",
    "filled",
    "error",
)
COUNTERS = {
    Outcome.REVIEW: "to_review",
    Outcome.CONFLICT: "conflicts",
    Outcome.UNMATCHED: "unmatched",
    Outcome.REPEATED: "repeated",
    Outcome.REJECTED: "rejected",
}
MATCH_COUNTERS = {
    OssRow.Rule.NIB: "matched_nib",
    OssRow.Rule.NIK_NAME: "matched_nik_name",
    OssRow.Rule.NAME_ADDRESS: "matched_name_address",
}


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _audit_job(actor: Actor, job: OssImport, before: dict[str, Any] | None) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        instance=job,
        before=before,
        after=snapshot(job, JOB_AUDIT_FIELDS),
        region_code=job.region.code,
    )


def runs_inline(checked: CheckedUpload) -> bool:
    """Whether a file this size is matched during the upload request."""
    return checked.size <= INLINE_MAX_BYTES


def oss_job_create(
    *,
    actor: Actor,
    region: Region,
    upload: File,
    checked: CheckedUpload,
    inline: bool | None = None,
) -> OssImport:
    """Keep the checked upload in private storage and queue its job. Unless
    the caller runs it (``inline``; by default small files, see
    :func:`runs_inline`), the job is handed to the worker once the
    transaction has committed."""
    stored = store_checked(upload, checked)
    try:
        with transaction.atomic():
            job = OssImport(
                region=region,
                created_by=_user(actor),
                filename=checked.original_name,
                stored_name=stored,
                file_sha256=checked.sha256,
            )
            full_clean(job)
            job.save()
            _audit_job(actor, job, None)
            if not (runs_inline(checked) if inline is None else inline):
                job_id = job.pk
                transaction.on_commit(lambda: import_string(OSS_TASK).enqueue(job_id=job_id))
    except BaseException:
        delete_private(stored)
        raise
    return job


def _start(actor: Actor, job_id: int) -> OssImport | None:
    with transaction.atomic():
        job = OssImport.objects.select_for_update().select_related("region").get(pk=job_id)
        if job.state != State.QUEUED:
            return None
        before = snapshot(job, JOB_AUDIT_FIELDS)
        job.state = State.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
        _audit_job(actor, job, before)
    return job


def _end(actor: Actor, job: OssImport, *, counts: dict[str, int], error: str = "") -> OssImport:
    with transaction.atomic():
        job = OssImport.objects.select_for_update().select_related("region").get(pk=job.pk)
        before = snapshot(job, JOB_AUDIT_FIELDS)
        for name, value in counts.items():
            setattr(job, name, value)
        job.state = State.FAILED if error else State.DONE
        job.error = error
        job.finished_at = timezone.now()
        stored, job.stored_name = job.stored_name, ""
        job.save(update_fields=[*counts, "state", "error", "finished_at", "stored_name"])
        _audit_job(actor, job, before)
        if stored:
            transaction.on_commit(lambda: delete_private(stored))
    return job


def _kelurahan(region: Region, entries: Sequence[OssEntry]) -> list[str]:
    places = Places(region.code, aliases=aliases_for(region))
    codes = []
    for entry in entries:
        found = places.match(entry.kelurahan, entry.kecamatan) if entry.kelurahan else None
        codes.append(found.code if isinstance(found, Match) else "")
    return codes


def _problems(entry: OssEntry) -> list[dict[str, Any]]:
    return [
        {"column": p.column, "code": p.code, "message": p.message, "gloss": p.gloss}
        for p in entry.problems
    ]


def _fill_data(business: Business, nib: str, kbli_code: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if not business.nib:
        data["nib"] = nib
    if kbli_code and not business.kbli_code:
        data["kbli_code"] = kbli_code
        data["kbli_version"] = kbli.DEFAULT_VERSION
    return data


def _fill(actor: Actor, business: Business, nib: str, kbli_code: str) -> str:
    """Give ``business`` the row's NIB and KBLI where it has none; returns
    why not ("" when filled or nothing to fill). A KBLI the official list
    refuses is left out and the NIB still filled."""
    data = _fill_data(business, nib, kbli_code)
    if not data:
        return ""
    try:
        with transaction.atomic():
            registry.business_update(actor=actor, business=business, data=data)
        return ""
    except ValidationError as error:
        if "kbli_code" in data and "nib" in data:
            business.refresh_from_db()
            reason = _fill(actor, business, nib, "")
            return reason or "; ".join(error.messages)
        business.refresh_from_db()
        return "; ".join(error.messages)


def _row(job: OssImport, entry: OssEntry, found: Found, kelurahan_code: str) -> OssRow:
    keep_personal = found.outcome in (Outcome.REVIEW, Outcome.CONFLICT, Outcome.UNMATCHED)
    return OssRow(
        job=job,
        row_number=entry.row,
        nib=entry.nib,
        name=entry.name[:200],
        kbli_code=entry.kbli_code,
        kbli_title=entry.kbli_title,
        scale=entry.scale,
        risk=entry.risk,
        kelurahan_code=kelurahan_code,
        kelurahan_text=entry.kelurahan[:120],
        owner_nik=entry.owner_nik if keep_personal else "",
        address=entry.address if keep_personal else "",
        outcome=found.outcome,
        rule=found.rule,
        score=found.score,
        business_id=found.business_id,
        problems=_problems(entry),
    )


def _write_chunk(actor: Actor, job: OssImport, part: Sequence[tuple[OssEntry, Found, str]]) -> int:
    """Record one chunk of rows and fill its certain matches; returns how
    many businesses were given a NIB or KBLI."""
    filled = 0
    ids = [found.business_id for _e, found, _k in part if found.outcome == Outcome.MATCHED]
    businesses = Business.objects.select_related("region").in_bulk(
        [i for i in ids if i is not None]
    )
    with transaction.atomic():
        rows = []
        for entry, found, code in part:
            row = _row(job, entry, found, code)
            business = businesses.get(found.business_id or 0)
            if found.outcome == Outcome.MATCHED and business is not None:
                wanted = bool(_fill_data(business, entry.nib, entry.kbli_code))
                reason = _fill(actor, business, entry.nib, entry.kbli_code)
                if reason:
                    row.problems.append(
                        {
                            "column": "nib",
                            "code": "fill_refused",
                            "message": _("Usaha tidak dilengkapi: %(reason)s") % {"reason": reason},
                            "gloss": "business not completed (refused by the registry's checks)",
                        }
                    )
                elif wanted:
                    filled += 1
            rows.append(row)
        OssRow.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.LOAD,
            instance=job,
            after={"rows": len(rows), "first_row": part[0][0].row, "filled": filled},
            region_code=job.region.code,
        )
    return filled


def oss_job_run(*, job_id: int, actor: Actor = None) -> OssImport | None:
    """Run a QUEUED job; returns it finished (DONE or FAILED), or None when
    it was not QUEUED. ``actor`` defaults to the job's uploader."""
    job = _start(actor, job_id)
    if job is None:
        return None
    actor = actor or job.created_by
    counts = dict.fromkeys([*COUNTERS.values(), *MATCH_COUNTERS.values(), "rows", "filled"], 0)
    try:
        with private_local_copy(job.stored_name) as path:
            entries = read_entries(path, filename=job.filename)
        kelurahan = _kelurahan(job.region, entries)
        founds = match_all(entries, region_records(job.region), kelurahan)
        items = list(zip(entries, founds, kelurahan, strict=True))
        for start in range(0, len(items), CHUNK):
            counts["filled"] += _write_chunk(actor, job, items[start : start + CHUNK])
    except OssFileError as error:
        return _end(actor, job, counts=counts, error=error.message)
    except Exception:
        logger.exception("OSS NIB list import %s failed", job_id)
        return _end(
            actor,
            job,
            counts=counts,
            error=_(
                "Pencocokan berhenti karena kesalahan sistem; usaha yang sudah dilengkapi "
                "tetap tercatat di riwayatnya. Hubungi operator."
            ),
        )
    counts["rows"] = len(entries)
    for found in founds:
        if found.outcome == Outcome.MATCHED:
            counts[MATCH_COUNTERS[OssRow.Rule(found.rule)]] += 1
        else:
            counts[COUNTERS[Outcome(found.outcome)]] += 1
    return _end(actor, job, counts=counts)


# --- An officer's decisions -----------------------------------------------------------------


def _row_snapshot(row: OssRow) -> dict[str, Any]:
    return {
        "job": row.job_id,
        "row": row.row_number,
        "nib": row.nib,
        "name": row.name,
        "outcome": row.outcome,
        "rule": row.rule,
        "business": row.business_id,
        "decision": row.decision,
    }


def _decided(actor: Actor, row: OssRow, decision: str, before: dict[str, Any]) -> OssRow:
    row.decision = decision
    row.decided_by = _user(actor)
    row.decided_at = timezone.now()
    # The owner's NIK and the address were kept only for this decision.
    row.owner_nik = ""
    row.address = ""
    row.save(
        update_fields=["decision", "decided_by", "decided_at", "owner_nik", "address", "business"]
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=row,
        before=before,
        after=_row_snapshot(row),
        region_code=row.job.region.code,
    )
    return row


def _open(row: OssRow, outcomes: Sequence[str]) -> OssRow:
    row = OssRow.objects.select_for_update().select_related("job__region").get(pk=row.pk)
    if row.decision:
        raise ValidationError(
            _("Baris %(n)s sudah diputuskan (%(decision)s).")
            % {"n": row.row_number, "decision": row.get_decision_display()}
        )
    if row.outcome not in outcomes:
        raise ValidationError(
            _("Baris %(n)s tidak menunggu keputusan ini.") % {"n": row.row_number}
        )
    return row


def oss_row_decide(*, actor: Actor, row: OssRow, accept: bool) -> OssRow:
    """Accept or reject the business proposed for a row to review or in
    conflict. Accepting gives the business the row's NIB (and KBLI where it
    has none); for a conflict, accepting is the officer's explicit choice to
    replace the business's NIB by the one OSS lists. Rejecting changes no
    business."""
    with transaction.atomic():
        row = _open(row, (Outcome.REVIEW, Outcome.CONFLICT))
        before = _row_snapshot(row)
        if not accept:
            return _decided(actor, row, Decision.REJECTED, before)
        business = (
            Business.objects.select_related("region")
            .filter(pk=row.business_id or 0, merged_into__isnull=True)
            .first()
        )
        if business is None:
            raise ValidationError(
                _("Usaha yang diusulkan sudah tidak ada atau sudah digabung; tolak pasangan ini.")
            )
        data = _fill_data(business, row.nib, row.kbli_code)
        if business.nib and business.nib != row.nib:
            if row.outcome != Outcome.CONFLICT:
                raise ValidationError(
                    _(
                        "Usaha ini sudah ber-NIB %(held)s; NIB OSS %(nib)s tidak ditimpa "
                        "diam-diam. Tolak pasangan ini, atau perbaiki NIB usaha itu lebih dulu."
                    )
                    % {"held": business.nib, "nib": row.nib}
                )
            data["nib"] = row.nib
        if data:
            registry.business_update(actor=actor, business=business, data=data)
        return _decided(actor, row, Decision.ACCEPTED, before)


def oss_row_register(*, actor: Actor, row: OssRow, kelurahan_code: str) -> Business:
    """Register an unmatched row as a new business of the region (by the
    officer, verified), with the OSS name, NIB, KBLI, the owner's NIK and
    the address, in ``kelurahan_code``."""
    with transaction.atomic():
        row = _open(row, (Outcome.UNMATCHED,))
        before = _row_snapshot(row)
        data: dict[str, Any] = {
            "name": row.name,
            "nib": row.nib,
            "owner_nik": row.owner_nik,
            "address": row.address,
            "kelurahan_code": kelurahan_code,
        }
        if row.kbli_code:
            data["kbli_code"] = row.kbli_code
            data["kbli_version"] = kbli.DEFAULT_VERSION
        business = registry.business_create(actor=actor, region=row.job.region, data=data)
        row.business = business
        _decided(actor, row, Decision.REGISTERED, before)
    return business


def oss_personal_data_expire(*, now: dt.datetime | None = None) -> int:
    """The daily sweep: rows still waiting for a decision longer than
    ``KOTACERDAS_IMPORT_FILE_RETENTION_DAYS`` after their list was matched
    lose the owner's NIK and the address (the same retention as survey
    files); they can still be accepted, rejected or registered. One audit
    event per list; returns how many rows were cleared.

    A list whose matching stopped midway (the worker died, the upload
    request was killed) stays queued or running for ever: past the same
    retention it is failed, which deletes its file, and its rows are
    cleared by the list's upload time."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.KOTACERDAS_IMPORT_FILE_RETENTION_DAYS)
    stuck = OssImport.objects.filter(state__in=[State.QUEUED, State.RUNNING], created_at__lt=limit)
    for job in stuck:
        _end(
            None,
            job,
            counts={},
            error=_(
                "Pencocokan tidak pernah selesai (prosesnya terhenti); berkas dan data pribadi "
                "daftar ini dihapus setelah masa simpan. Unggah daftarnya lagi bila perlu."
            ),
        )
    ended = Q(job__finished_at__lt=limit) | Q(job__created_at__lt=limit, job__state=State.FAILED)
    holding = OssRow.objects.filter(ended).exclude(owner_nik="", address="")
    cleared = 0
    for job in OssImport.objects.filter(pk__in=holding.values("job")).select_related("region"):
        with transaction.atomic():
            count = holding.filter(job=job).update(owner_nik="", address="")
            audit_record(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                instance=job,
                before={"rows_with_personal_data": count},
                after={"rows_with_personal_data": 0, "reason": "retention"},
                region_code=job.region.code,
            )
        cleared += count
    return cleared
