"""KBLI (Klasifikasi Baku Lapangan Usaha Indonesia): versions, categories and
which 2-digit divisions belong to which category.

KBLI 2020 follows ISIC Rev. 4 (categories A–U); KBLI 2025 follows ISIC Rev. 5
(categories A–V, in force December 2025). Every stored code carries its
version, because the same code may mean different things in the two.

A code is checked against its version's divisions here. When the official
list of 5-digit codes has been loaded (``kotacerdas umkm kbli-load``, see
docs/decisions.md §16), a code must also be in that list: callers pass the
list (``KbliCode.objects.official(version)``); this module reads no table.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

VERSIONS = ("2020", "2025")
DEFAULT_VERSION = "2020"


def _ranges(*spec: tuple[str, int, int]) -> dict[str, str]:
    table: dict[str, str] = {}
    for category, first, last in spec:
        for division in range(first, last + 1):
            table[f"{division:02d}"] = category
    return table


_V2020 = _ranges(
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
)
_V2025 = _ranges(
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 46, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 60),
    ("K", 61, 63),
    ("L", 64, 66),
    ("M", 68, 68),
    ("N", 69, 75),
    ("O", 77, 82),
    ("P", 84, 84),
    ("Q", 85, 85),
    ("R", 86, 88),
    ("S", 90, 93),
    ("T", 94, 96),
    ("U", 97, 98),
    ("V", 99, 99),
)
DIVISIONS = {"2020": _V2020, "2025": _V2025}

CATEGORY_NAMES = {
    "2020": {
        "A": _("Pertanian, Kehutanan dan Perikanan"),
        "B": _("Pertambangan dan Penggalian"),
        "C": _("Industri Pengolahan"),
        "D": _("Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin"),
        "E": _("Pengelolaan Air, Air Limbah, Sampah dan Remediasi"),
        "F": _("Konstruksi"),
        "G": _("Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor"),
        "H": _("Pengangkutan dan Pergudangan"),
        "I": _("Penyediaan Akomodasi dan Makan Minum"),
        "J": _("Informasi dan Komunikasi"),
        "K": _("Aktivitas Keuangan dan Asuransi"),
        "L": _("Real Estat"),
        "M": _("Aktivitas Profesional, Ilmiah dan Teknis"),
        "N": _("Aktivitas Penyewaan, Ketenagakerjaan, Agen Perjalanan dan Penunjang Usaha"),
        "O": _("Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib"),
        "P": _("Pendidikan"),
        "Q": _("Aktivitas Kesehatan Manusia dan Aktivitas Sosial"),
        "R": _("Kesenian, Hiburan dan Rekreasi"),
        "S": _("Aktivitas Jasa Lainnya"),
        "T": _("Aktivitas Rumah Tangga sebagai Pemberi Kerja"),
        "U": _("Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya"),
    },
    "2025": {
        "A": _("Pertanian, Kehutanan dan Perikanan"),
        "B": _("Pertambangan dan Penggalian"),
        "C": _("Industri Pengolahan"),
        "D": _("Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin"),
        "E": _("Pengelolaan Air, Air Limbah, Sampah dan Remediasi"),
        "F": _("Konstruksi"),
        "G": _("Perdagangan Besar dan Eceran"),
        "H": _("Pengangkutan dan Pergudangan"),
        "I": _("Penyediaan Akomodasi dan Makan Minum"),
        "J": _("Penerbitan, Penyiaran, serta Produksi dan Distribusi Konten"),
        "K": _("Telekomunikasi, Pemrograman Komputer, Konsultansi dan Infrastruktur Komputasi"),
        "L": _("Aktivitas Keuangan dan Asuransi"),
        "M": _("Real Estat"),
        "N": _("Aktivitas Profesional, Ilmiah dan Teknis"),
        "O": _("Aktivitas Administratif dan Penunjang Usaha"),
        "P": _("Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib"),
        "Q": _("Pendidikan"),
        "R": _("Aktivitas Kesehatan Manusia dan Aktivitas Sosial"),
        "S": _("Kesenian, Olahraga dan Rekreasi"),
        "T": _("Aktivitas Jasa Lainnya"),
        "U": _("Aktivitas Rumah Tangga sebagai Pemberi Kerja"),
        "V": _("Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya"),
    },
}


def category_of(code: str, version: str, official: Collection[str] | None = None) -> str | None:
    """The category letter of a 5-digit ``code`` in ``version``, or None when
    the code does not exist there: its division is not one of the version's,
    or the version's ``official`` list (None: not loaded) does not have it."""
    category = DIVISIONS[version].get(code[:2])
    if category is None:
        return None
    if official is not None and code not in official:
        return None
    return category


def category_name(category: str, version: str = DEFAULT_VERSION) -> str:
    return str(CATEGORY_NAMES.get(version, {}).get(category, category))


MANUFACTURING = "C"  # industri pengolahan: the category IKM classes apply to
