"""One run of the checks over one uploaded file: what was found so far, the
refusals every check raises (one message shape each, Indonesian then
English), and reading the file in chunks without holding it in memory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

from kotacerdas.core.uploads.kinds import Kind, Refusal, display_name
from kotacerdas.core.uploads.sniffing import LABELS

CHUNK_BYTES = 256 * 1024
HEAD_BYTES = 8192
# The zip end-of-central-directory record (22 bytes) plus the longest comment.
TAIL_BYTES = 22 + 65535


class Inspection:
    """One run of the checks over one file."""

    def __init__(self, upload: File, kinds: frozenset[str], max_bytes: int | None) -> None:
        self.upload = upload
        self.kinds = kinds
        self.max_bytes = max_bytes
        self.raw_name = str(upload.name or "")
        self.name = display_name(self.raw_name)
        self.size: int | None = None
        self.head = b""
        self.tail = b""
        self.sniffed: str | None = None
        self.inflated = 0  # bytes inflated from PDF object streams so far

    # Raising ---------------------------------------------------------------------

    def refuse(self, code: Refusal, message: str, **params: Any) -> NoReturn:
        raise ValidationError(message, code=str(code), params={"name": self.name, **params})

    def mismatch(self, kind: Kind, found: str | None) -> NoReturn:
        found_id, found_en = LABELS.get(found or "unknown", LABELS["unknown"])
        self.refuse(
            Refusal.TYPE_MISMATCH,
            _(
                "Berkas %(name)s bukan %(expected_id)s yang sah (isinya %(found_id)s). / "
                "%(name)s is not a valid %(expected_en)s (it contains %(found_en)s)."
            ),
            expected_id=kind.label_id,
            expected_en=kind.label_en,
            found_id=found_id,
            found_en=found_en,
        )

    def contains(self, code: Refusal, found: str) -> NoReturn:
        found_id, found_en = LABELS[found]
        self.refuse(
            code,
            _(
                "Berkas %(name)s ditolak karena berisi %(found_id)s. / "
                "%(name)s was refused because it contains %(found_en)s."
            ),
            found_id=found_id,
            found_en=found_en,
        )

    def corrupt(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.CORRUPT,
            _(
                "Berkas %(name)s rusak atau tidak lengkap (%(reason_id)s). / "
                "%(name)s is damaged or incomplete (%(reason_en)s)."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def bomb(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.ZIP_BOMB,
            _(
                "Berkas %(name)s ditolak: isinya membengkak terlalu besar saat dibuka "
                "(%(reason_id)s). / "
                "%(name)s was refused: it expands too much when opened (%(reason_en)s)."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def encrypted(self) -> NoReturn:
        self.refuse(
            Refusal.ENCRYPTED,
            _(
                "Berkas %(name)s dilindungi kata sandi atau terenkripsi sehingga tidak dapat "
                "diperiksa; simpan ulang tanpa kata sandi. / "
                "%(name)s is password-protected or encrypted and cannot be checked; "
                "save it again without a password."
            ),
        )

    def macro(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.MACRO,
            _(
                "Berkas %(name)s berisi makro atau kontrol aktif (%(reason_id)s); simpan ulang "
                "tanpa makro. / "
                "%(name)s contains macros or active controls (%(reason_en)s); "
                "save it again without macros."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def unsafe_archive(self, reason_id: str, reason_en: str) -> NoReturn:
        self.refuse(
            Refusal.UNSAFE_ARCHIVE,
            _(
                "Berkas %(name)s ditolak: susunan arsip di dalamnya tidak aman (%(reason_id)s). / "
                "%(name)s was refused: its archive structure is unsafe (%(reason_en)s)."
            ),
            reason_id=reason_id,
            reason_en=reason_en,
        )

    def polyglot(self, found: str, other: str) -> NoReturn:
        self.refuse(
            Refusal.POLYGLOT,
            _(
                "Berkas %(name)s ditolak: isinya sekaligus %(found_id)s dan %(other_id)s "
                "(berkas poliglot). / "
                "%(name)s was refused: it is %(found_en)s and %(other_en)s at once "
                "(a polyglot file)."
            ),
            found_id=LABELS[found][0],
            found_en=LABELS[found][1],
            other_id=LABELS[other][0],
            other_en=LABELS[other][1],
        )

    # Reading ---------------------------------------------------------------------

    def read_at(self, offset: int, length: int) -> bytes:
        self.upload.seek(offset)
        data: bytes = self.upload.read(length)
        return data

    def chunks(self, start: int = 0) -> Iterator[bytes]:
        """The file from ``start`` in CHUNK_BYTES pieces (seeking before every
        read, so other reads may happen between two chunks)."""
        position = start
        while True:
            self.upload.seek(position)
            chunk: bytes = self.upload.read(CHUNK_BYTES)
            if not chunk:
                return
            position += len(chunk)
            yield chunk

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()
