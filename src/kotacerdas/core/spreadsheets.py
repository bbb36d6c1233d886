"""Writing cells of the workbooks KotaCerdas hands out (the masterplan
template, the agencies' progress workbooks): one safe way to put a value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet


def put_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write ``value``: text always as text ("=..." never becomes a formula, and
    control characters a file may not hold are dropped); whole Rupiah amounts
    as integers with thousands separators."""
    cell = ws.cell(row=row, column=column)
    assert isinstance(cell, Cell)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        integral = value == value.to_integral_value()
        cell.value = int(value) if integral else value
        cell.number_format = "#,##0" if integral else "#,##0.00"
    else:
        cell.value = value
    return cell
