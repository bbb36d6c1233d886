"""The evaluation report as PDF (A4, Indonesian): WeasyPrint renders
``evaluation/report/pdf.html`` with ``pdf.css``.

WeasyPrint never goes to the network: its URL fetcher here serves only the
product's own static files (the logo) and refuses every other address. Fonts
are DejaVu (Debian's fonts-dejavu-core). WeasyPrint needs the system's Pango
(libpango-1.0-0, libpangoft2-1.0-0); it is imported only when a PDF is made,
so the rest of the product runs without it and the download says what is
missing (``PdfUnavailable``).
"""

from __future__ import annotations

import mimetypes
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kotacerdas.evaluation.reports.charts import Bar, bar_chart
from kotacerdas.evaluation.reports.data import ReportData

STATIC_DIR = (Path(__file__).resolve().parents[2] / "static" / "kotacerdas").resolve()


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing."""


def charts(data: ReportData) -> dict[str, Any]:
    """The report's SVG bar charts: dimensions and pillars, each with the
    previous year's values when there is a comparison."""
    scale_max = Fraction(data.cycle.instrument.scale_max)
    comparison = data.comparison
    legend = None
    previous_dimensions: dict[str, Fraction | None] = {}
    previous_pillars: dict[str, Fraction | None] = {}
    if comparison is not None:
        legend = (str(data.year), str(comparison.previous_year))
        previous_dimensions = {r.code: r.previous for r in comparison.dimensions}
        previous_pillars = {r.code: r.previous for r in comparison.pillars}
    return {
        "dimension_chart": bar_chart(
            bars=[Bar(r.name, r.score, previous_dimensions.get(r.code)) for r in data.dimensions],
            scale_max=scale_max,
            title=_("Nilai per dimensi"),
            legend=legend,
        )
        if data.dimensions
        else "",
        "pillar_chart": bar_chart(
            bars=[Bar(r.name, r.score, previous_pillars.get(r.code)) for r in data.pillars],
            scale_max=scale_max,
            title=_("Nilai per pilar"),
            legend=legend,
        )
        if data.pillars
        else "",
    }


def report_html(data: ReportData) -> str:
    return render_to_string("evaluation/report/pdf.html", {"report": data, **charts(data)})


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for ``content:``)."""
    cleaned = "".join(c for c in text if c >= " ")
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def report_css(data: ReportData) -> str:
    """The stylesheet, with the running texts of every page: the page number
    ("Halaman 2 dari 9"), the region and year, and on a draft the mark."""
    marker = "\x00"
    numbering = _("Halaman %(page)s dari %(pages)s") % {
        "page": marker + "1",
        "pages": marker + "2",
    }
    first, *rest = numbering.split(marker)
    pieces = [_css_string(first)]
    for part in rest:
        pieces += ["counter(page)" if part[:1] == "1" else "counter(pages)", _css_string(part[1:])]
    content = " ".join(piece for piece in pieces if piece != '""')
    return render_to_string(
        "evaluation/report/pdf.css",
        {
            "page_numbers": content,
            "running_title": _css_string(f"{data.region_name} · {data.year} · {data.stage}"),
            "draft_mark": _css_string(_("DRAF / belum diumumkan")),
        },
    )


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class StaticOnlyFetcher(URLFetcher):
        """Serves files under the product's static folder; refuses the rest
        (no network, no other local files)."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused (no external resources in reports): {url}")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(STATIC_DIR) or not path.is_file():
                raise ValueError(f"refused (not a static file of KotaCerdas): {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except OSError as error:  # the system's Pango is missing
        raise PdfUnavailable(
            _(
                "PDF tidak dapat dibuat: pustaka sistem Pango belum terpasang di server "
                "(libpango-1.0-0, libpangoft2-1.0-0). Unduh laporan XLSX, atau minta "
                "operator memasangnya."
            )
        ) from error
    return weasyprint


def render_document(data: ReportData) -> Any:
    """The laid-out report: a WeasyPrint ``Document`` (``.pages``,
    ``.write_pdf()``)."""
    weasyprint = _weasyprint()
    fetcher = _fetcher_class()(allowed_protocols=("file",), fail_on_errors=False)
    base_url = STATIC_DIR.as_uri() + "/"
    stylesheet = weasyprint.CSS(string=report_css(data), base_url=base_url, url_fetcher=fetcher)
    html = weasyprint.HTML(string=report_html(data), base_url=base_url, url_fetcher=fetcher)
    return html.render(stylesheets=[stylesheet])


def report_pdf(data: ReportData) -> bytes:
    document = render_document(data)
    content: bytes = document.write_pdf()
    return content
