"""The ``kotacerdas`` console script: every management command, Django's own
included, without manage.py (``kotacerdas serve``, ``kotacerdas demo``,
``kotacerdas figures``, ``kotacerdas migrate`` ...)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the environment (settings.py)
    except ImproperlyConfigured as exc:
        # A configuration the settings refuse (no SECRET_KEY in production, a
        # console mail backend, ...): its message, not a traceback.
        sys.stderr.write(f"kotacerdas: {exc}\n")
        raise SystemExit(2) from None

    execute_from_command_line(["kotacerdas", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
