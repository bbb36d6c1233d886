"""The duplicate review queue: officers and admins of a region see pairs of
businesses that may be one, side by side with personal data masked, and
merge them, keep them apart, or undo a merge.

Views parse input, fetch through :mod:`kotacerdas.umkm.access` (403 for
other members of the region, 404 for everyone else), call a service from
:mod:`kotacerdas.umkm.duplicates.services` and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kotacerdas.core.access import fetch, regions_for
from kotacerdas.core.pages import Confirmation, Consequence, attempt, confirm_page, confirmed
from kotacerdas.umkm.access import candidates_for, registry_region_fetch, registry_regions
from kotacerdas.umkm.duplicates.forms import CandidateFilterForm
from kotacerdas.umkm.duplicates.models import BusinessMerge, DuplicateCandidate
from kotacerdas.umkm.duplicates.selectors import (
    candidate_comparison,
    candidates_pending,
    merge_preview,
    merge_set_aside,
)
from kotacerdas.umkm.duplicates.services import (
    business_merge,
    business_merge_undo,
    candidate_keep_apart,
    candidates_find_soon,
)
from kotacerdas.umkm.registry.selectors import area_names

PAGE_SIZE = 25


def _candidate(request: HttpRequest, pk: int) -> DuplicateCandidate:
    return fetch(
        DuplicateCandidate.objects.filter(region__in=regions_for(request.user)),
        candidates_for(request.user, "change"),
        pk=pk,
    )


def _merge(request: HttpRequest, pk: int) -> BusinessMerge:
    return fetch(
        BusinessMerge.objects.filter(survivor__region__in=regions_for(request.user)),
        BusinessMerge.objects.filter(
            survivor__region__in=registry_regions(request.user, "change")
        ).select_related("survivor__region", "merged"),
        pk=pk,
    )


@login_required
@require_safe
def duplicate_list(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code, "change")
    names = area_names(region)
    filters = CandidateFilterForm(request.GET or None, kelurahan=names.kelurahan)
    pending = candidates_pending(candidates_for(request.user, "change").filter(region=region))
    candidates = filters.apply(pending).order_by("-score", "kind", "id")
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = urlencode({k: request.GET[k] for k in ("kind", "kelurahan") if request.GET.get(k)})
    items = [
        (
            c,
            " · ".join(
                dict.fromkeys(
                    names.kelurahan.get(b.kelurahan_code, b.kelurahan_code)
                    for b in (c.first, c.second)
                )
            ),
        )
        for c in page.object_list
    ]
    context = {
        "region": region,
        "filters": filters,
        "page": page,
        "items": items,
        "query": query,
        "open_count": pending.count(),
    }
    template = (
        "umkm/duplicates/_results.html"
        if request.headers.get("HX-Request") == "true"
        else "umkm/duplicates/list.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def duplicate_search(request: HttpRequest, code: str) -> HttpResponse:
    """Search the whole region for duplicates now (recorded in the audit
    trail); a big region is searched by the worker."""
    region = registry_region_fetch(request.user, code, "change")
    found = candidates_find_soon(actor=request.user, region=region, record_run=True)
    if found is None:
        messages.info(
            request,
            _(
                "Pencarian data ganda berjalan di latar belakang; pasangan baru muncul "
                "di sini setelah selesai."
            ),
        )
    else:
        messages.success(
            request,
            _("%(checked)s usaha diperiksa; %(new)s pasangan baru.")
            % {"checked": found.businesses, "new": found.created_total},
        )
    return redirect("umkm:duplicate_list", code=region.code)


@login_required
@require_safe
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    first, second = candidate.first, candidate.second
    names = area_names(candidate.region)
    decidable = candidate.state == DuplicateCandidate.State.OPEN and all(
        b.merged_into_id is None and b.anonymised_at is None for b in (first, second)
    )
    merge = (
        BusinessMerge.objects.filter(candidate=candidate, undone_at__isnull=True).first()
        if candidate.state == DuplicateCandidate.State.MERGED
        else None
    )
    return render(
        request,
        "umkm/duplicates/detail.html",
        {
            "region": candidate.region,
            "candidate": candidate,
            "first": first,
            "second": second,
            "rows": candidate_comparison(first, second, names.kelurahan),
            "keep_first": merge_preview(first, second),
            "keep_second": merge_preview(second, first),
            "decidable": decidable,
            "merge": merge,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """The merge confirmation: which business stays, which one stops
    counting, which fields are filled and which of the other's values are
    set aside. The detail page's choice (``survivor``) leads here; only the
    confirmation's own POST merges."""
    candidate = _candidate(request, pk)
    choice = request.POST.get("survivor") or request.GET.get("survivor")
    if choice not in ("first", "second"):
        messages.error(request, _("Pilih usaha yang dipertahankan."))
        return redirect("umkm:duplicate_detail", pk=candidate.pk)
    survivor, merged = (
        (candidate.first, candidate.second)
        if choice == "first"
        else (candidate.second, candidate.first)
    )
    if confirmed(request):
        if not attempt(
            request,
            lambda: business_merge(actor=request.user, candidate=candidate, survivor=survivor),
            _("%(merged)s digabung ke %(survivor)s. Penggabungan dapat dibatalkan.")
            % {"merged": merged.name, "survivor": survivor.name},
        ):
            return redirect("umkm:duplicate_detail", pk=candidate.pk)
        return redirect("umkm:duplicate_list", code=candidate.region.code)
    filled = merge_preview(survivor, merged)
    set_aside = merge_set_aside(survivor, merged)
    return confirm_page(
        request,
        Confirmation(
            title=_("Gabungkan %(merged)s ke %(survivor)s?")
            % {"merged": merged.name, "survivor": survivor.name},
            eyebrow=candidate.region.name,
            action_url=reverse("umkm:duplicate_merge", args=[candidate.pk]),
            cancel_url=reverse("umkm:duplicate_detail", args=[candidate.pk]),
            button=_("Gabungkan"),
            intro=_(
                "%(survivor)s (NIK %(nik)s) dipertahankan. %(merged)s (NIK %(nik2)s) tidak "
                "lagi dihitung di daftar, statistik dan data terbuka."
            )
            % {
                "survivor": survivor.name,
                "nik": survivor.masked_nik or "—",
                "merged": merged.name,
                "nik2": merged.masked_nik or "—",
            },
            consequences=(
                Consequence(_("Usaha yang dipertahankan"), survivor.name, "merge-survivor"),
                Consequence(_("Usaha yang digabung"), merged.name, "merge-merged"),
                Consequence(
                    _("Isian yang diambil dari usaha yang digabung"),
                    ", ".join(filled) or _("tidak ada"),
                    "merge-filled",
                ),
                Consequence(
                    _("Isian berbeda yang tidak dipakai"),
                    ", ".join(set_aside) or _("tidak ada"),
                    "merge-set-aside",
                ),
            ),
            irreversible=(
                _(
                    "Nilai %(merged)s yang berbeda tidak dipakai lagi; usaha yang "
                    "dipertahankan memakai isiannya sendiri."
                )
                % {"merged": merged.name},
                _(
                    "Penggabungan dapat dibatalkan dari daftar penggabungan, kecuali salah "
                    "satu usaha sudah digabung lagi atau dianonimkan."
                ),
            ),
            hidden=(("survivor", choice),),
        ),
    )


@login_required
@require_POST
def duplicate_keep_apart(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    if not attempt(
        request,
        lambda: candidate_keep_apart(actor=request.user, candidate=candidate),
        _("%(first)s dan %(second)s dinyatakan usaha yang berbeda.")
        % {"first": candidate.first.name, "second": candidate.second.name},
    ):
        return redirect("umkm:duplicate_detail", pk=candidate.pk)
    return redirect("umkm:duplicate_list", code=candidate.region.code)


@login_required
@require_safe
def merge_list(request: HttpRequest, code: str) -> HttpResponse:
    region = registry_region_fetch(request.user, code, "change")
    merges = (
        BusinessMerge.objects.filter(survivor__region=region, undone_at__isnull=True)
        .select_related("survivor", "merged", "merged_by", "candidate")
        .order_by("-merged_at", "-id")
    )
    page = Paginator(merges, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request, "umkm/duplicates/merge_list.html", {"region": region, "page": page, "query": ""}
    )


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = _merge(request, pk)
    attempt(
        request,
        lambda: business_merge_undo(actor=request.user, merge=merge),
        _("Penggabungan %(merged)s ke %(survivor)s dibatalkan; keduanya kembali seperti semula.")
        % {"merged": merge.merged.name, "survivor": merge.survivor.name},
    )
    return redirect("umkm:merge_list", code=merge.survivor.region.code)
