"""One reader for names people type (businesses, their owners): Unicode NFC,
no invisible characters, single spaces.

Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C)
make a name display differently from what it is (an RTL override spells
"Toko Jaya" backwards on screen); zero-width characters (U+200B–U+200D,
U+2060, U+FEFF, U+180E) make two names that look alike differ, which defeats
exact matching and duplicate detection (issue 14). Both are removed, and the
caller learns how many were, so it can tell the person (a form's note, an
import's warning). NFC makes "é" typed as e + combining accent equal to the
precomposed "é".

Forms use :class:`kotacerdas.core.forms.NameField`, imports
:func:`name_clean`, and models :func:`name_normalise` as the last guard.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

INVISIBLE = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # marks
    "\u200b\u200c\u200d\u2060\ufeff\u180e"  # zero-width characters
)
_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")


@dataclass(frozen=True)
class CleanName:
    text: str
    removed: int  # invisible characters taken out


def name_clean(value: Any) -> CleanName:
    """``value`` as a name to store: NFC, invisible characters removed,
    whitespace runs (and NUL) as one space, trimmed."""
    return CleanName(*name_text(value))


def name_text(value: Any) -> tuple[str, int]:
    """:func:`name_clean` as (text, invisible characters removed), without
    an object per call (an import's million rows)."""
    if value is None:
        return "", 0
    if value.__class__ is str and value.isascii():
        # Most names: NFC leaves ASCII as it is and no invisible character is
        # ASCII, so only the spaces are left to do.
        return " ".join(value.replace("\x00", " ").split()), 0
    text = unicodedata.normalize("NFC", str(value).replace("\x00", " "))
    text, removed = _INVISIBLE.subn("", text)
    return " ".join(text.split()), removed


def name_normalise(value: Any) -> str:
    return name_clean(value).text
