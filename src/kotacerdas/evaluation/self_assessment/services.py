"""Writes of the region side of the evaluation (DOMAIN.md §3): the smart city
team's self-assessment (one answer and claimed score per item), the agencies
asked to contribute answers, the evidence of each answer, the answers to the
assessors' evidence requests, and the region's application inventory.

Every service takes the actor, runs in one transaction and writes its audit
event there (through ``kotacerdas.core.services``); who may call them is
``evaluation/access.py``'s rule, *when* is the rule here:

- While the cycle is *preparing* (the self-assessment stage) answers,
  claimed scores, delegations and evidence change freely.
- While it is *in assessment* only the items with an open evidence request
  change, and only their evidence (added while the request is open); the
  answer text and claimed score stay as submitted.
- Once *scored* or *published* nothing changes.

An ``Answer`` is created the first time anything is written for its item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor
from kotacerdas.core.services import model_create, model_delete, model_update
from kotacerdas.core.storage import delete_private, store_checked
from kotacerdas.core.uploads import EVIDENCE_KINDS, validate_upload
from kotacerdas.evaluation.cycles.models import EvaluationCycle
from kotacerdas.evaluation.cycles.selectors import cycle_instrument_ids
from kotacerdas.evaluation.cycles.services import cycle_advance
from kotacerdas.evaluation.instruments.models import Instrument, Item
from kotacerdas.evaluation.instruments.selectors import number_id
from kotacerdas.evaluation.self_assessment.models import (
    Answer,
    AnswerEvidence,
    Application,
    EvidenceRequest,
)
from kotacerdas.masterplan.models import Agency
from kotacerdas.monitoring.models import Evidence, ProgressReport
from kotacerdas.regions.models import Region

ANSWER_FIELDS = ("cycle", "item", "agency", "text", "claimed_score")
ANSWER_EVIDENCE_FIELDS = (
    "answer",
    "kind",
    "file_name",
    "original_name",
    "content_type",
    "size",
    "url",
    "progress_evidence",
    "caption",
    "added_by",
)
APPLICATION_FIELDS = ("region", "name", "agency", "pillar", "status", "url", "description")
REQUEST_FIELDS = ("cycle", "item", "state", "due_on", "response", "responded_by")

State = EvaluationCycle.State


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


# --- When things may change -----------------------------------------------------------------


def open_requests(cycle: EvaluationCycle, item: Item) -> list[EvidenceRequest]:
    return list(
        EvidenceRequest.objects.filter(
            cycle=cycle, item=item, state=EvidenceRequest.State.OPEN
        ).order_by("created_at")
    )


def answer_problem(cycle: EvaluationCycle) -> str:
    """Why the answer text and claimed score cannot change now ('' when they can)."""
    if cycle.state == State.PREPARING:
        return ""
    if cycle.state == State.IN_ASSESSMENT:
        return _(
            "Penilaian mandiri sudah diajukan: jawaban dan nilai tidak diubah lagi. "
            "Bukti tambahan diberikan lewat permintaan bukti dari asesor."
        )
    return _("Siklus sudah dinilai: penilaian mandiri tidak dapat diubah lagi.")


def evidence_problem(
    cycle: EvaluationCycle, item: Item, evidence: AnswerEvidence | None = None
) -> str:
    """Why evidence of ``item`` cannot be added (or ``evidence`` removed) now.
    In assessment: only for an item with an open evidence request, and only
    evidence added since that request was made."""
    if cycle.state == State.PREPARING:
        return ""
    if cycle.state == State.IN_ASSESSMENT:
        requests = open_requests(cycle, item)
        if not requests:
            return _(
                "Penilaian mandiri sudah diajukan: bukti hanya dapat ditambah untuk butir "
                "yang diminta bukti tambahannya oleh asesor."
            )
        if evidence is not None and evidence.added_at < requests[0].created_at:
            return _(
                "Bukti yang sudah diajukan bersama penilaian mandiri tidak dapat dihapus lagi."
            )
        return ""
    return _("Siklus sudah dinilai: bukti dukung tidak dapat diubah lagi.")


def _require(problem: str, code: str) -> None:
    if problem:
        raise ValidationError(problem, code=code)


def _lock_cycle(cycle: EvaluationCycle) -> None:
    """Inside a write's transaction: wait for any state change of the cycle
    (``cycles.services.cycle_advance`` locks the same row) and read its state anew,
    so that no answer slips in after the self-assessment was submitted."""
    cycle.state = (
        EvaluationCycle.objects.select_for_update().values_list("state", flat=True).get(pk=cycle.pk)
    )


def claimed_score_problem(instrument: Instrument, value: Decimal) -> str:
    """Why ``value`` is not a score on the instrument's scale ('' when it is)."""
    try:
        exponent = value.as_tuple().exponent
    except (InvalidOperation, AttributeError):
        return _("Nilai harus berupa angka.")
    if not isinstance(exponent, int):
        return _("Nilai harus berupa angka.")
    if value < instrument.scale_min or value > instrument.scale_max:
        return _("Nilai harus antara %(min)s dan %(max)s (skala instrumen).") % {
            "min": number_id(instrument.scale_min),
            "max": number_id(instrument.scale_max),
        }
    if value != round(value, instrument.scale_places):
        if instrument.scale_places == 0:
            return _("Nilai harus bilangan bulat (skala instrumen tanpa desimal).")
        return _("Nilai paling banyak %(places)s angka di belakang koma.") % {
            "places": instrument.scale_places
        }
    return ""


def _region_code(cycle: EvaluationCycle) -> str:
    return cycle.region.code


def _check_item(cycle: EvaluationCycle, item: Item) -> None:
    if item.instrument_id not in cycle_instrument_ids(cycle):
        raise ValidationError(_("Butir ini bukan dari instrumen siklus."), code="item")


def _answer_for(*, actor: Actor, cycle: EvaluationCycle, item: Item) -> Answer:
    """The item's answer, created (and audited) the first time it is needed.
    Runs inside the caller's transaction; the row is locked."""
    _check_item(cycle, item)
    answer = Answer.objects.select_for_update().filter(cycle=cycle, item=item).first()
    if answer is not None:
        return answer
    return model_create(
        actor=actor,
        instance=Answer(),
        data={"cycle": cycle, "item": item},
        audit_fields=ANSWER_FIELDS,
        region_code=_region_code(cycle),
    )


# --- Answers ------------------------------------------------------------------------------


def answer_version(text: str, claimed_score: Decimal | None) -> str:
    """A short token of an answer's content (text and claimed score), for
    optimistic concurrency on the self-assessment grid: the page carries the
    token of what it showed, and a save is refused when the stored answer no
    longer has that token. Content rather than ``updated_at``, because adding
    evidence also moves ``updated_at`` without changing the answer
    (docs/decisions.md). Line endings and surrounding blanks do not count:
    browsers send ``\r\n`` for what was stored as ``\n``."""
    score = "" if claimed_score is None else f"{claimed_score.normalize():f}"
    normal = text.replace("\r\n", "\n").strip()
    return hashlib.sha256(f"{score}\x00{normal}".encode()).hexdigest()[:16]


def stored_version(answer: Answer | None) -> str:
    if answer is None:
        return answer_version("", None)
    return answer_version(answer.text, answer.claimed_score)


def answer_save(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    item: Item,
    text: str,
    claimed_score: Decimal | None,
    version: str | None = None,
) -> Answer:
    """Write the answer and claimed score of one item (self-assessment stage
    only). With ``version`` (``answer_version`` of what the writer saw) the
    write is refused, code ``conflict``, when someone changed the answer since."""
    _require(answer_problem(cycle), "locked")
    if claimed_score is not None:
        problem = claimed_score_problem(item.instrument, claimed_score)
        if problem:
            raise ValidationError({"claimed_score": problem})
    with transaction.atomic():
        _lock_cycle(cycle)
        _require(answer_problem(cycle), "locked")
        if version is not None:
            _require_version(cycle, item, version)
        answer = _answer_for(actor=actor, cycle=cycle, item=item)
        _answer, changed = model_update(
            actor=actor,
            instance=answer,
            data={"text": text.strip(), "claimed_score": claimed_score},
            audit_fields=ANSWER_FIELDS,
            region_code=_region_code(cycle),
        )
        if changed:
            _touch(actor, answer)
    return answer


def _require_version(cycle: EvaluationCycle, item: Item, version: str) -> None:
    current = (
        # of=("self",): PostgreSQL locks no row of the outer-joined user.
        Answer.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, item=item)
        .select_related("updated_by")
        .first()
    )
    if stored_version(current) == version:
        return
    who = current.updated_by.get_username() if current and current.updated_by else ""
    if who and current is not None and current.updated_at is not None:
        message = _(
            "Butir ini diubah oleh %(who)s pada %(when)s setelah halaman Anda dimuat; "
            "isian Anda belum disimpan. Periksa jawaban yang tersimpan, lalu simpan lagi "
            "bila isian Anda yang benar."
        ) % {
            "who": who,
            "when": date_format(timezone.localtime(current.updated_at), "j F Y H:i"),
        }
    else:
        message = _(
            "Butir ini diubah orang lain setelah halaman Anda dimuat; isian Anda belum "
            "disimpan. Periksa jawaban yang tersimpan, lalu simpan lagi bila isian Anda "
            "yang benar."
        )
    raise ValidationError(message, code="conflict")


def _touch(actor: Actor, answer: Answer) -> None:
    # Who wrote last and when: shown to the team; the audit trail has the rest.
    answer.updated_at = timezone.now()
    answer.updated_by = _user(actor)
    answer.save(update_fields=["updated_at", "updated_by"])


def answer_delegate(
    *, actor: Actor, cycle: EvaluationCycle, item: Item, agency: Agency | None
) -> Answer:
    """Ask ``agency`` (of the cycle's region) to contribute the item's
    answer, or take it back (``None``)."""
    _require(answer_problem(cycle), "locked")
    if agency is not None and agency.region_id != cycle.region_id:
        raise ValidationError(
            {"agency": _("Perangkat daerah ini bukan dari wilayah siklus.")}, code="agency"
        )
    with transaction.atomic():
        _lock_cycle(cycle)
        _require(answer_problem(cycle), "locked")
        answer = _answer_for(actor=actor, cycle=cycle, item=item)
        model_update(
            actor=actor,
            instance=answer,
            data={"agency": agency},
            audit_fields=ANSWER_FIELDS,
            region_code=_region_code(cycle),
        )
    return answer


# --- Evidence -----------------------------------------------------------------------------


def _evidence_create(
    *, actor: Actor, cycle: EvaluationCycle, item: Item, data: dict[str, Any]
) -> AnswerEvidence:
    _require(evidence_problem(cycle, item), "locked")
    with transaction.atomic():
        _lock_cycle(cycle)
        _require(evidence_problem(cycle, item), "locked")
        answer = _answer_for(actor=actor, cycle=cycle, item=item)
        evidence = model_create(
            actor=actor,
            instance=AnswerEvidence(),
            data={"answer": answer, "added_by": _user(actor), **data},
            audit_fields=ANSWER_EVIDENCE_FIELDS,
            region_code=_region_code(cycle),
        )
        _touch(actor, answer)
    return evidence


def evidence_add_file(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    item: Item,
    upload: UploadedFile,
    caption: str = "",
) -> AnswerEvidence:
    """Check the upload by its content, keep it in private storage under a
    random name and attach it. A failure leaves neither a row nor a file."""
    _require(evidence_problem(cycle, item), "locked")
    checked = validate_upload(upload, kinds=EVIDENCE_KINDS)
    name = store_checked(upload, checked)
    try:
        return _evidence_create(
            actor=actor,
            cycle=cycle,
            item=item,
            data={
                "kind": AnswerEvidence.Kind.FILE,
                "file_name": name,
                "original_name": checked.original_name,
                "content_type": checked.mime,
                "size": checked.size,
                "caption": caption,
            },
        )
    except BaseException:
        delete_private(name)
        raise


def evidence_add_link(
    *, actor: Actor, cycle: EvaluationCycle, item: Item, url: str, caption: str = ""
) -> AnswerEvidence:
    return _evidence_create(
        actor=actor,
        cycle=cycle,
        item=item,
        data={"kind": AnswerEvidence.Kind.LINK, "url": url, "caption": caption},
    )


def progress_evidence_choices(
    cycle: EvaluationCycle, *, agencies: Collection[int] | None = None
) -> QuerySet[Evidence]:
    """Evidence of the verified progress reports of the cycle's region: what
    may be attached without uploading it again. ``agencies``: only the
    reports of these agencies' action plans (what an agency member sees)."""
    qs = Evidence.objects.filter(
        report__state=ProgressReport.State.VERIFIED,
        report__period__masterplan__region_id=cycle.region_id,
    ).select_related("report__action_plan__agency", "report__period")
    if agencies is not None:
        qs = qs.filter(report__action_plan__agency_id__in=agencies)
    return qs


def evidence_add_progress(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    item: Item,
    progress_evidence: Evidence,
    caption: str = "",
) -> AnswerEvidence:
    """Attach evidence of a verified progress report of the same region."""
    if not progress_evidence_choices(cycle).filter(pk=progress_evidence.pk).exists():
        raise ValidationError(
            _(
                "Hanya bukti dari laporan kemajuan yang sudah diverifikasi di wilayah ini "
                "yang dapat dipakai."
            ),
            code="progress",
        )
    if AnswerEvidence.objects.filter(
        answer__cycle=cycle, answer__item=item, progress_evidence=progress_evidence
    ).exists():
        raise ValidationError(_("Bukti ini sudah dilampirkan pada butir ini."), code="duplicate")
    return _evidence_create(
        actor=actor,
        cycle=cycle,
        item=item,
        data={
            "kind": AnswerEvidence.Kind.PROGRESS,
            "progress_evidence": progress_evidence,
            "caption": caption or str(progress_evidence)[:300],
        },
    )


def evidence_remove(*, actor: Actor, evidence: AnswerEvidence) -> None:
    answer = evidence.answer
    _require(evidence_problem(answer.cycle, answer.item, evidence), "locked")
    name = evidence.file_name
    with transaction.atomic():
        _lock_cycle(answer.cycle)
        _require(evidence_problem(answer.cycle, answer.item, evidence), "locked")
        model_delete(
            actor=actor,
            instance=evidence,
            audit_fields=ANSWER_EVIDENCE_FIELDS,
            region_code=_region_code(answer.cycle),
        )
        _touch(actor, answer)
        if name:
            transaction.on_commit(lambda: delete_private(name))


# --- Submitting and evidence requests -----------------------------------------------------


def self_assessment_submit(*, actor: Actor, cycle: EvaluationCycle) -> EvaluationCycle:
    """Hand the self-assessment to the assessors: preparing → in assessment,
    a move of the cycle's state machine (``cycles.services.cycle_advance``,
    audited there)."""
    if cycle.state != State.PREPARING:
        raise ValidationError(
            _("Penilaian mandiri hanya dapat diajukan saat siklus dalam persiapan."),
            code="state",
        )
    return cycle_advance(actor=actor, cycle=cycle, state=State.IN_ASSESSMENT)


def _require_answerable(cycle: EvaluationCycle) -> None:
    if cycle.state not in (State.PREPARING, State.IN_ASSESSMENT):
        raise ValidationError(
            _("Siklus sudah dinilai: permintaan bukti tidak dapat dijawab lagi."), code="state"
        )


def evidence_request_respond(
    *,
    actor: Actor,
    request: EvidenceRequest,
    response: str,
    upload: UploadedFile | None = None,
    url: str = "",
    caption: str = "",
) -> EvidenceRequest:
    """Answer an open evidence request, optionally adding a file or a link
    to the item's answer in the same step."""
    cycle = request.cycle
    _require_answerable(cycle)
    if request.state != EvidenceRequest.State.OPEN:
        raise ValidationError(_("Permintaan ini sudah dijawab atau ditutup."), code="state")
    if not response.strip():
        raise ValidationError({"response": _("Tuliskan jawaban atas permintaan ini.")})
    added: list[AnswerEvidence] = []
    try:
        with transaction.atomic():
            _lock_cycle(cycle)
            _require_answerable(cycle)
            locked = EvidenceRequest.objects.select_for_update().get(pk=request.pk)
            if locked.state != EvidenceRequest.State.OPEN:
                raise ValidationError(_("Permintaan ini sudah dijawab atau ditutup."), code="state")
            if upload is not None:
                added.append(
                    evidence_add_file(
                        actor=actor, cycle=cycle, item=request.item, upload=upload, caption=caption
                    )
                )
            if url:
                evidence_add_link(
                    actor=actor, cycle=cycle, item=request.item, url=url, caption=caption
                )
            model_update(
                actor=actor,
                instance=request,
                data={
                    "response": response.strip(),
                    "state": EvidenceRequest.State.ANSWERED,
                    "responded_at": timezone.now(),
                    "responded_by": _user(actor),
                },
                audit_fields=REQUEST_FIELDS,
                region_code=_region_code(cycle),
            )
    except BaseException:
        # The rows are rolled back; the stored file must go with them.
        for evidence in added:
            delete_private(evidence.file_name)
        raise
    return request


# --- Applications -------------------------------------------------------------------------


def _check_agency(region: Region, agency: Agency | None) -> None:
    if agency is not None and agency.region_id != region.pk:
        raise ValidationError({"agency": _("Perangkat daerah ini bukan dari wilayah ini.")})


def application_create(*, actor: Actor, region: Region, **data: Any) -> Application:
    _check_agency(region, data.get("agency"))
    return model_create(
        actor=actor,
        instance=Application(),
        data={"region": region, **data},
        audit_fields=APPLICATION_FIELDS,
        region_code=region.code,
    )


def application_update(*, actor: Actor, application: Application, **data: Any) -> Application:
    if "region" in data:
        raise TypeError("application_update does not move an application to another region")
    _check_agency(application.region, data.get("agency"))
    model_update(
        actor=actor,
        instance=application,
        data=data,
        audit_fields=APPLICATION_FIELDS,
        region_code=application.region.code,
    )
    return application


def application_delete(*, actor: Actor, application: Application) -> None:
    model_delete(
        actor=actor,
        instance=application,
        audit_fields=APPLICATION_FIELDS,
        region_code=application.region.code,
    )
