"""Places where one app shows something of another without importing it.

Apps import downward only (docs/architecture.md). When a page of a lower app
(the masterplan's programme page) should show a panel that belongs to an app
above it (the UMKM registry as DIGILOKA's output), the lower app names a
*slot* and renders whatever fills it; the upper app fills the slot from its
``AppConfig.ready()``. This is NetBox's "template extensions" idea, kept to
what we need: a slot is a string, a panel a function.

- ``panel`` slots are rendered into pages by ``{% panels "slot" key=value %}``
  (core/templatetags/kc.py). A panel gets the request and the page's keyword
  arguments and returns HTML, or ``""`` when it has nothing to show.
- ``notes`` slots collect plain lines (the demo's logins printed by ``serve``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

Panel = Callable[..., str]
Note = Callable[[], list[str]]

_panels: dict[str, list[Panel]] = defaultdict(list)
_notes: dict[str, list[Note]] = defaultdict(list)


def panel_register(slot: str, panel: Panel) -> None:
    """Fill ``slot`` with ``panel(request, **page_values) -> html``. Registering
    the same function twice (a second ``ready()`` in tests) has no effect."""
    if panel not in _panels[slot]:
        _panels[slot].append(panel)


def panels_render(slot: str, request: HttpRequest, **values: Any) -> list[str]:
    """The HTML of every panel of ``slot`` that has something to show."""
    return [html for panel in _panels[slot] if (html := panel(request, **values))]


def note_register(slot: str, note: Note) -> None:
    if note not in _notes[slot]:
        _notes[slot].append(note)


def notes_collect(slot: str) -> list[str]:
    return [line for note in _notes[slot] for line in note()]


# --- What a backup holds ------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalData:
    """What an app keeps of people: its tables (db table → personal columns)
    and its stored private files (name under private storage → kind)."""

    tables: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


PersonalDataDescriber = Callable[[], PersonalData]
_personal_data: list[PersonalDataDescriber] = []


def personal_data_register(describe: PersonalDataDescriber) -> None:
    """An app says what personal data it keeps (read by ``backup`` for the
    archive's manifest). Registering twice has no effect."""
    if describe not in _personal_data:
        _personal_data.append(describe)


def personal_data_described() -> PersonalData:
    """Every registered app's personal data, merged."""
    merged = PersonalData()
    for describe in _personal_data:
        found = describe()
        merged.tables.update(found.tables)
        merged.files.update(found.files)
    return merged
