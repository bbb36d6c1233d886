"""Indonesian identifiers and values as survey spreadsheets bring them
(DOMAIN.md §5): NIK, NIB, NPWP, KBLI, phone numbers, Rupiah amounts, halal and
P-IRT numbers.

Every ``clean_*`` function takes the raw cell (text, int, float or None) and
returns the normalised value, ``""``/``None`` for an empty cell, or raises
:class:`Invalid` with a reason code from :data:`REASONS`. They are plain
functions without Django so that the import pipeline can call them millions of
times; the model's validators and the forms call the same functions, so a rule
lives in one place.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core import numbers
from kotacerdas.umkm import kbli

# reason code → message (Indonesian msgid, translated to English by gettext).
REASONS: dict[str, Any] = {
    "nik_length": _("NIK harus 16 digit angka."),
    "nik_digits": _("NIK harus 16 digit; ada %(value)s."),
    "nik_damaged": _(
        "NIK rusak oleh format angka spreadsheet (mis. 1.47201E+15 atau digit akhir menjadi "
        "000): isi ulang sebagai teks."
    ),
    "nik_date": _("NIK tidak sah: digit 7–12 bukan tanggal lahir (DDMMYY, perempuan DD+40)."),
    "nik_serial": _(
        "NIK tidak sah: nomor urut (4 digit terakhir) tidak boleh 0000; digit akhir yang "
        "menjadi 0 biasanya tanda NIK rusak oleh format angka spreadsheet."
    ),
    "nik_region": _("NIK tidak sah: 6 digit pertama bukan kode wilayah."),
    "nib_length": _("NIB harus 13 digit angka."),
    "nib_damaged": _("NIB rusak oleh format angka spreadsheet: isi ulang sebagai teks."),
    "npwp_length": _("NPWP harus 15 atau 16 digit angka."),
    "npwp_check": _("NPWP tidak sah: digit pemeriksa (digit ke-9) tidak cocok."),
    "npwp_damaged": _("NPWP rusak oleh format angka spreadsheet: isi ulang sebagai teks."),
    "kbli_format": _("Kode KBLI harus 5 digit angka."),
    "kbli_unknown": _("Kode KBLI ini tidak ada dalam KBLI versi tersebut."),
    "kbli_version": _("Versi KBLI harus 2020 atau 2025."),
    "phone_format": _("Nomor telepon tidak dikenali (gunakan 08…, 62… atau +62…)."),
    "amount_format": _("Nilai Rupiah tidak dapat dibaca (contoh: Rp 1.500.000 atau 1,5 juta)."),
    "amount_negative": _("Nilai Rupiah tidak boleh negatif."),
    "amount_large": _("Nilai Rupiah terlalu besar (paling banyak 18 digit)."),
    "amount_range": _(
        "Nilai Rupiah ditulis sebagai rentang; tulis satu nilai (mis. 2 juta, bukan 1-2 juta)."
    ),
    "capacity_format": _(
        "Kapasitas produksi tidak dapat dibaca (contoh: 500, 1.500 atau 2,5; satuan di kolomnya)."
    ),
    "capacity_large": _("Kapasitas produksi terlalu besar (paling banyak 14 digit)."),
    "capacity_range": _(
        "Kapasitas produksi ditulis sebagai rentang; tulis satu nilai (mis. 500, bukan 400-500)."
    ),
    "capacity_unit_long": _("Satuan kapasitas produksi terlalu panjang (paling banyak 40 huruf)."),
    "integer_format": _("Harus bilangan bulat."),
    "integer_range": _("Ditulis sebagai rentang; tulis satu bilangan (mis. 3, bukan 2-3)."),
    "year_range": _("Tahun mulai usaha harus antara 1900 dan tahun ini."),
    "halal_format": _("Nomor sertifikat halal harus diawali 'ID' diikuti angka."),
    "pirt_format": _("Nomor P-IRT harus 15 digit angka."),
    "bool_format": _("Isian ya/tidak tidak dikenali (gunakan ya/tidak)."),
    "coordinate_format": _("Koordinat tidak sah (lintang −11…6, bujur 95…141)."),
}


def is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²" or other scripts' digits, which
    ``int()`` then refuses or reads as another number."""
    return text.isascii() and text.isdigit()


class Invalid(ValueError):
    """A value that cannot be stored; ``code`` is a key of :data:`REASONS`,
    ``value`` fills its ``%(value)s`` (e.g. how many digits a NIK has)."""

    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value

    @property
    def message(self) -> str:
        message = str(REASONS[self.code])
        return message % {"value": self.value} if "%(value)s" in message else message


_NON_DIGIT = re.compile(r"\D")
_SEPARATORS = re.compile(r"[\s.\-/'`\u2018\u2019]")
_FLOATISH = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        # A number the spreadsheet stored as a float: whole numbers only.
        if raw != raw or raw in (float("inf"), float("-inf")):
            return "nan"
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    return str(raw).strip()


def _digits_of(raw: Any, *, damaged: str) -> str:
    """The digits of an identifier cell. Cells that spreadsheet software has
    turned into floating point (1.47201E+15, 1472010101900000.0 read back
    with a fraction) lose their last digits: they are refused, never guessed."""
    if isinstance(raw, float) and raw >= 1e15:
        # IEEE doubles hold 15–17 significant digits; a 16-digit NIK typed
        # into a number cell shows up rounded ("…000" or E+15).
        raise Invalid(damaged)
    text = _text(raw)
    if _FLOATISH.match(text):
        raise Invalid(damaged)
    return _SEPARATORS.sub("", text)


def clean_nik(raw: Any) -> str:
    """16 digits ``PPKKCC DDMMYY SSSS`` (DOMAIN.md §5). An unknown region prefix
    is accepted (it may predate today's codes; see :func:`nik_prefix_known`)."""
    if raw.__class__ is str and len(raw) == 16 and is_digits(raw):
        digits = raw  # as most NIKs come (an import's million rows): nothing to take out
    else:
        digits = _digits_of(raw, damaged="nik_damaged")
        if not digits:
            return ""
    if len(digits) != 16 or not is_digits(digits):
        if is_digits(digits) and 13 <= len(digits) <= 15 and isinstance(raw, int | float):
            # Excel's 15-significant-digit limit: a NIK in a number cell
            # comes back with its tail lost or a digit short.
            raise Invalid("nik_damaged")
        if is_digits(digits):
            # Typed as text: a digit missed or added, said in the clerk's terms.
            raise Invalid("nik_digits", str(len(digits)))
        raise Invalid("nik_length")
    if digits[12:] == "0000":
        raise Invalid("nik_serial")
    province = int(digits[0:2])
    if province < 11 or digits[2:4] == "00" or digits[4:6] == "00":
        raise Invalid("nik_region")
    day = int(digits[6:8])
    month = int(digits[8:10])
    if day > 40:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise Invalid("nik_date")
    return digits


def nik_prefix_known(nik: str) -> bool:
    """Whether the first six digits are a kecamatan code in today's reference."""
    from kotacerdas.regions.reference import get_area

    return get_area(f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}") is not None


def mask_nik(nik: str) -> str:
    """``147201**********``: the 6-digit region prefix, the rest masked."""
    if not nik:
        return ""
    return nik[:6] + "*" * (len(nik) - 6)


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    return phone[:4] + "*" * max(len(phone) - 6, 0) + phone[-2:]


def individual_npwp(npwp: str) -> bool:
    """An individual's 16-digit NPWP is their NIK (entities' start with 0):
    personal data like the NIK itself."""
    return len(npwp) == 16 and not npwp.startswith("0")


def mask_npwp(npwp: str) -> str:
    """An individual's NPWP masked like the NIK it is; an entity's as it is."""
    return mask_nik(npwp) if individual_npwp(npwp) else npwp


def clean_nib(raw: Any) -> str:
    if raw.__class__ is str and len(raw) == 13 and is_digits(raw):
        return raw  # as most NIBs come: nothing to take out
    digits = _digits_of(raw, damaged="nib_damaged")
    if not digits:
        return ""
    if not is_digits(digits) or len(digits) != 13:
        raise Invalid("nib_length")
    return digits


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def clean_npwp(raw: Any) -> str:
    """Digits only: 15 (legacy, Luhn over the first 9 digits) or 16 ("0" + 15
    for entities, the NIK for individuals)."""
    digits = _digits_of(raw, damaged="npwp_damaged")
    if not digits:
        return ""
    if not is_digits(digits) or len(digits) not in (15, 16):
        raise Invalid("npwp_length")
    if len(digits) == 15:
        if not _luhn_ok(digits[:9]):
            raise Invalid("npwp_check")
    elif digits[0] == "0":
        if not _luhn_ok(digits[1:10]):
            raise Invalid("npwp_check")
    else:
        clean_nik(digits)
    return digits


def clean_kbli(
    raw: Any, version: str = kbli.DEFAULT_VERSION, *, official: Collection[str] | None = None
) -> tuple[str, str]:
    """(code, category letter) of a KBLI code in ``version``; ``official`` is
    the version's official code list when one is loaded
    (``KbliCode.objects.official(version)``)."""
    text = _text(raw)
    if not text:
        return "", ""
    digits = _SEPARATORS.sub("", text)
    if is_digits(digits) and len(digits) == 4:
        digits = "0" + digits  # agriculture codes lose their leading zero in number cells
    if not is_digits(digits) or len(digits) != 5:
        raise Invalid("kbli_format")
    if version not in kbli.VERSIONS:
        raise Invalid("kbli_version")
    category = kbli.category_of(digits, version, official)
    if category is None:
        raise Invalid("kbli_unknown")
    return digits, category


def clean_phone(raw: Any) -> str:
    """One form for matching: ``62`` followed by the national number without its
    leading 0 (0812-3456-789 → 628123456789)."""
    if raw.__class__ is str and is_digits(raw):
        digits = raw  # digits only already (what the next lines make of it)
    else:
        text = _text(raw)
        if not text:
            return ""
        digits = _NON_DIGIT.sub("", text)
    if digits.startswith("0062"):
        digits = digits[2:]
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    elif digits.startswith("8"):
        national = digits  # "812..." after a number cell ate the leading zero
    else:
        raise Invalid("phone_format")
    national = national.lstrip("0")
    if not 7 <= len(national) <= 13:
        raise Invalid("phone_format")
    return "62" + national


# NumberError code → reason, for amounts and for counts.
_AMOUNT_REASONS = {
    "not_number": "amount_format",
    "precision": "amount_format",
    "negative": "amount_negative",
    "too_large": "amount_large",
    "range": "amount_range",
}
AMOUNT_DIGITS = 18  # the columns hold 18 digits of whole Rupiah
INT_LIMIT = 2_000_000_000  # a PositiveIntegerField holds up to 2^31 − 1


def clean_amount(raw: Any) -> Decimal | None:
    """Whole Rupiah in any notation :mod:`kotacerdas.core.numbers` reads
    ("Rp 1.500.000", "Rp 1.500.000,-", "1.500.000,00", "1,5 juta", "2 M",
    "1500000" or a number cell); the registry keeps no sen, so they are
    rounded half-up."""
    try:
        return numbers.read_amount(raw, places=0, max_digits=AMOUNT_DIGITS, rounding=True)
    except numbers.NumberError as error:
        raise Invalid(_AMOUNT_REASONS[error.code]) from None


def clean_int(raw: Any) -> int | None:
    """A count such as the number of workers: "3", "3 orang", "3 TK", "1.500"
    or a number cell (:func:`kotacerdas.core.numbers.read_count`)."""
    try:
        return numbers.read_count(raw, limit=INT_LIMIT - 1)
    except numbers.NumberError as error:
        raise Invalid("integer_range" if error.code == "range" else "integer_format") from None


# The year a business started: from 1900 up to this year, one rule for the
# model, the forms and the import. Early: a business may be a family shop or a
# trading house older than anyone who remembers its founding, and a survey
# records what the owner says (REASONS["year_range"] names this bound). Never
# after this year: a business that is registered exists, and "2204" for 2024
# is a slip of the keyboard. Sizes count a business started this year as new
# (sizes.size_class), so the bound is the year, not today.
YEAR_STARTED_MIN = 1900


def check_year_started(year: int, this_year: int) -> int:
    if not YEAR_STARTED_MIN <= year <= this_year:
        raise Invalid("year_range")
    return year


def validate_year_started(value: int) -> None:
    """:func:`check_year_started` against this year (local time), as a
    Django validator (the model field and the forms use it)."""
    try:
        check_year_started(value, timezone.localdate().year)
    except Invalid as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def clean_year(raw: Any, this_year: int) -> int | None:
    text = _text(raw)
    if not text:
        return None
    if not is_digits(text):
        raise Invalid("year_range")
    return check_year_started(int(text), this_year)


_TRUE = frozenset({"ya", "y", "yes", "1", "true", "benar", "ada", "sudah", "v", "✓", "x"})
_FALSE = frozenset({"tidak", "tdk", "t", "no", "n", "0", "false", "salah", "belum", "tidak ada"})


def clean_bool(raw: Any) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if not text or text == "-":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Invalid("bool_format")


_HALAL = re.compile(r"^ID\d{10,30}$")


def clean_halal(raw: Any) -> str:
    text = _text(raw).upper().replace(" ", "").replace("-", "")
    if not text:
        return ""
    if not _HALAL.match(text):
        raise Invalid("halal_format")
    return text


def clean_pirt(raw: Any) -> str:
    digits = _digits_of(raw, damaged="pirt_format")
    if not digits:
        return ""
    if not is_digits(digits) or len(digits) != 15:
        raise Invalid("pirt_format")
    return digits


def pirt_expiry_year(pirt: str) -> int:
    """The last two digits of a P-IRT number are the year it expires."""
    return 2000 + int(pirt[-2:])


def clean_coordinate(raw: Any, *, latitude: bool) -> Decimal | None:
    text = _text(raw).replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid("coordinate_format") from None
    low, high = (-11, 6) if latitude else (95, 141)
    if not value.is_finite() or not low <= value <= high:
        raise Invalid("coordinate_format")
    return value.quantize(Decimal("0.000001"))


_NAME_PREFIXES = (
    "TOKO",
    "TK",
    "WARUNG",
    "WR",
    "WRG",
    "UD",
    "CV",
    "PT",
    "RM",
    "RUMAH MAKAN",
    "KEDAI",
    "KIOS",
    "DEPOT",
    "USAHA",
    "KOPERASI",
)
_PREFIX_RE = re.compile(
    r"^(?:(?:"
    + "|".join(re.escape(p) for p in sorted(_NAME_PREFIXES, key=len, reverse=True))
    + r")\b\.?\s*)+"
)
_NOT_WORD = re.compile(r"[^0-9A-Z]+")


# The prefixes as tuples of words, and the word counts, most first
# (name_key's fast path).
_PREFIX_WORDS = frozenset(tuple(p.split()) for p in _NAME_PREFIXES)
_PREFIX_FIRST_WORDS = frozenset(p[0] for p in _PREFIX_WORDS)
_PREFIX_LENGTHS = sorted({len(p) for p in _PREFIX_WORDS}, reverse=True)


def name_key(name: str) -> str:
    """A business name for matching: upper case, punctuation gone, the usual
    prefixes (TOKO, WARUNG, UD, CV, RM…) stripped. "Toko Berkah Jaya" and
    "BERKAH  JAYA." give "BERKAH JAYA"."""
    upper = name.upper()
    if not (upper.isascii() and upper.replace(" ", "").isalnum()):
        return _name_key_of(upper)
    # Only [0-9A-Z] and spaces (most names, every row of an import): what
    # _name_key_of does, word by word: _NOT_WORD leaves single spaces and
    # each prefix is whole words, followed by one space or the end
    # (tests/umkm/test_identifiers_fast.py holds the two together).
    words = upper.split()
    start, count = 0, len(words)
    while start < count and words[start] in _PREFIX_FIRST_WORDS:
        for length in _PREFIX_LENGTHS:
            if tuple(words[start : start + length]) in _PREFIX_WORDS:
                start += length
                break
        else:
            break
    text = " ".join(words)
    return " ".join(words[start:]) if start and start < count else text


def _name_key_of(upper: str) -> str:
    text = _NOT_WORD.sub(" ", upper).strip()
    stripped = _PREFIX_RE.sub("", text).strip()
    return stripped or text


def normalise_space(text: Any) -> str:
    return " ".join(_text(text).split())
