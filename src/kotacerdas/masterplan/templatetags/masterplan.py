"""Template tags of the masterplan's pages."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from kotacerdas.core.formatting import percent_id
from kotacerdas.masterplan.selectors import Ratio, Scope

register = template.Library()


@register.simple_tag
def figure_link(region_code: str, metric: str, scope: Scope, ratio: Ratio) -> SafeString:
    """A figure's percentage linked to its explanation (``61,17%`` → "Jelaskan
    angka ini"). A tag, not an ``{% include %}``: the dashboard draws about a
    hundred of them, and an include costs a template render each."""
    return format_html(
        '<a class="fig" href="{}" title="{}">{}</a>',
        reverse("masterplan:explain", args=[region_code, metric, scope.slug]),
        gettext("Jelaskan angka ini"),
        percent_id(ratio.percent),
    )
