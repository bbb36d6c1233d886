"""Legacy Office files (DOC, XLS, PPT): OLE compound files. A small reader
of [MS-CFB] lists their storages and streams, so installers, encryption,
VBA projects and Excel 4.0 macro sheets are refused without handing the
file to a full parser."""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Iterator

from kotacerdas.core.uploads.inspection import Inspection
from kotacerdas.core.uploads.kinds import MB, Kind, Refusal
from kotacerdas.core.uploads.sniffing import OLE_MAGIC

logger = logging.getLogger("kotacerdas.core.uploads")  # one logger for every check


def open_ole(inspection: Inspection) -> _OleFile:
    """The file's compound-file structure; refused as corrupt when unreadable."""
    try:
        return _OleFile(inspection.read_at, inspection.size or 0)
    except (_OleError, struct.error):
        logger.debug("OLE refused", exc_info=True)
        inspection.corrupt("struktur Office lama rusak", "its legacy Office structure is damaged")


def ole_kind(inspection: Inspection, ole: _OleFile) -> str:
    """Which kind the OLE file is; refuses installers, encryption and macros."""
    if ole.is_installer():
        inspection.contains(Refusal.EXECUTABLE, "msi")
    names = ole.names()
    if {"encryptioninfo", "encryptedpackage"} & names or "encryptedsummary" in names:
        inspection.encrypted()
    if names & {"macros", "_vba_project_cur", "vba", "_vba_project"}:
        inspection.macro("proyek VBA", "a VBA project")
    if "worddocument" in names:
        return "doc"
    if "workbook" in names or "book" in names:
        return "xls"
    if "powerpoint document" in names:
        return "ppt"
    return "ole"


def check_ole(inspection: Inspection, kind: Kind) -> None:
    """A legacy Office file of the claimed kind, unencrypted and without macros."""
    if inspection.sniffed != "ole":
        inspection.mismatch(kind, inspection.sniffed)
    ole = open_ole(inspection)
    found = ole_kind(inspection, ole)
    if found != kind.name:
        inspection.mismatch(kind, found)
    try:
        if found == "doc":
            fib = ole.read_stream("WordDocument", 32)
            # FIB: wIdent 0xA5EC, then flags with fEncrypted (0x0100).
            if len(fib) >= 12 and fib[:2] == b"\xec\xa5" and fib[11] & 0x01:
                inspection.encrypted()
        elif found == "xls":
            stream = "Workbook" if "workbook" in ole.names() else "Book"
            _check_biff(inspection, ole.read_stream(stream, MB))  # BOUNDSHEETs come early
    except (_OleError, struct.error):
        logger.debug("OLE stream refused", exc_info=True)
        inspection.corrupt("struktur Office lama rusak", "its legacy Office structure is damaged")


def _check_biff(inspection: Inspection, data: bytes) -> None:
    """Walk the workbook globals: FILEPASS means encrypted; a BOUNDSHEET of
    type macro sheet or VBA module means Excel 4.0 (XLM) or VBA macros."""
    offset = 0
    while offset + 4 <= len(data):
        record, length = struct.unpack_from("<HH", data, offset)
        body = data[offset + 4 : offset + 4 + length]
        if record == 0x002F:  # FILEPASS
            inspection.encrypted()
        if record == 0x0085 and len(body) >= 6 and body[5] in (0x01, 0x06):  # BOUNDSHEET
            inspection.macro("lembar makro Excel 4.0 (XLM)", "Excel 4.0 (XLM) macro sheets")
        if record == 0x000A:  # EOF of the globals substream
            return
        offset += 4 + length


class _OleError(Exception):
    """The compound file is damaged or not one at all."""


class _OleFile:
    """Just enough of [MS-CFB] to list the storages and streams of a legacy
    Office file and read the start of one stream. Every chain is bounded by
    the file size and checked for loops."""

    END_OF_CHAIN = 0xFFFFFFFE
    FREE = 0xFFFFFFFF
    MAX_ENTRIES = 100_000

    def __init__(self, read_at: Callable[[int, int], bytes], size: int) -> None:
        self.read_at = read_at
        header = read_at(0, 512)
        if len(header) < 512 or not header.startswith(OLE_MAGIC):
            raise _OleError("no OLE header")
        sector_shift, mini_shift = struct.unpack_from("<HH", header, 30)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise _OleError("bad sector sizes")
        self.sector_size = 1 << sector_shift
        self.mini_size = 64
        self.sector_count = (size + self.sector_size - 1) // self.sector_size
        (fat_count,) = struct.unpack_from("<I", header, 44)
        (first_directory,) = struct.unpack_from("<I", header, 48)
        self.mini_cutoff, self.first_mini_fat = struct.unpack_from("<II", header, 56)
        first_difat, difat_count = struct.unpack_from("<II", header, 68)
        if fat_count > self.sector_count or difat_count > self.sector_count:
            raise _OleError("more FAT sectors than the file holds")
        fat_sectors = list(struct.unpack_from("<109I", header, 76))[: min(fat_count, 109)]
        # Files over ~7 MB list the rest of their FAT sectors in a DIFAT chain.
        number, walked = first_difat, 0
        while len(fat_sectors) < fat_count and number not in (self.END_OF_CHAIN, self.FREE):
            walked += 1
            if walked > difat_count:
                raise _OleError("DIFAT chain longer than declared")
            values = struct.unpack(f"<{self.sector_size // 4}I", self._sector(number))
            fat_sectors.extend(values[:-1])
            number = values[-1]
        if len(fat_sectors) < fat_count:
            raise _OleError("FAT sectors missing")
        self.fat_sectors = fat_sectors[:fat_count]
        self._fat_cache: dict[int, tuple[int, ...]] = {}
        self.entries = self._directory(first_directory)
        if not self.entries or self.entries[0][1] != 5:
            raise _OleError("no root entry")

    def _sector(self, number: int) -> bytes:
        if number >= self.sector_count:
            raise _OleError("sector beyond the end of the file")
        return self.read_at((number + 1) * self.sector_size, self.sector_size).ljust(
            self.sector_size, b"\x00"
        )

    def _fat_next(self, number: int) -> int:
        per = self.sector_size // 4
        index = number // per
        if index >= len(self.fat_sectors):
            raise _OleError("sector not covered by the FAT")
        if index not in self._fat_cache:
            self._fat_cache[index] = struct.unpack(
                f"<{per}I", self._sector(self.fat_sectors[index])
            )
        return int(self._fat_cache[index][number % per])

    def _walk(
        self, start: int, following: Callable[[int], int], limit: int | None = None
    ) -> Iterator[int]:
        """The sector numbers of a chain; at most ``limit`` (default: as many
        sectors as the file has), each at most once."""
        limit = self.sector_count if limit is None else limit
        seen: set[int] = set()
        number = start
        while number not in (self.END_OF_CHAIN, self.FREE):
            if number in seen or len(seen) >= limit:
                raise _OleError("sector chain loops")
            seen.add(number)
            yield number
            number = following(number)

    def _directory(self, start: int) -> list[tuple[str, int, int, int, bytes]]:
        entries: list[tuple[str, int, int, int, bytes]] = []
        for sector in self._walk(start, self._fat_next):
            data = self._sector(sector)
            for offset in range(0, self.sector_size, 128):
                raw = data[offset : offset + 128]
                (name_length,) = struct.unpack_from("<H", raw, 64)
                kind = raw[66]
                start_sector, stream_size = struct.unpack_from("<IQ", raw, 116)
                name = raw[: max(0, min(name_length, 64) - 2)].decode("utf-16-le", "replace")
                entries.append((name, kind, start_sector, stream_size, raw[80:96]))
            if len(entries) > self.MAX_ENTRIES:
                raise _OleError("too many directory entries")
        return entries

    def names(self) -> set[str]:
        """Lower-cased names of every storage and stream."""
        return {name.lower() for name, kind, *_rest in self.entries if kind in (1, 2, 5)}

    def is_installer(self) -> bool:
        """Windows Installer databases, patches and transforms (root CLSID
        {000C108x-0000-0000-C000-000000000046})."""
        clsid = self.entries[0][4]
        return clsid[:2] in (b"\x84\x10", b"\x86\x10", b"\x82\x10") and clsid[2:] == (
            b"\x0c\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"
        )

    def read_stream(self, name: str, limit: int) -> bytes:
        """The first ``limit`` bytes of the stream called ``name``."""
        wanted = name.lower()
        entry = next((e for e in self.entries if e[1] == 2 and e[0].lower() == wanted), None)
        if entry is None:
            raise _OleError(f"no stream {name}")
        _name, _kind, start, full_size, _clsid = entry
        size = min(full_size, limit)
        parts: list[bytes] = []
        have = 0
        if full_size >= self.mini_cutoff:
            for sector in self._walk(start, self._fat_next):
                if have >= size:
                    break
                parts.append(self._sector(sector))
                have += self.sector_size
            return b"".join(parts)[:size]
        # Small streams live in 64-byte sectors inside the root entry's stream.
        container = list(self._walk(self.entries[0][2], self._fat_next))
        mini_fat: list[int] = []
        for sector in self._walk(self.first_mini_fat, self._fat_next):
            mini_fat.extend(struct.unpack(f"<{self.sector_size // 4}I", self._sector(sector)))

        def mini_next(number: int) -> int:
            if number >= len(mini_fat):
                raise _OleError("mini sector not covered by the mini FAT")
            return mini_fat[number]

        for mini in self._walk(start, mini_next, len(mini_fat)):
            if have >= size:
                break
            position = mini * self.mini_size
            index, within = divmod(position, self.sector_size)
            if index >= len(container):
                raise _OleError("mini sector beyond the mini stream")
            parts.append(self._sector(container[index])[within : within + self.mini_size])
            have += self.mini_size
        return b"".join(parts)[:size]
