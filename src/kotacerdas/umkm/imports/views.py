"""Survey imports on the web: upload a spreadsheet, map its columns, follow
the background import, read its summary and download the rejection report.

Registry officers and admins of the region use these pages; other members
of the region get 403, everyone else 404 (no existence leak). The import
itself is :func:`kotacerdas.umkm.imports.engine.run_import`, the same code as
the ``kotacerdas umkm import`` command, run by :func:`kotacerdas.umkm.tasks.import_run`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from kotacerdas.core.access import fetch, regions_for
from kotacerdas.core.formatting import decimal_id
from kotacerdas.core.jobs import moment_text
from kotacerdas.core.regions import region_reference_check
from kotacerdas.core.storage import private_file_response
from kotacerdas.core.uploads import KINDS
from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import kelurahan_of
from kotacerdas.umkm.access import can, import_jobs_for, registry_region_fetch
from kotacerdas.umkm.imports import selectors, services
from kotacerdas.umkm.imports.aliases import PlaceAlias, PlaceAliasForm, place_alias_add
from kotacerdas.umkm.imports.engine import Inspection, inspect
from kotacerdas.umkm.imports.forms import ImportUploadForm, MappingForm
from kotacerdas.umkm.imports.headers import FIELDS, header_signature
from kotacerdas.umkm.imports.models import ImportJob
from kotacerdas.umkm.imports.progress import job_progress
from kotacerdas.umkm.imports.reading import ImportFileError

SAMPLE_VALUES = 5
# How a kelurahan was read (places.REPORTED_RULES), as the summary names it.
PLACE_RULES = {
    "former": gettext_lazy("Kelurahan dibaca dari nama lama"),
    "alias": gettext_lazy("Kelurahan dibaca dari nama yang ditetapkan petugas"),
    "short": gettext_lazy("Kelurahan dibaca dari nama pendek"),
    "fuzzy": gettext_lazy("Kelurahan dibaca dari ejaan yang mirip"),
}
COUNTS = ("rows", "imported", "matched_existing", "duplicates_in_file", "rejected")
RECENT_JOBS = 50
State = ImportJob.State

# What each count of the summary means, in plain words.
SUMMARY: tuple[tuple[str, Any, Any], ...] = (
    (
        "imported",
        gettext_lazy("Didaftarkan baru"),
        gettext_lazy("Usaha yang belum ada di registri dan kini terdaftar."),
    ),
    (
        "matched_existing",
        gettext_lazy("Sudah terdaftar"),
        gettext_lazy(
            "Baris yang cocok dengan usaha yang sudah ada di registri (misalnya dari impor "
            "sebelumnya); tidak ditambahkan lagi."
        ),
    ),
    (
        "duplicates_in_file",
        gettext_lazy("Ganda dalam berkas"),
        gettext_lazy(
            "Baris yang mengulang baris lain di berkas yang sama; usahanya dihitung sekali."
        ),
    ),
    (
        "rejected",
        gettext_lazy("Ditolak"),
        gettext_lazy(
            "Baris yang tidak dapat didaftarkan. Setiap baris, dengan isi aslinya dan "
            "alasannya, ada di laporan penolakan."
        ),
    ),
)


# --- Access ---------------------------------------------------------------------------------


def _region(request: HttpRequest, code: str) -> Region:
    return registry_region_fetch(request.user, code, "change")


def _missing_region(request: HttpRequest, code: str) -> HttpResponse | None:
    """On a fresh install the deployment admin (a superuser) who opens the
    import of a region not added yet learns how to add it; anyone else gets
    the usual 404 (no existence leak)."""
    if not request.user.is_superuser or Region.objects.filter(code=code).exists():
        return None
    try:
        area, problems = region_reference_check(code), []
    except ValidationError as error:
        area, problems = None, error.messages
    return render(
        request,
        "umkm/import/region_missing.html",
        {"code": code, "area": area, "problems": problems},
        status=404,
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    visible = ImportJob.objects.filter(region__in=regions_for(request.user))
    return fetch(visible, import_jobs_for(request.user, "change"), pk=pk)


# --- Pages ------------------------------------------------------------------------------------


@login_required
@require_safe
def import_list(request: HttpRequest, code: str) -> HttpResponse:
    if (missing := _missing_region(request, code)) is not None:
        return missing
    region = _region(request, code)
    jobs = [
        services.give_up_if_stalled(job)
        for job in import_jobs_for(request.user).filter(region=region)[:RECENT_JOBS]
    ]
    rows = [{"job": job, "counts": [_count(getattr(job, key)) for key in COUNTS]} for job in jobs]
    return render(request, "umkm/import/list.html", {"region": region, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    if (missing := _missing_region(request, code)) is not None:
        return missing
    region = _region(request, code)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            actor=request.user,
            region=region,
            upload=form.cleaned_data["file"],
            checked=form.checked,
        )
        return redirect("umkm:import_mapping", pk=job.pk)
    return render(request, "umkm/import/upload.html", {"region": region, "form": form})


# Fields whose sample values are shown as they are; a column suggested as
# anything else, or not recognised at all (it may hold owner names or
# addresses under an unusual header), shows its samples masked.
PLAIN_SAMPLE_FIELDS = frozenset(
    {
        "name",
        "kbli_code",
        "kbli_version",
        "kecamatan",
        "kelurahan",
        "workers",
        "year_started",
        "sells_online",
        "uses_qris",
        "production_capacity",
        "production_capacity_unit",
    }
)


def _mask(value: str, field: str) -> str:
    """A sample value fit to show on the mapping screen: personal data, any
    column not known to be harmless, and anything that looks like an
    identifier (10 digits or more) is masked."""
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    if field in ("capital", "annual_sales"):
        return "***"
    if len(digits) >= 10 or field not in PLAIN_SAMPLE_FIELDS:
        keep = 6 if len(digits) >= 16 else 2
        return value[:keep] + "*" * min(max(len(value) - keep, 3), 12)
    return value


def _columns(
    inspection: Inspection, form: MappingForm, initial: dict[int, str]
) -> list[dict[str, Any]]:
    columns = []
    for index, header in enumerate(inspection.headers):
        field = initial.get(index, "")
        samples = [
            _mask(str(row[index]).strip(), field)
            for row in inspection.sample_rows
            if index < len(row) and str(row[index]).strip()
        ][:SAMPLE_VALUES]
        columns.append(
            {"number": index + 1, "header": header, "samples": samples, "field": form.column(index)}
        )
    return columns


def _inspect(job: ImportJob, sheet: str | None) -> tuple[Inspection, str]:
    """The engine's look at the file, on ``sheet`` if the file has one of that
    name and the engine can read its header; else on the sheet the engine
    detects, with the reason the requested sheet could not be used. Raises
    ImportFileError when the file cannot be read at all."""
    with selectors.stored_file(job) as path:
        detected = inspect(path, filename=job.filename)
        if not sheet or sheet == detected.sheet or sheet not in detected.sheets:
            return detected, ""
        try:
            return inspect(path, filename=job.filename, sheet=sheet), ""
        except ImportFileError as error:
            return detected, error.message


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.state != State.MAPPING:
        return redirect("umkm:import_detail", pk=job.pk)
    source = request.POST if request.method == "POST" else request.GET
    try:
        inspection, sheet_error = _inspect(job, source.get("sheet") or None)
    except ImportFileError as error:
        services.import_job_fail(actor=request.user, job=job, message=error.message)
        return redirect("umkm:import_detail", pk=job.pk)
    if sheet_error:
        messages.error(request, sheet_error)
    signature = header_signature(inspection.headers)
    remembered = selectors.remembered_mapping(
        region=job.region, signature=signature, columns=len(inspection.headers), fields=FIELDS
    )
    initial = remembered if remembered is not None else dict(inspection.suggested)
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        headers=inspection.headers,
        fields=FIELDS,
        initial_mapping=initial,
    )
    if request.method == "POST" and form.is_valid():
        services.import_job_map(
            actor=request.user,
            job=job,
            sheet=inspection.sheet,
            header_row=inspection.header_row,
            headers=list(inspection.headers),
            signature=signature,
            mapping=form.cleaned_data["mapping"],
            rows_estimate=inspection.rows_estimate,
        )
        messages.success(
            request,
            _(
                "Pemetaan kolom disimpan dan impor masuk antrean. Berkas berikutnya dengan "
                "judul kolom yang sama akan memakai pemetaan ini."
            ),
        )
        return redirect("umkm:import_detail", pk=job.pk)
    earlier = selectors.earlier_imports(job).first()
    context = {
        "region": job.region,
        "job": job,
        "inspection": inspection,
        "form": form,
        "columns": _columns(inspection, form, initial),
        "remembered": remembered is not None,
        "earlier": earlier,
        "earlier_at": moment_text(earlier.finished_at or earlier.created_at) if earlier else "",
    }
    return render(request, "umkm/import/mapping.html", context)


def _person(job: ImportJob) -> str:
    user = job.created_by
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _count(value: int | None) -> str:
    """A count in Indonesian notation (``12.500``), in both languages
    (docs/decisions.md §10)."""
    return "—" if value is None else decimal_id(Decimal(value), 0)


def _progress_context(job: ImportJob) -> dict[str, Any]:
    job = services.give_up_if_stalled(job)
    progress = job_progress(job)
    warnings = selectors.import_warnings(job) if job.state == State.DONE else None
    skipped = selectors.import_skipped(job) if job.state == State.DONE else None
    counts = {key: _count(getattr(job, key)) for key in COUNTS}
    return {
        "region": job.region,
        "job": job,
        "created_by": _person(job),
        "progress": progress,
        "done_text": _count(progress.done),
        "total_text": _count(progress.total),
        "since_text": moment_text(progress.since) if progress.since else "",
        "counts": counts,
        "summary": [
            {"key": key, "label": label, "help": help_text, "value": counts[key]}
            for key, label, help_text in SUMMARY
        ],
        "warnings": None if warnings is None else _count(warnings),
        "retention_days": settings.KOTACERDAS_IMPORT_FILE_RETENTION_DAYS,
        "skipped": None if skipped is None else _count(skipped),
        "place_rules": [
            (PLACE_RULES[rule], _count(count))
            for rule, count in selectors.import_place_rules(job).items()
            if rule in PLACE_RULES
        ]
        if job.state == State.DONE
        else [],
    }


@login_required
@require_safe
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "umkm/import/detail.html", _progress_context(job))


@login_required
@require_safe
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by htmx while the job is active."""
    job = _job(request, pk)
    return render(request, "umkm/import/_progress.html", _progress_context(job))


@login_required
@require_safe
def import_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The rejection report holds the rejected rows' original cells, NIKs and
    phone numbers included: it is an export of personal data, so only those
    who may reveal it get it, and every download is recorded."""
    job = _job(request, pk)
    if job.state != State.DONE or not job.report_name:
        raise Http404
    if not can(request.user, "reveal", job.region):
        raise PermissionDenied
    stem = job.filename.rsplit(".", 1)[0] or "impor"
    report_name = services.import_report_export(actor=request.user, job=job)
    try:
        return private_file_response(
            report_name,
            download_name=f"laporan-penolakan-{stem}.xlsx",
            content_type=KINDS["xlsx"].mime_type,
        )
    except FileNotFoundError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def import_place_alias(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Treat X as Y from now on" for a place name an import did not know
    (issue 20): registry officers and admins of the job's region."""
    job = _job(request, pk)
    region = job.region
    form = PlaceAliasForm(
        request.POST if request.method == "POST" else None,
        region=region,
        initial={"text": request.GET.get("teks", "")[:120]},
    )
    if request.method == "POST" and form.is_valid():
        alias = place_alias_add(
            actor=request.user,
            region=region,
            text=form.cleaned_data["text"],
            kelurahan_code=form.cleaned_data["kelurahan_code"],
        )
        messages.success(
            request,
            _(
                "Mulai sekarang “%(text)s” dibaca sebagai kelurahan/desa %(code)s pada setiap "
                "impor di wilayah ini."
            )
            % {"text": alias.text, "code": alias.kelurahan_code},
        )
        return redirect("umkm:import_detail", pk=job.pk)
    names = {area.code: area.name for area in kelurahan_of(region.code)}
    aliases = list(PlaceAlias.objects.filter(region=region))
    for alias in aliases:
        alias.kelurahan_name = names.get(alias.kelurahan_code, "")  # type: ignore[attr-defined]
    return render(
        request,
        "umkm/import/place_alias.html",
        {"job": job, "region": region, "form": form, "aliases": aliases},
    )
