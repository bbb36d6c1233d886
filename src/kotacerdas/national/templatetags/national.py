from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from kotacerdas.core.formatting import decimal_id
from kotacerdas.national import selectors

register = template.Library()


@register.simple_tag
def shows_comparison(user: Any) -> bool:
    """Whether the navigation links the comparison page (selectors.shows_comparison)."""
    return bool(user.is_authenticated) and selectors.shows_comparison(user)


@register.filter
def angka(value: Decimal | None) -> str:
    """An index in Indonesian notation, two decimals (``3,48``); ``—`` for none."""
    return "—" if value is None else decimal_id(value)
