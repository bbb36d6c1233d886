"""Typed settings helpers: every setting comes from the environment and fails loudly.

Modelled on Healthchecks' ``hc/settings.py``: a wrong value stops the process at
start-up with a message naming the variable, instead of surfacing as a strange
bug later. Only ``kotacerdas/settings.py`` calls these; the rest of the code
reads ``django.conf.settings`` (tests/core/test_settings.py checks both).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured


def _lookup(name: str, old_name: str = "") -> tuple[str, str | None]:
    """(the variable that holds the value, its raw value). ``old_name`` is a
    deprecated name of the same variable, still read when ``name`` is unset;
    both set to different values is refused, since one of them is a mistake."""
    raw = os.environ.get(name)
    old = os.environ.get(old_name) if old_name else None
    if old is None or old == "":
        return name, raw
    if raw is None or raw == "":
        return old_name, old
    if raw.strip() != old.strip():
        raise ImproperlyConfigured(
            f"{name}={raw!r} and its deprecated name {old_name}={old!r} disagree; keep only {name}."
        )
    return name, raw


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, old_name: str = "") -> int:
    source, raw = _lookup(name, old_name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{source} must be a whole number, not {raw!r}") from None


def env_decimal(name: str, default: Decimal) -> Decimal:
    """A decimal number written with a dot (``0.5``); never a float, so the
    value is exactly what the operator wrote."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ImproperlyConfigured(f"{name} must be a number such as 0.5, not {raw!r}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_names_set(names: Iterable[str]) -> list[str]:
    """Which of ``names`` are set to something in the environment, sorted."""
    return sorted(name for name in names if os.environ.get(name, "").strip())
