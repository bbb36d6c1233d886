"""The six pillars of Gerakan Menuju Kota Cerdas and their three elements each
(DOMAIN.md §1), in the order the product uses. Seeded for every masterplan;
labels are editable per masterplan afterwards."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PillarSeed:
    code: str
    name: str
    name_id: str
    elements: tuple[tuple[str, str], ...]


PILLARS: tuple[PillarSeed, ...] = (
    PillarSeed(
        "governance",
        "Smart Governance",
        "Tata kelola cerdas",
        (
            ("pelayanan_publik", "Pelayanan publik"),
            ("manajemen_birokrasi", "Manajemen birokrasi yang efisien"),
            ("efisiensi_kebijakan", "Efisiensi kebijakan publik"),
        ),
    ),
    PillarSeed(
        "branding",
        "Smart Branding",
        "Pemasaran daerah cerdas",
        (
            ("ekosistem_pariwisata", "Ekosistem pariwisata"),
            ("ekosistem_bisnis", "Ekosistem bisnis daerah"),
            ("wajah_kota", "Wajah kota"),
        ),
    ),
    PillarSeed(
        "economy",
        "Smart Economy",
        "Ekonomi cerdas",
        (
            ("ekosistem_industri", "Ekosistem industri yang berdaya saing"),
            ("kesejahteraan_rakyat", "Kesejahteraan rakyat"),
            ("transaksi_keuangan", "Ekosistem transaksi keuangan"),
        ),
    ),
    PillarSeed(
        "living",
        "Smart Living",
        "Hunian cerdas",
        (
            ("tata_ruang", "Harmonisasi tata ruang / pola hidup"),
            ("sarana_kesehatan", "Sarana prasarana kesehatan"),
            ("sarana_transportasi", "Sarana transportasi"),
        ),
    ),
    PillarSeed(
        "society",
        "Smart Society",
        "Masyarakat cerdas",
        (
            ("interaksi_masyarakat", "Interaksi masyarakat yang efisien"),
            ("ekosistem_belajar", "Ekosistem belajar yang efisien"),
            ("keamanan_masyarakat", "Sistem keamanan masyarakat"),
        ),
    ),
    PillarSeed(
        "environment",
        "Smart Environment",
        "Lingkungan cerdas",
        (
            ("proteksi_lingkungan", "Proteksi lingkungan"),
            ("sampah_limbah", "Tata kelola sampah dan limbah"),
            ("tata_kelola_energi", "Tata kelola energi yang bertanggung jawab"),
        ),
    ),
)
