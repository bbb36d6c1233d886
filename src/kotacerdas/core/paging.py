"""Lists in pages with stable, shareable URLs: the page number (``halaman``),
its size (``per``, one of :data:`PAGE_SIZES`) and the list's order (``urut``)
are all in the query string, so a link to page 3 of a filtered, sorted list
shows that page to whoever opens it. One home for every paged HTML list (the
action plans, the programmes, a period's reporting board); the pager is
``includes/pager.html``. No page of a list grows with the data (issue 15:
≤ 150 KB of HTML)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

PAGE_SIZES = (25, 50, 100)
PAGE_PARAM = "halaman"


def page_size_field() -> forms.TypedChoiceField:
    """The ``per`` field of a list's filter form."""
    return forms.TypedChoiceField(
        label=_("Per halaman"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )


def page_size_of(request: HttpRequest, default: int = PAGE_SIZES[0]) -> int:
    """The ``per`` of the query string when it is one of :data:`PAGE_SIZES`,
    else ``default`` (for a list without a filter form)."""
    asked = request.GET.get("per", "")
    return int(asked) if asked in {str(n) for n in PAGE_SIZES} else default


def page_of(request: HttpRequest, items: Any, size: int) -> tuple[Page[Any], str]:
    """The requested page of ``items`` (a number out of range gives the
    last page, anything else the first) and the query string without the
    page number, for the pager's links."""
    page = Paginator(items, size).get_page(request.GET.get(PAGE_PARAM))
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    return page, query.urlencode()
