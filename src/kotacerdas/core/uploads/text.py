"""CSV and plain text: UTF-8 (with or without BOM) or Windows-1252, no NUL
or binary control bytes, no markup a browser would run."""

from __future__ import annotations

import codecs
import re
from typing import NoReturn

from django.utils.translation import gettext as _

from kotacerdas.core.uploads.inspection import Inspection
from kotacerdas.core.uploads.kinds import Kind, Refusal

_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_TEXT_SCRIPT = re.compile(r"<\s*(script|iframe|svg|object|embed|applet|frameset)\b", re.IGNORECASE)


def check_text(inspection: Inspection, kind: Kind) -> None:
    """Text in UTF-8 or Windows-1252, without binary bytes or markup."""
    if inspection.sniffed is not None:
        inspection.mismatch(kind, inspection.sniffed)
    for encoding in ("utf-8-sig", "cp1252"):
        if _decodes_as(inspection, encoding):
            return
    inspection.refuse(
        Refusal.ENCODING,
        _(
            "Berkas %(name)s bukan teks UTF-8 atau Windows-1252 yang sah; simpan sebagai "
            "CSV/teks UTF-8. / "
            "%(name)s is not valid UTF-8 or Windows-1252 text; save it as UTF-8 CSV/text."
        ),
    )


def _decodes_as(inspection: Inspection, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    carry = ""
    try:
        for chunk in inspection.chunks():
            if b"\x00" in chunk:
                _not_text(
                    inspection, "berisi byte NUL; mungkin UTF-16", "it has NUL bytes; UTF-16?"
                )
            window = carry + decoder.decode(chunk)
            if _TEXT_CONTROL.search(window):
                _not_text(
                    inspection, "berisi karakter kendali biner", "it has binary control bytes"
                )
            if _TEXT_SCRIPT.search(window):
                inspection.contains(Refusal.SCRIPT, "markup")
            carry = window[-64:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _not_text(inspection: Inspection, reason_id: str, reason_en: str) -> NoReturn:
    inspection.refuse(
        Refusal.ENCODING,
        _(
            "Berkas %(name)s bukan teks biasa (%(reason_id)s); simpan sebagai CSV/teks "
            "UTF-8. / "
            "%(name)s is not plain text (%(reason_en)s); save it as UTF-8 CSV/text."
        ),
        reason_id=reason_id,
        reason_en=reason_en,
    )
