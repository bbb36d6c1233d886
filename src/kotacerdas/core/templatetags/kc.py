"""Template filters for Indonesian notation; the same helpers serve the CLI."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django import template
from django.templatetags.cache import CacheNode, do_cache
from django.utils import timezone
from django.utils.safestring import mark_safe

from kotacerdas.core import extensions, formatting, timezones

register = template.Library()
logger = logging.getLogger(__name__)


class _ForgivingCacheNode(CacheNode):
    """Django's ``{% cache %}``, but a cache that cannot be reached (a shared
    Redis restarting) costs speed, not the page: the fragment is rendered
    uncached, with a warning (issue 16, core/caching.py)."""

    def render(self, context: Any) -> str:
        try:
            return str(super().render(context))
        except template.TemplateSyntaxError:
            raise
        except Exception as error:  # the cache's own failure, whatever its backend
            logger.warning(
                "Cache unavailable (%s); the fragment is built uncached", type(error).__name__
            )
            return str(self.nodelist.render(context))


@register.tag("kc_cache")
def kc_cache(parser: Any, token: Any) -> CacheNode:
    """``{% kc_cache 3600 name vary... %}…{% endcache %}``: ``{% cache %}``
    that renders uncached when the cache is down."""
    node = do_cache(parser, token)
    node.__class__ = _ForgivingCacheNode
    return node


@register.filter
def pct(value: Decimal | None) -> str:
    """``61,17%``."""
    return formatting.percent_id(value)


@register.filter
def rupiah(value: Decimal | int | None) -> str:
    return formatting.rupiah(value)


@register.filter
def tanggal(value: dt.date | dt.datetime | None) -> str:
    """``18 November 2024``; a moment is dated in the active (region's) zone,
    never by its UTC date."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return formatting.date_id(value)


@register.simple_tag
def zona() -> str:
    """The abbreviation of the zone times are shown in: WIB, WITA or WIT."""
    return timezones.current_abbreviation()


@register.filter
def svgnum(value: Decimal | None) -> str:
    """A plain number for SVG attributes (never localised)."""
    return "0" if value is None else format(value, "f")


@register.filter
def exact(ratio: Any) -> str:
    """The unrounded value of a Ratio, ``0,611650…``."""
    return formatting.ratio_exact_id(ratio.numerator, ratio.denominator)


@register.filter
def pct_text(value: str | None) -> str:
    """A percentage stored as text with a dot (JSON, snapshots) shown as ``61,17%``."""
    return formatting.percent_id(None if value in (None, "") else Decimal(str(value)))


@register.filter
def signed(value: Decimal | None) -> str:
    """A difference in percentage points: ``+1,94``, ``−0,50``, ``0,00``."""
    if value is None:
        return "—"
    text = formatting.decimal_id(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "") + text


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def verbose_name(model: Any) -> str:
    return str(model._meta.verbose_name).capitalize() if model is not None else ""


@register.simple_tag
def is_region_admin(user: Any, region: Any) -> bool:
    """Whether ``user`` belongs to the smart city team of ``region`` (or is a
    superuser): navigation only; every view checks access itself."""
    from kotacerdas.core.access import roles_of

    if region is None or user is None:
        return False
    return roles_of(user).is_admin_of(region.pk)


@register.simple_tag
def manages_deployment(user: Any) -> bool:
    """Whether ``user`` adds regions and appoints their admins (deployment
    admin or superuser): navigation only."""
    from kotacerdas.core.access import roles_of

    return user is not None and roles_of(user).manages_deployment


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, **values: Any) -> str:
    """The panels other apps put into ``slot`` of this page (core/extensions.py)."""
    request = context.get("request")
    if request is None:
        return ""
    return mark_safe("".join(extensions.panels_render(slot, request, **values)))  # noqa: S308 - panels return rendered templates


@register.inclusion_tag("includes/chart.html")
def chart(c: Any) -> dict[str, Any]:
    """Draw a :class:`kotacerdas.core.charts.Chart` (the one chart template)."""
    return {"c": c}
