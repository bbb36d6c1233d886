"""Validating a parsed workbook: every cell read as the value its column
needs, every row checked, every reference resolved against the file and
the region's data, every problem collected with sheet, row and column. The
result is a :class:`Plan`: the file with canonical keys, ready to apply."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from kotacerdas.core.sheets import cells
from kotacerdas.core.sheets.cells import CellError, Raw, normalise
from kotacerdas.core.sheets.problems import Problems
from kotacerdas.masterplan.exchange.results import MESSAGES, Kind
from kotacerdas.masterplan.exchange.workbook import (
    ACTION_PLANS_SHEET,
    AGENCIES_SHEET,
    ELEMENTS_OF,
    FIELD_HEADER,
    LABELS_SHEET,
    MASTERPLAN_SHEET,
    PROGRAMMES_SHEET,
    Column,
    Sheet,
)
from kotacerdas.masterplan.models import ActionPlan, Agency, Horizon, Masterplan, Programme
from kotacerdas.regions.models import Region


@dataclass
class Table:
    sheet: Sheet
    columns: dict[str, int]  # column key → index
    rows: list[tuple[int, Sequence[Raw]]]  # (spreadsheet row number, cells)

    def cell(self, cells_: Sequence[Raw], key: str) -> Raw:
        index = self.columns[key]
        return cells_[index] if index < len(cells_) else None


def header_key(raw: Raw) -> str:
    return normalise(cells.text(raw)).replace(" ", "_")


# --- Validation ----------------------------------------------------------------------------


class Bad:
    """A cell that could not be read (its problem is already reported)."""


BAD = Bad()


@dataclass
class Item:
    sheet: str
    row: int | None
    values: dict[str, Any]
    rows: dict[str, int | None] = field(default_factory=dict)  # per column (fields layout)

    def good(self, key: str) -> bool:
        return self.values.get(key, BAD) is not BAD

    def row_of(self, key: str) -> int | None:
        return self.rows.get(key, self.row)


Label = tuple[str, int | None]  # (name, row)


@dataclass
class Plan:
    """The validated file, with every reference resolved to a canonical key."""

    masterplan: Item
    pillar_names: dict[str, Label]
    element_names: dict[tuple[str, str], Label]
    agencies: list[Item]
    programmes: list[Item]
    plans: list[Item]


def _blank(column: Column) -> Any:
    """The value of an empty optional cell, as the model stores it."""
    if column.kind == "year":
        return None
    if column.kind == "money":
        return Decimal(0)
    if column.kind == "agencies":
        return []
    return ""


class Validator:
    def __init__(self, tables: dict[str, Table], region: Region | None) -> None:
        self.tables = tables
        self.region = region
        self.problems = Problems(MESSAGES)
        self.period: tuple[int, int] | None = None
        self.masterplan: Masterplan | None = None

    def add(self, item: Item, key: str, code: str, **params: Any) -> None:
        self.problems.add(item.sheet, item.row_of(key), key, code, **params)

    # One cell --------------------------------------------------------------------------

    def value(self, sheet: Sheet, row: int | None, column: Column, raw: Raw) -> Any:
        if cells.is_blank(raw):
            if column.required:
                self.problems.add(sheet.name, row, column.key, "required")
                return BAD
            return _blank(column)
        try:
            if column.kind == "year":
                return cells.year(raw)
            if column.kind == "money":
                assert column.model is not None
                money_field = column.model._meta.get_field(column.field)
                assert isinstance(money_field, models.DecimalField)
                return cells.money(
                    raw,
                    max_digits=money_field.max_digits or 0,
                    places=money_field.decimal_places or 0,
                )
            if column.kind == "choice":
                assert column.choices is not None
                return cells.choice(raw, column.choices)
            if column.kind == "agencies":
                return cells.names(raw)
            value = cells.text(raw)
            if column.max_length is not None and len(value) > column.max_length:
                raise CellError("too_long", max=column.max_length)
            return value
        except CellError as error:
            self.problems.add(sheet.name, row, column.key, error.code, **error.params)
            return BAD

    def items(self, sheet: Sheet) -> list[Item]:
        table = self.tables[sheet.name]
        found = []
        for number, row in table.rows:
            raw = {c.key: table.cell(row, c.key) for c in sheet.columns}
            if all(cells.is_blank(v) for v in raw.values()):
                continue
            values = {c.key: self.value(sheet, number, c, raw[c.key]) for c in sheet.columns}
            found.append(Item(sheet.name, number, values))
        return found

    def unique(self, items: list[Item], key: str, known: Iterable[str] = ()) -> list[Item]:
        """Items whose key is readable and not repeated (ignoring case); repeats
        are reported, and so is a key that differs from a ``known`` one (in
        the database) only by case, which would otherwise add a near twin."""
        first: dict[str, Item] = {}
        exact = set(known)
        stored = {k.casefold(): k for k in exact}
        kept = []
        for item in items:
            if not item.good(key):
                continue
            value = item.values[key]
            folded = value.casefold()
            if folded in first:
                self.add(item, key, "duplicate", value=value, other=first[folded].row)
                continue
            first[folded] = item
            if value not in exact and folded in stored:
                self.add(item, key, "case_conflict", value=value, stored=stored[folded])
                continue
            kept.append(item)
        return kept

    # Sheets ------------------------------------------------------------------------------

    def masterplan_item(self) -> Item:
        sheet = MASTERPLAN_SHEET
        table = self.tables[sheet.name]
        by_key: dict[str, tuple[int, Raw]] = {}
        for number, row in table.rows:
            key = header_key(table.cell(row, FIELD_HEADER[0]))
            if not key:
                continue
            if key not in sheet.headers:
                self.problems.add(sheet.name, number, FIELD_HEADER[0], "unknown_field", value=key)
            elif key in by_key:
                self.problems.add(
                    sheet.name, number, key, "duplicate", value=key, other=by_key[key][0]
                )
            else:
                by_key[key] = (number, table.cell(row, FIELD_HEADER[1]))
        item = Item(sheet.name, None, {})
        for column in sheet.columns:
            if column.key not in by_key:
                self.problems.add(sheet.name, None, column.key, "missing_field")
                item.values[column.key] = BAD
                continue
            number, raw = by_key[column.key]
            item.rows[column.key] = number
            item.values[column.key] = self.value(sheet, number, column, raw)
        start, end = item.values["tahun_mulai"], item.values["tahun_akhir"]
        if start is not BAD and end is not BAD:
            if start > end:
                self.add(item, "tahun_akhir", "period_order")
            else:
                self.period = (start, end)
        if start is not BAD and self.region is not None:
            self.masterplan = Masterplan.objects.filter(
                region=self.region, start_year=start
            ).first()
        return item

    def labels(self) -> tuple[dict[str, Label], dict[tuple[str, str], Label]]:
        pillars: dict[str, Label] = {}
        elements: dict[tuple[str, str], Label] = {}
        for item in self.items(LABELS_SHEET):
            if not item.good("kode_pilar"):
                continue
            pillar = item.values["kode_pilar"]
            element = self.element(item, pillar)
            if item.good("nama_pilar"):
                name = item.values["nama_pilar"]
                if pillar in pillars and pillars[pillar][0] != name:
                    self.add(item, "nama_pilar", "pillar_name", other=pillars[pillar][1])
                pillars.setdefault(pillar, (name, item.row))
            if element is None or not item.good("nama_elemen"):
                continue
            if (pillar, element) in elements:
                other = elements[(pillar, element)][1]
                self.add(item, "kode_elemen", "duplicate", value=element, other=other)
                continue
            elements[(pillar, element)] = (item.values["nama_elemen"], item.row)
        return pillars, elements

    def element(self, item: Item, pillar: str) -> str | None:
        """The canonical element code of this row's pillar, or None (reported)."""
        if not item.good("kode_elemen"):
            return None
        typed = item.values["kode_elemen"]
        codes = ELEMENTS_OF[pillar]
        found = next((c for c in codes if normalise(c) == normalise(typed)), None)
        if found is None:
            self.add(
                item,
                "kode_elemen",
                "element_pillar",
                value=typed,
                pillar=pillar,
                allowed=", ".join(codes),
            )
        return found

    def in_period(self, item: Item, key: str) -> None:
        value = item.values.get(key)
        if self.period is None or value is None or value is BAD:
            return
        start, end = self.period
        if not start <= value <= end:
            self.add(item, key, "outside_period", value=value, period=f"{start}–{end}")
            item.values[key] = BAD

    def in_programme_years(self, item: Item, years_of: dict[str, tuple[int, int]]) -> None:
        """An action plan's year lies within its programme's years (as the
        file leaves them), like ActionPlan.clean and the database say."""
        if not item.good("tahun") or not item.good("kode_program"):
            return
        years = years_of.get(item.values["kode_program"])
        if years is None:
            return
        start, end = years
        if not start <= item.values["tahun"] <= end:
            self.add(
                item,
                "tahun",
                "outside_programme",
                value=item.values["tahun"],
                programme=item.values["kode_program"],
                years=f"{start}–{end}",
            )
            item.values["tahun"] = BAD

    def run(self) -> tuple[Plan, dict[Kind, list[str]]]:
        masterplan = self.masterplan_item()
        pillar_names, element_names = self.labels()

        db_agencies = (
            list(Agency.objects.filter(region=self.region).values_list("short_name", flat=True))
            if self.region is not None
            else []
        )
        agencies = self.unique(self.items(AGENCIES_SHEET), "singkatan", db_agencies)
        agency_keys = _Resolver([a.values["singkatan"] for a in agencies], db_agencies)

        db_programmes: dict[str, tuple[str, int | None]] = {}
        db_plans: list[str] = []
        years_of: dict[str, tuple[int, int]] = {}  # programme code → its years
        if self.masterplan is not None:
            db_programmes = {}
            for code, pillar, year, start, end in Programme.objects.filter(
                masterplan=self.masterplan
            ).values_list(
                "code", "element__pillar__code", "quick_win_year", "start_year", "end_year"
            ):
                db_programmes[code] = (pillar, year)
                years_of[code] = (start, end)
            db_plans = list(
                ActionPlan.objects.filter(masterplan=self.masterplan).values_list("code", flat=True)
            )
        programmes = self.unique(self.items(PROGRAMMES_SHEET), "kode", db_programmes)
        for item in programmes:
            self.programme(item, agency_keys)
        self.quick_wins(programmes, db_programmes)

        programme_keys = _Resolver([p.values["kode"] for p in programmes], list(db_programmes))
        plans = self.unique(self.items(ACTION_PLANS_SHEET), "kode", db_plans)
        for item in programmes:
            if item.good("tahun_mulai") and item.good("tahun_akhir"):
                years_of[item.values["kode"]] = (
                    item.values["tahun_mulai"],
                    item.values["tahun_akhir"],
                )
            else:
                years_of.pop(item.values["kode"], None)
        for item in plans:
            self.resolve(item, "kode_program", programme_keys, "unknown_programme")
            self.resolve(item, "perangkat_daerah", agency_keys, "unknown_agency")
            self.in_period(item, "tahun")
            self.in_programme_years(item, years_of)

        absent: dict[Kind, list[str]] = {}
        in_file = {a.values["singkatan"] for a in agencies}
        absent["agency"] = sorted(set(db_agencies) - in_file, key=str.casefold)
        absent["programme"] = sorted(set(db_programmes) - {p.values["kode"] for p in programmes})
        absent["action_plan"] = sorted(set(db_plans) - {p.values["kode"] for p in plans})
        absent = {kind: keys for kind, keys in absent.items() if keys}
        plan = Plan(masterplan, pillar_names, element_names, agencies, programmes, plans)
        return plan, absent

    def resolve(self, item: Item, key: str, resolver: _Resolver, code: str) -> None:
        if not item.good(key):
            return
        found = resolver.find(item.values[key])
        if found is None:
            self.add(item, key, code, value=item.values[key])
            item.values[key] = BAD
        else:
            item.values[key] = found

    def programme(self, item: Item, agencies: _Resolver) -> None:
        values = item.values
        if item.good("kode_pilar"):
            element = self.element(item, values["kode_pilar"])
            values["kode_elemen"] = BAD if element is None else element
        self.resolve(item, "pengampu", agencies, "unknown_agency")
        if item.good("pendukung"):
            supporting = []
            for name in values["pendukung"]:
                found = agencies.find(name)
                if found is None:
                    self.add(item, "pendukung", "unknown_agency", value=name)
                else:
                    supporting.append(found)
            values["pendukung"] = supporting if len(supporting) == len(values["pendukung"]) else BAD
        for key in ("tahun_mulai", "tahun_akhir"):
            self.in_period(item, key)
        start, end = values["tahun_mulai"], values["tahun_akhir"]
        years_ok = start is not BAD and end is not BAD
        if years_ok and start > end:
            self.add(item, "tahun_akhir", "period_order")
            years_ok = False
        if not item.good("jangka") or not item.good("tahun_quick_win"):
            return
        quick_year = values["tahun_quick_win"]
        if (values["jangka"] == Horizon.QUICK_WIN) != (quick_year is not None):
            self.add(item, "tahun_quick_win", "quick_win_year")
            values["tahun_quick_win"] = BAD
        elif quick_year is not None and years_ok and not start <= quick_year <= end:
            self.add(item, "tahun_quick_win", "quick_win_outside")
            values["tahun_quick_win"] = BAD

    def quick_wins(
        self, programmes: list[Item], db_programmes: dict[str, tuple[str, int | None]]
    ) -> None:
        """One quick win per pillar per year, over the masterplan as it will be:
        the file's programmes plus those only in the database."""
        taken: dict[tuple[str, int], list[str]] = defaultdict(list)
        in_file = {p.values["kode"] for p in programmes}
        for code, (pillar, year) in db_programmes.items():
            if year is not None and code not in in_file:
                taken[(pillar, year)].append(code)
        mine = [
            p
            for p in programmes
            if p.good("kode_pilar") and p.values.get("tahun_quick_win") not in (None, BAD)
        ]
        for item in mine:
            taken[(item.values["kode_pilar"], item.values["tahun_quick_win"])].append(
                item.values["kode"]
            )
        for item in mine:
            key = (item.values["kode_pilar"], item.values["tahun_quick_win"])
            others = [c for c in taken[key] if c != item.values["kode"]]
            if others:
                self.add(item, "tahun_quick_win", "quick_win_taken", year=key[1], other=others[0])


class _Resolver:
    """Finds a key among the file's and the database's: exactly, else
    ignoring case when that is unambiguous."""

    def __init__(self, in_file: Iterable[str], in_database: Iterable[str]) -> None:
        self.keys = set(in_file) | set(in_database)
        folded: dict[str, list[str]] = defaultdict(list)
        for key in self.keys:
            folded[key.casefold()].append(key)
        self.folded = folded

    def find(self, typed: str) -> str | None:
        if typed in self.keys:
            return typed
        matches = self.folded.get(typed.casefold(), [])
        return matches[0] if len(matches) == 1 else None
