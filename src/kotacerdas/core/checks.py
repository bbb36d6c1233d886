"""System checks of KotaCerdas (``kotacerdas check``; every command runs them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def renamed_environment(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A renamed environment variable still set under its old name: it works,
    but the old name will go (settings.KOTACERDAS_RENAMED_ENVIRONMENT)."""
    renamed: dict[str, str] = settings.KOTACERDAS_RENAMED_ENVIRONMENT
    return [
        Warning(
            f"Variabel lingkungan {old} sudah usang; ganti namanya menjadi {renamed[old]}. / "
            f"The environment variable {old} is deprecated; rename it to {renamed[old]}.",
            hint="docs/operations.md, Konfigurasi / Configuration",
            id="kotacerdas.W001",
        )
        for old in settings.KOTACERDAS_DEPRECATED_IN_USE
    ]
