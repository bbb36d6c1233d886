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

from kotacerdas.core.text import name_text
from kotacerdas.regions.reference import get_area
from kotacerdas.umkm import identifiers, kbli
from kotacerdas.umkm.imports.headers import FIELDS
from kotacerdas.umkm.imports.places import (
    REPORTED_RULES,
    Match,
    Places,
    Unresolved,
    normalise_place,
)
from kotacerdas.umkm.national.capacity import UNIT_LENGTH as CAPACITY_UNIT_LENGTH
from kotacerdas.umkm.national.capacity import split_capacity
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
    # Skipped rows: not businesses, not counted as rejected.
    "skip_total": _("Baris jumlah/total (“%(value)s”), bukan data usaha; dilewati."),
    "skip_note": _("Baris catatan atau tanda tangan (“%(value)s”), bukan data usaha; dilewati."),
    "skip_numbers": _(
        "Baris tanpa nama yang hanya berisi angka (jumlah atau nomor baris kosong), bukan data "
        "usaha; dilewati."
    ),
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
# A warning about a field that is not needed to identify a business: the cell
# could not be read, so the field is left empty, the row is imported and the
# report keeps the cell as it was written. Its code is KEPT + the reason's code.
KEPT = "kept:"
_KEPT_NOTE = _("Kolom ini dikosongkan; baris tetap diimpor.")
# The fields whose unreadable cell is such a warning. Only identity problems
# reject a row: no name, an invalid NIK or NIB, a place outside the region (and
# a name, owner or address too long to keep whole).
SOFT_FIELDS = frozenset(
    {
        *("workers", "capital", "annual_sales", "year_started", "kbli_code", "kbli_version"),
        *("phone", "npwp", "halal_number", "pirt_number", "sells_online", "uses_qris"),
        *("latitude", "longitude", "production_capacity", "production_capacity_unit"),
    }
)

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
# A column of free text (names, addresses) is remembered per distinct cell
# only while that pays: after its first _TRIAL_ROWS rows, a column with fewer
# than one repeat in four (business names, mostly) is no longer remembered.
_TRIAL_ROWS = 10_000
_TRIAL_DISTINCT = 0.75
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


def address_key(address: str) -> str:
    """An address for matching: upper case, punctuation as spaces, single spaces."""
    return " ".join(_NOT_WORD.sub(" ", address.upper()).split())


def fingerprint(name_key: str, kelurahan_code: str, address: str) -> str:
    """md5 of the normalised name, kelurahan and address: the key of a row
    without NIK, NIB or phone (Business.fingerprint)."""
    return fingerprint_of_keys(name_key, kelurahan_code, address_key(address))


def fingerprint_of_keys(name_key: str, kelurahan_code: str, address_key: str) -> str:
    """:func:`fingerprint` from the address already as :func:`address_key` gives it."""
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
    fills the derived ones on it exactly as on a model instance. The blank
    values are the class's: a row sets only what it has (a new object per
    row costs nothing more; tests/umkm/imports/test_engine.py holds the
    fields to :data:`IMPORTED_FIELDS`)."""

    name = owner_name = owner_nik = nib = npwp = ""
    kbli_code = kbli_category = address = kelurahan_code = ""
    kbli_version = kbli.DEFAULT_VERSION
    kecamatan_code = phone = halal_number = pirt_number = ""
    name_key = size_class = size_basis = ikm_class = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    capital: Decimal | None = None
    annual_sales: Decimal | None = None
    workers: int | None = None
    year_started: int | None = None
    sells_online: bool | None = None
    uses_qris: bool | None = None
    production_capacity: Decimal | None = None
    production_capacity_unit = ""


@dataclass
class Cleaned:
    values: Values | None  # None when the row is rejected or skipped
    reasons: list[Reason]
    warnings: list[Reason]
    skipped: Reason | None = None  # not a business: a totals, note or signature row


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
    touched. Every cleaner here is a pure function of its cell (and of this
    import's region, year and KBLI lists), so its result is remembered per
    distinct cell, an Invalid too, in caches of at most ``_CACHE_LIMIT``
    entries that live as long as the import: places, KBLI codes, counts,
    amounts, years, yes/no, coordinates, and the names, owners and addresses
    while they repeat (``_TRIAL_ROWS``). ``memo=False`` remembers nothing (the
    test that both give the same rows: tests/umkm/imports/test_memo.py)."""

    def __init__(
        self, *, places: Places, mapping: dict[int, str], this_year: int, memo: bool = True
    ) -> None:
        unknown = set(mapping.values()) - FIELDS.keys()
        if unknown:
            raise ValueError(f"unknown fields in mapping: {sorted(unknown)}")
        self.places = places
        self.this_year = this_year
        index = {field: column for column, field in mapping.items()}
        self._limit = _CACHE_LIMIT if memo else 0
        self._rows = 0
        self._texts: list[tuple[int, str, int, dict[str, tuple[str, int]] | None]] = [
            (index[f], f, _MAX_LENGTH[f], {} if memo else None)
            for f in ("name", "owner_name", "address")
            if f in index
        ]
        self._address_keys: dict[str, str] | None = {} if memo else None
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
        self._capacity = index.get("production_capacity")
        self._capacity_unit = index.get("production_capacity_unit")
        self._kbli_cache: dict[Any, Any] = {}
        self._places: dict[tuple[Any, Any], tuple[str, Reason | None]] = {}
        self._prefix_known: dict[str, bool] = {}
        self._area_names: set[str] | None = None
        self._derive = cast(Callable[[Values, int], None], Business.derive)
        # Skipping totals, notes and signatures (skip_reason): the columns up to
        # the name (a totals label sits in "No" or in the name), the identity
        # columns, and whether a signature or note block has begun.
        self._label_columns = index["name"] + 1 if "name" in index else 3
        self._identity = [index[f] for f in _IDENTITY_FIELDS if f in index]
        self._after_signature = False

    def _clean_capacity(self, cells: Sequence[Any], values: Values, warnings: list[Reason]) -> None:
        """The production capacity (SIINas): the amount by the shared number
        reader, its unit from its own column or after the number in the same
        cell ("500 kg/bulan"); a unit without an amount is not kept."""
        width = len(cells)
        unit = ""
        if self._capacity_unit is not None and self._capacity_unit < width:
            unit = _text(cells[self._capacity_unit])
            if len(unit) > CAPACITY_UNIT_LENGTH:
                warnings.append((KEPT + "capacity_unit_long", unit, "production_capacity_unit"))
                unit = ""
        if self._capacity is not None and self._capacity < width:
            cell = cells[self._capacity]
            if cell is not None and cell != "":
                try:
                    amount, written_unit = split_capacity(cell)
                except identifiers.Invalid as error:
                    warnings.append((KEPT + error.code, _text(cell), "production_capacity"))
                else:
                    values.production_capacity = amount
                    unit = unit or written_unit
        if values.production_capacity is None:
            if unit:
                warnings.append((KEPT + "capacity_format", unit, "production_capacity_unit"))
            return
        values.production_capacity_unit = unit

    def _place(self, kelurahan_cell: Any, kecamatan_cell: Any) -> tuple[str, Reason | None]:
        """The kelurahan code of a row's two place cells ("" when none) and
        the reason it was refused, or the warning its match gives."""
        typed = _text(kelurahan_cell)
        place = self.places.match(typed, _text(kecamatan_cell))
        if place.__class__ is Unresolved:
            unresolved = cast(Unresolved, place)
            field = "kecamatan" if unresolved.code.startswith("kecamatan") else "kelurahan"
            value = unresolved.value
            if unresolved.candidates:
                value += VALUE_SEPARATOR + self.places.describe(unresolved.candidates)
            return "", (unresolved.code, value, field)
        matched = cast(Match, place)
        if matched.rule in REPORTED_RULES:
            described = typed + VALUE_SEPARATOR + self.places.describe((matched.code,))
            return matched.code, (f"place_{matched.rule}", described, "kelurahan")
        return matched.code, None

    def _remember(
        self, cache: dict[Any, Any], key: Any, cleaner: Callable[[Any], Any], raw: Any
    ) -> Any:
        try:
            found = cleaner(raw)
        except identifiers.Invalid as error:
            found = error
        if self._limit:
            if len(cache) >= self._limit:
                cache.clear()
            cache[key] = found
        return found

    def _trial_over(self) -> None:
        """After the first rows: stop remembering the free-text columns whose
        cells hardly repeat (a lookup that misses costs more than it saves)."""
        self._texts = [
            (
                i,
                f,
                limit,
                None if memo is None or len(memo) > _TRIAL_ROWS * _TRIAL_DISTINCT else memo,
            )
            for i, f, limit, memo in self._texts
        ]
        keys = self._address_keys
        if keys is not None and len(keys) > _TRIAL_ROWS * _TRIAL_DISTINCT:
            self._address_keys = None

    def fingerprint(self, values: Values) -> str:
        """:func:`fingerprint` of a cleaned row (its address key remembered)."""
        address = values.address
        keys = self._address_keys
        if keys is None:
            key = address_key(address)
        else:
            key = keys.get(address)  # type: ignore[assignment]
            if key is None:
                key = address_key(address)
                if len(keys) >= self._limit:
                    keys.clear()
                keys[address] = key
        return fingerprint_of_keys(values.name_key, values.kelurahan_code, key)

    def clean(self, cells: Sequence[Any]) -> Cleaned:
        reasons: list[Reason] = []
        warnings: list[Reason] = []
        values = Values()
        width = len(cells)
        self._rows += 1
        if self._rows == _TRIAL_ROWS:
            self._trial_over()

        for index, field, limit, memo in self._texts:
            if index < width:
                # Names and addresses as core.text reads them (NFC, no
                # bidirectional-control or zero-width characters).
                cell = cells[index]
                if memo is not None and cell.__class__ is str:
                    found = memo.get(cell)
                    if found is None:
                        # name_text does what _text does to text (spaces, NUL).
                        found = name_text(cell)
                        if len(memo) >= self._limit:
                            memo.clear()
                        memo[cell] = found
                    text, removed = found
                else:
                    text, removed = name_text(cell if cell.__class__ is str else _text(cell))
                if removed:
                    warnings.append(("invisible_removed", str(removed), field))
                if text:
                    if len(text) > limit:
                        reasons.append(("too_long", str(limit), field))
                    setattr(values, field, text)
        if not values.name:
            reasons.append(("name_missing", "", "name"))

        kelurahan = self._kelurahan
        kecamatan = self._kecamatan
        kelurahan_cell = cells[kelurahan] if kelurahan is not None and kelurahan < width else ""
        kecamatan_cell = cells[kecamatan] if kecamatan is not None and kecamatan < width else ""
        pair = (kelurahan_cell, kecamatan_cell)
        place = (
            self._places.get(pair)
            if kelurahan_cell.__class__ is str and kecamatan_cell.__class__ is str
            else None
        )
        if place is None:
            place = self._place(kelurahan_cell, kecamatan_cell)
            if self._limit and kelurahan_cell.__class__ is str and kecamatan_cell.__class__ is str:
                if len(self._places) >= self._limit:
                    self._places.clear()
                self._places[pair] = place
        code, problem = place
        if code:
            values.kelurahan_code = code
            if problem is not None:
                warnings.append(problem)
        elif problem is not None:
            reasons.append(problem)

        for index, field, cleaner in self._direct:
            if index < width:
                cell = cells[index]
                if cell is not None and cell != "":
                    try:
                        setattr(values, field, cleaner(cell))
                    except identifiers.Invalid as error:
                        if field in SOFT_FIELDS:
                            warnings.append((KEPT + error.code, _text(cell), field))
                        else:
                            reasons.append((error.code, error.value, field))
        nik = values.owner_nik
        if nik:
            known = self._prefix_known.get(nik[:6])
            if known is None:
                known = identifiers.nik_prefix_known(nik)
                if self._limit:
                    self._prefix_known[nik[:6]] = known
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
                    # Every cached column is a soft one (SOFT_FIELDS).
                    warnings.append((KEPT + found.code, _text(cell), field))
                else:
                    setattr(values, field, found)

        if self._capacity is not None or self._capacity_unit is not None:
            self._clean_capacity(cells, values, warnings)

        if self._kbli_version is not None and self._kbli_version < width:
            cell = cells[self._kbli_version]
            if cell is not None and cell != "":
                version = _text(cell).upper().removeprefix("KBLI").strip().removesuffix(".0")
                if version in kbli.VERSIONS:
                    values.kbli_version = version
                else:
                    warnings.append((KEPT + "kbli_version", _text(cell), "kbli_version"))
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
                    warnings.append((KEPT + found.code, _text(cell), "kbli_code"))
                else:
                    values.kbli_code = found

        if (values.latitude is None) != (values.longitude is None):
            # Half a coordinate places nothing: both are left empty.
            if not any(w[2] in ("latitude", "longitude") for w in warnings):
                written = values.latitude if values.latitude is not None else values.longitude
                warnings.append((KEPT + "coordinate_pair", str(written), "latitude"))
            values.latitude = values.longitude = None

        if reasons or _TOTAL_START.match(values.name):
            skipped = self.skip_reason(cells, imported=not reasons)
            if skipped is not None:
                return Cleaned(None, [], [], skipped)
        if reasons:
            # A rejected row lists every problem among its reasons, the soft
            # ones too: the clerk corrects the row once.
            kept = [(c.removeprefix(KEPT), "", f) for c, _v, f in warnings if c.startswith(KEPT)]
            if kept:
                reasons += kept
                warnings = [w for w in warnings if not w[0].startswith(KEPT)]
            return Cleaned(None, reasons, warnings)
        self._derive(values, self.this_year)
        return Cleaned(values, reasons, warnings)

    def skip_reason(self, cells: Sequence[Any], *, imported: bool) -> Reason | None:
        """Why this row is not a business and is skipped, or None.

        Called only for a row that would be rejected, or whose name starts
        like a total (``imported``). Conservative: a row with an owner NIK,
        NIB, phone, owner name or address is never skipped, and a row that
        would be imported is skipped only as a totals row.

        - **Totals**: a cell up to the name column is a totals label: ``Jumlah``,
          ``Total``, ``Sub total``, ``Grand total`` or ``Jml``, followed by
          nothing but numbers, words of scope (``keseluruhan``, ``UMKM``…) or
          the area it sums (``Kecamatan Dumai Barat``, ``RT 03``). A name that
          only begins with such a word ("Total Laundry", "Jumlah Rasa
          Catering") is a business. A row that would be rejected is a totals
          row too when its cell only begins with the word and every other
          filled cell is a number.
        - **Notes and signatures** (rows that would be rejected): the first
          filled cell starts with ``Mengetahui``, ``Kepala Desa``, ``Lurah``,
          ``Camat``, ``NIP``, ``Catatan``, ``Keterangan``, ``Sumber``,
          ``Dibuat oleh``, ``ttd``…, or is a place and a date
          (``Dumai, 12 Mei 2024``); rows of at most two cells below such a row
          (the signer's name) are part of the block.
        - **Numbers only**: no name and every filled cell a number (a total
          without its label, or the number of an empty template row).
        """
        width = len(cells)
        for index in self._identity:
            if index < width and _text(cells[index]):
                return None
        filled = [cell for cell in cells if cell is not None and _text(cell)]
        if not filled:
            return None
        for cell in cells[: self._label_columns]:
            if isinstance(cell, str) and _TOTAL_START.match(text := _text(cell)):
                numbers_only = not imported and all(
                    _is_number(other) for other in filled if other is not cell
                )
                if numbers_only or self._is_total_label(text):
                    return ("skip_total", text[:60], "")
        if imported:
            return None
        first = _text(filled[0])
        if _NOTE_START.match(first) or _PLACE_DATE.fullmatch(first):
            self._after_signature = True
            return ("skip_note", first[:60], "")
        if all(_is_number(cell) for cell in filled):
            return ("skip_numbers", "", "")
        if self._after_signature and len(filled) <= 2:
            return ("skip_note", first[:60], "")
        return None

    def _is_total_label(self, text: str) -> bool:
        """``text`` is a whole totals label: after an area word, only numbers
        and punctuation ("RT 03") or a name of the region, one of its
        kecamatan or kelurahan (official, short or alias), then numbers and
        punctuation ("TOTAL KECAMATAN DUMAI BARAT: 120")."""
        found = _TOTAL_LABEL.fullmatch(text)
        if found is None:
            return False
        area = _FILLER_TAIL.sub("", found.group("area") or "")
        name = normalise_place(area) if area.strip(" .,:;=()/-") else ""
        return not name or name in self._place_names()

    def _place_names(self) -> set[str]:
        if self._area_names is None:
            places = self.places
            names = {*places.kecamatan_by_name, *places.by_name, *places.short, *places.aliases}
            region = get_area(places.region_code)
            if region is not None:
                own = normalise_place(region.name)
                names |= {own, _REGION_KIND.sub("", own)}
            self._area_names = names
        return self._area_names

    def _year(self, raw: Any) -> int | None:
        if isinstance(raw, dt.date | dt.datetime):
            raw = raw.year
        return identifiers.clean_year(raw, self.this_year)


# A row with one of these is a business (or a mistake to show), never skipped.
_IDENTITY_FIELDS = ("owner_nik", "nib", "phone", "owner_name", "address")
_TOTAL_WORD = r"(?:sub\s*-?\s*total|grand\s+total|total|jumlah|jml)\b"
_TOTAL_START = re.compile(rf"(?i){_TOTAL_WORD}")
# A whole totals label: the word, then only numbers, punctuation, words of
# scope, and the area summed ("Jumlah Kec. Dumai Barat", "Sub total RT 03").
# After the area word (group "area") only numbers and punctuation, or a place
# of the region then numbers and punctuation (RowCleaner._is_total_label):
# "Total Kota Bakery" and "Jumlah Desa Wisata Homestay" are businesses.
_TOTAL_FILLER = r"[\s\d.,:;=()/\-]*"
_TOTAL_LABEL = re.compile(
    rf"(?i){_TOTAL_WORD}{_TOTAL_FILLER}"
    r"(?:(?:total|jumlah|keseluruhan|seluruhnya|semua|akhir|umkm|ikm|usaha|unit|data|"
    rf"sementara|halaman|hal)\b{_TOTAL_FILLER})*"
    r"(?:(?:per\s+)?(?:kecamatan|kec|kelurahan|kel|desa|ds|wilayah|kota|kabupaten|kab|rt|rw)"
    r"\b(?P<area>.*))?"
)
_FILLER_TAIL = re.compile(rf"{_TOTAL_FILLER}\Z")
_REGION_KIND = re.compile(r"^(?:KOTA|KABUPATEN|KAB)\s+")
_NOTE_START = re.compile(
    r"(?i)(?:mengetahui|menyetujui|disetujui|diperiksa|dibuat\s+oleh|disusun\s+oleh|"
    r"kepala\s+(?:desa|kelurahan|dinas|bidang|seksi)|kades\b|lurah\b|camat\b|sekretaris\b|"
    r"sekdes\b|ketua\b|petugas\b|pencacah\b|enumerator\b|pendata\b|nip\b|ttd\b|"
    r"tanda\s+tangan|catatan\b|keterangan\b|ket\s*[.:]|sumber\s*(?:data\s*)?:)"
)
_MONTHS = (
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "nopember|november|desember|jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des"
)
# "Dumai, 12 Mei 2024" or "Dumai, 12-05-2024": where and when a form was signed.
_PLACE_DATE = re.compile(
    rf"(?i)[a-z .'-]{{2,40}},\s*\d{{1,2}}(?:\s+(?:{_MONTHS})\.?\s+|[-/.]\d{{1,2}}[-/.])\d{{2,4}}"
)
_NUMBER_TEXT = re.compile(r"[\d.,\s]+")


def _is_number(cell: Any) -> bool:
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        return True
    return isinstance(cell, str) and _NUMBER_TEXT.fullmatch(cell.strip()) is not None


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
    if code.startswith(KEPT):
        # The original cell is in its own column of the report, not here.
        message = str(REASONS[code.removeprefix(KEPT)]).replace("%(value)s", "…")
        return f"{FIELDS.get(field, field)}: {message} {_KEPT_NOTE}"
    message = str(REASONS[code])
    if "%(value)s" in message:
        first, _separator, other = value.partition(VALUE_SEPARATOR)
        message = message % {"value": first, "other": other}
    if code in _NAMES_NO_FIELD and field in FIELDS:
        return f"{FIELDS[field]}: {message}"
    return message
