"""Fill untranslated entries of a gettext catalogue from other .po files.

Usage: python scripts/po_fill.py TARGET.po SOURCE.po [SOURCE.po ...]

Only entries whose msgstr is empty (or fuzzy) in TARGET are filled, by
exact msgid (and msgctxt); everything else in TARGET is kept as it is. Used
when several people translated parts of a release in separate files.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    """The text of quoted lines, joined; escapes are left as written, which is
    enough to compare entries."""
    return "".join(line.strip()[1:-1] for line in lines)


def entries(path: Path) -> dict[tuple[str, str], list[str]]:
    """(msgctxt, msgid) → msgstr lines (quoted, as in the file)."""
    found: dict[tuple[str, str], list[str]] = {}
    ctxt: list[str] = []
    mid: list[str] = []
    mstr: list[str] = []
    current: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        if mid and mstr and not fuzzy and "".join(s.strip()[1:-1] for s in mstr):
            found[(_unquote(ctxt), _unquote(mid))] = list(mstr)

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        stripped = line.strip()
        if not stripped:
            flush()
            ctxt, mid, mstr, current, fuzzy = [], [], [], None, False
        elif stripped.startswith("#,") and "fuzzy" in stripped:
            fuzzy = True
        elif stripped.startswith("#"):
            continue
        elif stripped.startswith("msgctxt "):
            current = ctxt
            ctxt.append(stripped[8:])
        elif stripped.startswith("msgid "):
            current = mid
            mid.append(stripped[6:])
        elif stripped.startswith("msgstr "):
            current = mstr
            mstr.append(stripped[7:])
        elif stripped.startswith('"') and current is not None:
            current.append(stripped)
    return found


def fill(target: Path, sources: list[Path]) -> int:
    known: dict[tuple[str, str], list[str]] = {}
    for source in sources:
        for key, value in entries(source).items():
            known.setdefault(key, value)
    out: list[str] = []
    block: list[str] = []
    filled = 0

    def emit() -> None:
        nonlocal filled
        ctxt = [b.strip()[8:] for b in block if b.startswith("msgctxt ")]
        mid: list[str] = []
        mstr_at = None
        fuzzy = any(b.startswith("#,") and "fuzzy" in b for b in block)
        mode = None
        for i, b in enumerate(block):
            s = b.strip()
            if s.startswith("msgid "):
                mode = "id"
                mid.append(s[6:])
            elif s.startswith("msgstr "):
                mode = "str"
                mstr_at = i
            elif s.startswith('"') and mode == "id":
                mid.append(s)
        if mid and mstr_at is not None:
            mstr_lines = [block[mstr_at].strip()[7:]] + [
                b.strip() for b in block[mstr_at + 1 :] if b.strip().startswith('"')
            ]
            empty = not "".join(s[1:-1] for s in mstr_lines)
            key = (_unquote(ctxt), _unquote(mid))
            if (empty or fuzzy) and key[1] and key in known:
                new = [b for b in block[:mstr_at] if not (b.startswith("#,") and "fuzzy" in b)]
                value = known[key]
                new.append("msgstr " + value[0])
                new.extend(value[1:])
                block[:] = new
                filled += 1
        out.extend(block)

    for line in target.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            emit()
            block = []
            out.append(line)
        else:
            block.append(line)
    emit()
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return filled


if __name__ == "__main__":
    count = fill(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
    print(f"{count} entries filled")  # noqa: T201
