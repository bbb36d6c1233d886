"""The ``kotacerdas`` console script: every management command, Django's own
included, without manage.py (``kotacerdas serve``, ``kotacerdas demo``,
``kotacerdas figures``, ``kotacerdas migrate`` ...)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kotacerdas", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
