"""One survey row → the values of one business, or the reasons it cannot be
one.

Every value goes through the same ``identifiers.clean_*`` function the model
and the forms use, and the derived fields are filled by ``Business.derive``
itself, so the import follows the registry's rules without a copy of them.
Cleaners are cached per distinct cell for the columns whose values repeat
(kelurahan, KBLI, yes/no, years), which is most of the speed of a large import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from kotacerdas.core.text import name_clean
from kotacerdas.umkm import identifiers, kbli
from kotacerdas.umkm.imports.headers import FIELDS
from kotacerdas.umkm.imports.places import REPORTED_RULES, Match, Places, Unresolved
from kotacerdas.umkm.registry.models import DERIVED_FIELDS, ENTERED_FIELDS, Business, KbliCode

# reason code → Indonesian message; the identifier reasons first, then the
# reasons only an import has. "%(value)s" is the cell as typed.
REASONS: dict[str, Any] = {
    **identifiers.REASONS,
    "name_missing": _("Nama usaha kosong."),
    "kelurahan_missing": _("Kelurahan/desa kosong."),
    "kelurahan_unknown": _("Kelurahan/desa “%(value)s” tidak ditemukan di wilayah ini."),
    "kelurahan_ambiguous": _(
        "Kelurahan/desa “%(value)s” cocok dengan lebih dari satu kelurahan/desa (%(other)s); "
        "isi kolom kecamatan atau perbaiki ejaannya."
    ),
    "kelurahan_other_kecamatan": _(
        "Kelurahan/desa “%(value)s” tidak berada di kecamatan yang diisi pada baris ini."
    ),
    "kecamatan_unknown": _("Kecamatan “%(value)s” tidak ditemukan di wilayah ini."),
    "kecamatan_ambiguous": _("Kecamatan “%(value)s” cocok dengan lebih dari satu kecamatan."),
    "too_long": _("Isian terlalu panjang (paling banyak %(value)s karakter)."),
    "coordinate_pair": _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya."),
    # Warnings: the row is imported, the clerk should look at it.
    "nik_prefix_unknown": _(
        "Awalan NIK %(value)s bukan kode kecamatan yang dikenal sekarang (mungkin kode lama); "
        "tetap diimpor."
    ),
    "invisible_removed": _(
        "%(value)s karakter tak terlihat (kontrol arah teks atau lebar-nol) dihapus; tetap diimpor."
    ),
    # A place read by a rule other than its code or official name (places.RULES).
    "place_former": _(
        "Kelurahan/desa “%(value)s” dibaca sebagai %(other)s (nama lama); tetap diimpor."
    ),
    "place_alias": _(
        "Kelurahan/desa “%(value)s” dibaca sebagai %(other)s (nama yang ditetapkan petugas); "
        "tetap diimpor."
    ),
    "place_short": _(
        "Kelurahan/desa “%(value)s” dibaca sebagai %(other)s (nama pendek); tetap diimpor."
    ),
    "place_fuzzy": _(
        "Kelurahan/desa “%(value)s” dibaca sebagai %(other)s (ejaan mirip); tetap diimpor."
    ),
}
# A reason value with two parts ("%(value)s" and "%(other)s") joins them with this.
VALUE_SEPARATOR = "\x1f"

# (reason code, value in the message, field the reason is about or "")
Reason = tuple[str, str, str]

# Reasons whose message does not say which column it is about get its label.
_NAMES_NO_FIELD = frozenset(
    {
        *("integer_format", "amount_format", "amount_negative", "bool_format", "too_long"),
        "invisible_removed",
    }
)
# The lengths the columns hold (a longer text is refused, never cut).
_MAX_LENGTH = {
    name: int(getattr(Business._meta.get_field(name), "max_length", 0))
    for name in ("name", "owner_name", "address")
}
_CACHE_LIMIT = 50_000
_NOT_WORD = re.compile(r"[^0-9A-Z]+")


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        # NUL cannot be stored in PostgreSQL text; it never belongs in a survey cell.
        return " ".join(raw.replace("\x00", " ").split())
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    return identifiers.normalise_space(raw)


def fingerprint(name_key: str, kelurahan_code: str, address: str) -> str:
    """md5 of the normalised name, kelurahan and address: the key of a row
    without NIK, NIB or phone (Business.fingerprint)."""
    address_key = " ".join(_NOT_WORD.sub(" ", address.upper()).split())
    return hashlib.md5(  # noqa: S324 - a matching key, not a secret
        f"{name_key}\x1f{kelurahan_code}\x1f{address_key}".encode()
    ).hexdigest()


# The stored fields an import fills for each row: what a person enters and
# what Business.derive() derives from it, in the model's (and the INSERT's) order.
IMPORTED_FIELDS = tuple(
    field.name
    for field in Business._meta.concrete_fields
    if field.name in {*ENTERED_FIELDS, *DERIVED_FIELDS}
)


class Values:
    """The stored fields of one business being imported; ``Business.derive``
    fills the derived ones on it exactly as on a model instance."""

    __slots__ = IMPORTED_FIELDS

    def __init__(self) -> None:
        self.name = self.owner_name = self.owner_nik = self.nib = self.npwp = ""
        self.kbli_code = self.kbli_category = self.address = self.kelurahan_code = ""
        self.kbli_version = kbli.DEFAULT_VERSION
        self.kecamatan_code = self.phone = self.halal_number = self.pirt_number = ""
        self.name_key = self.size_class = self.size_basis = self.ikm_class = ""
        self.latitude: Decimal | None = None
        self.longitude: Decimal | None = None
        self.capital: Decimal | None = None
        self.annual_sales: Decimal | None = None
        self.workers: int | None = None
        self.year_started: int | None = None
        self.sells_online: bool | None = None
        self.uses_qris: bool | None = None


@dataclass
class Cleaned:
    values: Values | None  # None when the row is rejected
    reasons: list[Reason]
    warnings: list[Reason]


_MISSING = object()
# (column, field, cleaner, remembered results per distinct cell)
_CachedStep = tuple[int, str, Callable[[Any], Any], dict[Any, Any]]
# Columns cleaned cell by cell (their values rarely repeat).
_DIRECT: dict[str, Callable[[Any], Any]] = {
    "owner_nik": identifiers.clean_nik,
    "nib": identifiers.clean_nib,
    "npwp": identifiers.clean_npwp,
    "phone": identifiers.clean_phone,
    "halal_number": identifiers.clean_halal,
    "pirt_number": identifiers.clean_pirt,
}


class RowCleaner:
    """Cleans rows of one sheet with one column mapping, for one region.

    The column plan is worked out once; per row only the mapped cells are
    touched. Cleaners of columns whose values repeat are remembered per
    distinct cell (an Invalid is remembered too)."""

    def __init__(self, *, places: Places, mapping: dict[int, str], this_year: int) -> None:
        unknown = set(mapping.values()) - FIELDS.keys()
        if unknown:
            raise ValueError(f"unknown fields in mapping: {sorted(unknown)}")
        self.places = places
        self.this_year = this_year
        index = {field: column for column, field in mapping.items()}
        self._texts = [
            (index[f], f, _MAX_LENGTH[f]) for f in ("name", "owner_name", "address") if f in index
        ]
        self._direct = [(index[f], f, cleaner) for f, cleaner in _DIRECT.items() if f in index]
        cached: dict[str, Callable[[Any], Any]] = {
            "capital": _amount,
            "annual_sales": _amount,
            "workers": _workers,
            "year_started": self._year,
            "sells_online": identifiers.clean_bool,
            "uses_qris": identifiers.clean_bool,
            "latitude": _latitude,
            "longitude": _longitude,
        }
        self._cached: list[_CachedStep] = [
            (index[f], f, cleaner, {}) for f, cleaner in cached.items() if f in index
        ]
        self._kelurahan = index.get("kelurahan")
        self._kecamatan = index.get("kecamatan")
        self._kbli = index.get("kbli_code")
        self._kbli_version = index.get("kbli_version")
        self._kbli_cache: dict[Any, Any] = {}
        self._prefix_known: dict[str, bool] = {}
        self._derive = cast(Callable[[Values, int], None], Business.derive)

    @staticmethod
    def _remember(cache: dict[Any, Any], key: Any, cleaner: Callable[[Any], Any], raw: Any) -> Any:
        try:
            found = cleaner(raw)
        except identifiers.Invalid as error:
            found = error
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[key] = found
        return found

    def clean(self, cells: Sequence[Any]) -> Cleaned:
        reasons: list[Reason] = []
        warnings: list[Reason] = []
        values = Values()
        width = len(cells)

        for index, field, limit in self._texts:
            if index < width:
                # Names and addresses as core.text reads them (NFC, no
                # bidirectional-control or zero-width characters).
                cleaned = name_clean(_text(cells[index]))
                text = cleaned.text
                if cleaned.removed:
                    warnings.append(("invisible_removed", str(cleaned.removed), field))
                if text:
                    if len(text) > limit:
                        reasons.append(("too_long", str(limit), field))
                    setattr(values, field, text)
        if not values.name:
            reasons.append(("name_missing", "", "name"))

        kelurahan = self._kelurahan
        kecamatan = self._kecamatan
        place = self.places.match(
            _text(cells[kelurahan]) if kelurahan is not None and kelurahan < width else "",
            _text(cells[kecamatan]) if kecamatan is not None and kecamatan < width else "",
        )
        if place.__class__ is Unresolved:
            unresolved = cast(Unresolved, place)
            field = "kecamatan" if unresolved.code.startswith("kecamatan") else "kelurahan"
            value = unresolved.value
            if unresolved.candidates:
                value += VALUE_SEPARATOR + self.places.describe(unresolved.candidates)
            reasons.append((unresolved.code, value, field))
        else:
            matched = cast(Match, place)
            values.kelurahan_code = matched.code
            if matched.rule in REPORTED_RULES:
                typed = _text(cells[kelurahan]) if kelurahan is not None else ""
                warnings.append(
                    (
                        f"place_{matched.rule}",
                        typed + VALUE_SEPARATOR + self.places.describe((matched.code,)),
                        "kelurahan",
                    )
                )

        for index, field, cleaner in self._direct:
            if index < width:
                cell = cells[index]
                if cell is not None and cell != "":
                    try:
                        setattr(values, field, cleaner(cell))
                    except identifiers.Invalid as error:
                        reasons.append((error.code, "", field))
        nik = values.owner_nik
        if nik:
            known = self._prefix_known.get(nik[:6])
            if known is None:
                known = self._prefix_known[nik[:6]] = identifiers.nik_prefix_known(nik)
            if not known:
                warnings.append(("nik_prefix_unknown", nik[:6], "owner_nik"))

        for index, field, cleaner, cache in self._cached:
            if index < width:
                cell = cells[index]
                if cell is None or cell == "":
                    continue
                key = cell if cell.__class__ is str else (cell.__class__, cell)
                found = cache.get(key, _MISSING)
                if found is _MISSING:
                    found = self._remember(cache, key, cleaner, cell)
                if found.__class__ is identifiers.Invalid:
                    reasons.append((found.code, "", field))
                else:
                    setattr(values, field, found)

        if self._kbli_version is not None and self._kbli_version < width:
            cell = cells[self._kbli_version]
            if cell is not None and cell != "":
                version = _text(cell).upper().removeprefix("KBLI").strip().removesuffix(".0")
                if version in kbli.VERSIONS:
                    values.kbli_version = version
                else:
                    reasons.append(("kbli_version", "", "kbli_version"))
        if self._kbli is not None and self._kbli < width:
            cell = cells[self._kbli]
            if cell is not None and cell != "":
                version = values.kbli_version
                key = (version, cell.__class__, cell)
                found = self._kbli_cache.get(key, _MISSING)
                if found is _MISSING:
                    official = KbliCode.objects.official(version)
                    found = self._remember(
                        self._kbli_cache,
                        key,
                        lambda r: identifiers.clean_kbli(r, version, official=official)[0],
                        cell,
                    )
                if found.__class__ is identifiers.Invalid:
                    reasons.append((found.code, "", "kbli_code"))
                else:
                    values.kbli_code = found

        if (values.latitude is None) != (values.longitude is None) and not any(
            r[2] in ("latitude", "longitude") for r in reasons
        ):
            reasons.append(("coordinate_pair", "", "latitude"))

        if reasons:
            return Cleaned(None, reasons, warnings)
        self._derive(values, self.this_year)
        return Cleaned(values, reasons, warnings)

    def _year(self, raw: Any) -> int | None:
        if isinstance(raw, dt.date | dt.datetime):
            raw = raw.year
        return identifiers.clean_year(raw, self.this_year)


# The largest values the columns hold (DecimalField(max_digits=18),
# PositiveIntegerField): larger ones are refused, never cut.
_MAX_AMOUNT = Decimal(10) ** 18 - 1
_MAX_WORKERS = 2_147_483_647


def _amount(raw: Any) -> Decimal | None:
    value = identifiers.clean_amount(raw)
    if value is not None and value > _MAX_AMOUNT:
        raise identifiers.Invalid("amount_format")
    return value


def _workers(raw: Any) -> int | None:
    value = identifiers.clean_int(raw)
    if value is not None and not 0 <= value <= _MAX_WORKERS:
        raise identifiers.Invalid("integer_format")
    return value


def _latitude(raw: Any) -> Decimal | None:
    return identifiers.clean_coordinate(raw, latitude=True)


def _longitude(raw: Any) -> Decimal | None:
    return identifiers.clean_coordinate(raw, latitude=False)


def reason_text(reason: Reason) -> str:
    """The reason in the active language, with the field it is about."""
    code, value, field = reason
    message = str(REASONS[code])
    if "%(value)s" in message:
        first, _separator, other = value.partition(VALUE_SEPARATOR)
        message = message % {"value": first, "other": other}
    if code in _NAMES_NO_FIELD and field in FIELDS:
        return f"{FIELDS[field]}: {message}"
    return message
