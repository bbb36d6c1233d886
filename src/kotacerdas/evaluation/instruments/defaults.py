"""The default content of a new instrument.

The dimensions and their default weights are the ministry's (DOMAIN.md §3:
10/20/30/20/20). The ministry's questions, its item scale and its readiness
weights are not public, so the items below are ILLUSTRATIVE: a small, plausible
starting set for the ministry's operator to replace (by editing the draft or
by importing the spreadsheet). The readiness weights are an equal split, for
the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kotacerdas.evaluation.instruments.models import (
    EVALUATION_DIMENSIONS,
    READINESS_DIMENSIONS,
    Instrument,
)
from kotacerdas.evaluation.instruments.selectors import DEFAULT_WEIGHTS
from kotacerdas.masterplan.pillars import PILLARS


@dataclass(frozen=True)
class ItemSeed:
    dimension: str
    code: str
    question: str
    evidence: str
    pillar: str = ""


@dataclass(frozen=True)
class InstrumentSeed:
    name: str
    dimensions: tuple[tuple[str, str, Decimal], ...]  # code, name, weight
    items: tuple[ItemSeed, ...]


_EVALUATION_ITEMS: tuple[ItemSeed, ...] = (
    ItemSeed(
        "baseline",
        "BL-1",
        "Capaian daerah meningkat dibanding hasil evaluasi tahun sebelumnya.",
        "Hasil evaluasi tahun sebelumnya dan rekap perubahannya.",
    ),
    ItemSeed(
        "baseline",
        "BL-2",
        "Rekomendasi asesor tahun sebelumnya sudah ditindaklanjuti.",
        "Daftar rekomendasi dengan tindak lanjut dan buktinya.",
    ),
    ItemSeed(
        "output",
        "OP-1",
        "Masterplan smart city ditetapkan dengan peraturan kepala daerah.",
        "Peraturan wali kota/bupati tentang masterplan smart city.",
    ),
    ItemSeed(
        "output",
        "OP-2",
        "Dewan Smart City dan Tim Pelaksana dibentuk dan bekerja.",
        "Keputusan pembentukan, struktur organisasi, notula rapat.",
    ),
    ItemSeed(
        "output",
        "OP-3",
        "Program smart city dianggarkan dalam APBD tahun berjalan.",
        "Dokumen pelaksanaan anggaran perangkat daerah.",
    ),
    ItemSeed(
        "outcome",
        "OC-1",
        "Rencana aksi masterplan dilaksanakan sesuai jadwal.",
        "Rekap capaian rencana aksi dan laporan kemajuan terverifikasi.",
    ),
    ItemSeed(
        "outcome",
        "OC-2",
        "Aplikasi daerah diinventarisasi beserta unit pengelolanya.",
        "Inventaris aplikasi.",
    ),
    ItemSeed(
        "impact",
        "IM-1",
        "Layanan smart city memberi manfaat yang dirasakan warga.",
        "Hasil survei dampak kepada masyarakat.",
    ),
    ItemSeed(
        "impact",
        "IM-2",
        "Masyarakat berpartisipasi dan program berkelanjutan.",
        "Rekap tinjauan lapangan, data partisipasi, rencana keberlanjutan.",
    ),
    *(
        ItemSeed(
            "quick_win",
            f"QW-{n}",
            f"Quick win {pillar.name} tahun berjalan terlaksana dan dimanfaatkan.",
            "Laporan pelaksanaan quick win dan bukti pemanfaatannya.",
            pillar.code,
        )
        for n, pillar in enumerate(PILLARS, start=1)
    ),
)

_READINESS_ELEMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "struktur": (("ST-1", "SDM"), ("ST-2", "finansial"), ("ST-3", "tata kelola")),
    "infrastruktur": (("IN-1", "fisik"), ("IN-2", "digital"), ("IN-3", "sosial")),
    "suprastruktur": (("SP-1", "regulasi"), ("SP-2", "kelembagaan"), ("SP-3", "implementasi")),
}
_READINESS_WEIGHTS = (Decimal("33.33"), Decimal("33.33"), Decimal("33.34"))

SEEDS: dict[str, InstrumentSeed] = {
    Instrument.Kind.EVALUATION: InstrumentSeed(
        name="Instrumen Evaluasi Smart City",
        dimensions=tuple(
            (code, name, DEFAULT_WEIGHTS[code]) for code, name in EVALUATION_DIMENSIONS
        ),
        items=_EVALUATION_ITEMS,
    ),
    Instrument.Kind.READINESS: InstrumentSeed(
        name="Instrumen Kesiapan Daerah",
        dimensions=tuple(
            (code, name, weight)
            for (code, name), weight in zip(READINESS_DIMENSIONS, _READINESS_WEIGHTS, strict=True)
        ),
        items=tuple(
            ItemSeed(
                dimension,
                code,
                f"Kesiapan {dimension} daerah dari sisi {element}.",
                f"Dokumen yang menunjukkan kesiapan {element}.",
            )
            for dimension, elements in _READINESS_ELEMENTS.items()
            for code, element in elements
        ),
    ),
}
