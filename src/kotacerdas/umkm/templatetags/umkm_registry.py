"""Template helpers of the registry pages.

``{% registry_visible user region as show %}`` tells base.html whether to put
the registry in the navigation (officers and admins of the region)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.http import urlencode

from kotacerdas.umkm.access import Action, can
from kotacerdas.umkm.registry.models import Business
from kotacerdas.umkm.registry.selectors import AreaNames

register = template.Library()


@register.simple_tag
def registry_can(user: Any, region: Any, action: Action = "view") -> bool:
    if region is None or user is None or not user.is_authenticated:
        return False
    return can(user, action, region)


@register.simple_tag
def registry_visible(user: Any, region: Any) -> bool:
    return registry_can(user, region, "view")


@register.simple_tag
def area_label(names: AreaNames, code: str) -> str:
    return names.kelurahan.get(code, code) if code else "—"


@register.simple_tag
def page_query(filters: dict[str, str], number: int) -> str:
    query: dict[str, str | int] = {**filters, "page": number}
    return urlencode(query)


@register.filter
def field_labels(names: list[str]) -> str:
    """``["owner_nik", "phone"]`` → "NIK pemilik, telepon" (the model's labels)."""
    labels = []
    for name in names:
        try:
            labels.append(str(getattr(Business._meta.get_field(name), "verbose_name", name)))
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)
