"""``kotacerdas umkm <action>``: the UMKM/IKM registry from the command line.

Each action is a module of ``kotacerdas.umkm.commands`` (``kbli_load`` is the
action ``kbli-load``, ``import_`` the action ``import``) with ``HELP``,
``add_arguments(parser)`` and ``handle(command, options)``; this command only
dispatches, so the actions stay thin and separate."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

import kotacerdas.umkm.commands as package


def _actions() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            name = info.name.rstrip("_").replace("_", "-")
            found[name] = importlib.import_module(f"{package.__name__}.{info.name}")
    return found


class Command(BaseCommand):
    help = "Registri UMKM/IKM (DIGILOKA). / The UMKM/IKM registry."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        for name, module in sorted(_actions().items()):
            sub = actions.add_parser(name, help=module.HELP)
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        _actions()[options["action"]].handle(self, options)
