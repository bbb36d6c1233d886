"""The comparison pages (signed in, scoped by :func:`selectors.regions_in_scope`),
their CSV/XLSX export, a province's page and the public national page.

Sorting and the province filter are plain GET parameters (``?provinsi=14&urut=program&arah=turun``),
so the page works without JavaScript and a sorted, filtered view can be
bookmarked or exported as it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kotacerdas.core.access import role_scope
from kotacerdas.core.caching import PUBLISHED, cached, data_version, with_csrf, without_csrf
from kotacerdas.core.sheets.writing import CONTENT_TYPES
from kotacerdas.national import exports, selectors
from kotacerdas.national.caching import EVALUATED
from kotacerdas.regions.models import Region

DESCENDING = "turun"


@dataclass
class Choices:
    """What the person asked for, checked: unknown values are dropped with a
    notice, never obeyed half-way."""

    province: str = ""
    column: str = selectors.DEFAULT_SORT
    descending: bool = False
    notices: list[str] = field(default_factory=list)

    def query(self, **change: Any) -> str:
        values = {"provinsi": self.province, "urut": self.column, "arah": ""}
        if self.descending:
            values["arah"] = DESCENDING
        values.update(change)
        return urlencode({k: v for k, v in values.items() if v})


def _choices(request: HttpRequest, *, with_province: bool = True) -> Choices:
    choices = Choices()
    province = request.GET.get("provinsi", "").strip()
    if province and with_province:
        if selectors.is_province_code(province):
            choices.province = province
        else:
            choices.notices.append(
                _(
                    "Provinsi %(code)s tidak dikenal: tulis kode provinsi Kemendagri dua "
                    "angka, mis. 14 (Riau). Semua provinsi ditampilkan. / Unknown province "
                    "%(code)s: use the two-digit Kemendagri code, e.g. 14 (Riau); all "
                    "provinces are shown."
                )
                % {"code": province[:20]}
            )
    column = request.GET.get("urut", "").strip()
    if column:
        if column in selectors.SORT_KEYS:
            choices.column = column
        else:
            choices.notices.append(
                _(
                    "Kolom urutan %(column)s tidak dikenal; diurutkan menurut kode. / Unknown "
                    "sort column %(column)s; sorted by code."
                )
                % {"column": column[:40]}
            )
    choices.descending = request.GET.get("arah", "") == DESCENDING
    return choices


@dataclass(frozen=True)
class Line:
    """A row as the table shows it, with its links."""

    row: selectors.RegionRow
    home: str  # the region's public portal
    explain_plans: str  # the public explanation of each published figure
    explain_programmes: str
    province: str


def _lines(rows: list[selectors.RegionRow]) -> list[Line]:
    """The table's rows with their links, each address reversed once per
    page and filled per row: reversing four addresses for each of 514
    regions cost more than reading their figures."""
    marker = "00.00"

    def pattern(name: str, *args: str) -> str:
        return reverse(name, args=[marker, *args])

    home = pattern("portal:home")
    plans = pattern("portal:explain", "action_plans", "overall")
    programmes = pattern("portal:explain", "programmes", "overall")
    province = reverse("national:province", args=["00"])
    return [
        Line(
            row=row,
            home=home.replace(marker, row.code),
            explain_plans=plans.replace(marker, row.code),
            explain_programmes=programmes.replace(marker, row.code),
            province=province.replace("00", row.province_code),
        )
        for row in rows
    ]


def _texts() -> dict[str, str]:
    """The table's words, translated once per page rather than per row."""
    return {
        "explain": _("Jelaskan angka ini"),
        "portal": _("Angka terbit di portal publik wilayah"),
        "no_masterplan": _("(belum ada masterplan ditetapkan)"),
        "in_implementation": _("terimplementasi"),
        "from": _("dari"),
        "closed": _("ditutup"),
        "no_period": _("belum ada periode ditutup"),
    }


def _scope(request: HttpRequest) -> QuerySet[Region]:
    return selectors.regions_in_scope(request.user)


NUMERIC_COLUMNS = frozenset({"rencana_aksi", "program", "quick_win", "indeks", "perubahan"})


def _headers(choices: Choices, base: str) -> list[dict[str, Any]]:
    """Each column's header: a link that sorts by it (again: the other way)."""
    headers = []
    labels = {
        "kode": _("Kode"),
        "nama": _("Wilayah"),
        "provinsi": _("Provinsi"),
        "rencana_aksi": _("Capaian rencana aksi"),
        "program": _("Implementasi program"),
        "quick_win": _("Quick win"),
        "indeks": _("Indeks evaluasi"),
        "perubahan": _("Perubahan indeks"),
        "periode": _("Periode terbit"),
    }
    for key in selectors.SORT_KEYS:
        current = key == choices.column
        flip = current and not choices.descending
        headers.append(
            {
                "key": key,
                "label": labels[key],
                "url": f"{base}?{choices.query(urut=key, arah=DESCENDING if flip else '')}",
                "sort": ("descending" if choices.descending else "ascending") if current else "",
                "numeric": key in NUMERIC_COLUMNS,
            }
        )
    return headers


@login_required
@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    """The table is cached (national/caching.py): built from the checked
    choices only, so a notice about a dropped value is outside it."""
    regions = _scope(request)
    choices = _choices(request)

    def body() -> str:
        found = selectors.comparison(regions=regions, province=choices.province or None)
        rows = selectors.rows_sorted(found.rows, choices.column, descending=choices.descending)
        return render_to_string(
            "national/_compare_body.html",
            {
                "c": found,
                "lines": _lines(rows),
                "t": _texts(),
                "choices": choices,
                "headers": _headers(choices, reverse("national:compare")),
                "provinces": selectors.provinces_of(regions),
                "export_query": choices.query(),
            },
        )

    parts = (
        "compare",
        role_scope(request.user),
        choices.province,
        choices.column,
        choices.descending,
        data_version(EVALUATED),
        timezone.localdate().isoformat(),  # which masterplan covers "this year"
    )
    html = cached(parts, body, version=PUBLISHED) or body()
    return render(
        request,
        "national/compare.html",
        {"body": mark_safe(html), "choices": choices},  # noqa: S308 - our own template
    )


@login_required
@require_safe
def compare_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    choices = _choices(request)
    found = selectors.comparison(regions=_scope(request), province=choices.province or None)
    rows = selectors.rows_sorted(found.rows, choices.column, descending=choices.descending)
    response = HttpResponse(
        exports.comparison_file(found, rows, fmt), content_type=CONTENT_TYPES[fmt]
    )
    name = f"perbandingan-{choices.province}" if choices.province else "perbandingan"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def province(request: HttpRequest, code: str) -> HttpResponse:
    """A province's kab/kota in the person's scope; 404 for a code that is
    not a province or has none of them (no existence leak)."""
    summary = selectors.province_summary(regions=_scope(request), code=code)
    if summary is None:
        raise Http404
    choices = _choices(request, with_province=False)
    choices.province = code
    rows = selectors.rows_sorted(
        summary.comparison.rows, choices.column, descending=choices.descending
    )
    base = reverse("national:province", args=[code])
    return render(
        request,
        "national/province.html",
        {
            "p": summary,
            "c": summary.comparison,
            "rows": rows,
            "lines": _lines(rows),
            "t": _texts(),
            "choices": choices,
            "headers": _headers(choices, base),
            "export_query": choices.query(),
        },
    )


@require_safe
def public(request: HttpRequest) -> HttpResponse:
    """Regions that publish, by province, linking their portals; cached
    like the portal (per published data version and language). Only what
    each region's portal shows already: its name, its latest published
    period and its two headline figures. No evaluation result here."""

    def build() -> str:
        rows = [
            row for row in selectors.comparison(regions=Region.objects.all()).rows if row.enacted
        ]
        groups: dict[tuple[str, str], list[selectors.RegionRow]] = {}
        for row in rows:
            groups.setdefault((row.province_code, row.province_name), []).append(row)
        return render_to_string(
            "national/public.html",
            without_csrf(
                {
                    "provinces": sorted(groups.items()),
                    "published": sum(1 for r in rows if r.period is not None),
                    "total": len(rows),
                    "path": request.path,
                }
            ),
        )

    html = cached(("national-public",), build, version=PUBLISHED)
    assert html is not None
    return HttpResponse(with_csrf(html, request))
