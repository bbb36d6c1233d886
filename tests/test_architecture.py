"""The house rules of docs/architecture.md, read from the code itself.

- Apps import downward only: each app may import apps on a lower floor of
  ``FLOORS``, never one on its own floor (a sibling) or above.
- No module imports a private name (``_name``) or a private module of
  another app.
- No two modules import each other, directly or around a circle.

Imports are read with ``ast`` from every module under src/kotacerdas, those
inside functions and ``if TYPE_CHECKING:`` blocks included: a lazy import
hides a dependency from the reader, it does not remove it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "kotacerdas"

# Lowest first. An app may import the apps of every floor below its own.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("env",),  # typed settings helpers, imported by settings.py
    ("regions",),  # Kemendagri reference data and Region: the foundation
    ("core",),  # the kernel: access, audit, sheets, numbers, uploads, formatting, pages
    ("masterplan",),
    ("monitoring", "umkm"),
    ("evaluation",),
    ("accounts",),  # sign-in: MFA policy reads evaluation assignments
    ("portal",),
    ("national",),  # regions side by side: reads the portal's published figures
    ("api",),
    ("demo",),  # loads every app's demo data
    ("settings", "urls", "wsgi", "cli"),  # the assembled site
)
FLOOR_OF = {app: number for number, apps in enumerate(FLOORS) for app in apps}


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # imported module, dotted (resolved to a module that exists)
    names: tuple[str, ...]  # names taken from it (``from x import a, b``)
    line: int


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(module: str, level: int, source: str, is_package: bool) -> str:
    if level == 0:
        return module
    base = source.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _imports() -> Iterator[Import]:
    for source, path in MODULES.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PACKAGE + "."):
                        yield Import(source, _existing(alias.name), (), node.lineno)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(node.module or "", node.level, source, is_package)
                if not target.startswith(PACKAGE + ".") and target != PACKAGE:
                    continue
                plain: list[str] = []
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    if submodule in MODULES:  # ``from pkg import module``
                        yield Import(source, submodule, (), node.lineno)
                    else:
                        plain.append(alias.name)
                if plain:
                    yield Import(source, _existing(target), tuple(plain), node.lineno)


def _existing(module: str) -> str:
    while module not in MODULES and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


IMPORTS = list(_imports())


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_every_app_has_a_floor():
    apps = {app_of(module) for module in MODULES} - {PACKAGE}
    assert apps <= set(FLOOR_OF), f"Apps without a floor in FLOORS: {sorted(apps - set(FLOOR_OF))}"


def test_apps_import_downward_only():
    upward = sorted(
        f"{i.source}:{i.line} imports {i.target} "
        f"({app_of(i.source)} floor {FLOOR_OF[app_of(i.source)]} → "
        f"{app_of(i.target)} floor {FLOOR_OF[app_of(i.target)]})"
        for i in IMPORTS
        if app_of(i.source) != app_of(i.target)
        and app_of(i.target) != PACKAGE
        and FLOOR_OF[app_of(i.target)] >= FLOOR_OF[app_of(i.source)]
    )
    assert not upward, "Imports that do not go down:\n" + "\n".join(upward)


def test_no_module_takes_private_names_of_another_app():
    private = sorted(
        f"{i.source}:{i.line} takes {name} from {i.target}"
        for i in IMPORTS
        if app_of(i.source) != app_of(i.target)
        for name in (*i.names, i.target.rsplit(".", 1)[-1])
        if name.startswith("_") and not name.startswith("__")
    )
    assert not private, "Private names used across apps:\n" + "\n".join(private)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _module_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for i in IMPORTS:
        if i.source != i.target:
            edges.setdefault(i.source, set()).add(i.target)
    return edges


def test_no_module_imports_itself_around_a_circle():
    cycles = _cycles(_module_edges())
    assert not cycles, "Modules that import each other:\n" + "\n".join(
        " ↔ ".join(cycle) for cycle in cycles
    )


def test_the_rules_see_a_real_upward_import():
    # The reader itself works: masterplan's views import core (down); a
    # made-up import of umkm from masterplan would be caught.
    assert any(
        i.source == "kotacerdas.masterplan.views" and app_of(i.target) == "core" for i in IMPORTS
    )
    fake = Import("kotacerdas.masterplan.views", "kotacerdas.umkm.models", ("Business",), 1)
    assert FLOOR_OF[app_of(fake.target)] > FLOOR_OF[app_of(fake.source)]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
