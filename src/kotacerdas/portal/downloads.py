"""Open data files: one :class:`~kotacerdas.portal.selectors.Dataset` written as
CSV (UTF-8 with BOM, data only; its metadata is the sidecar
``<dataset>.metadata.json``), JSON (``{"metadata": ..., "data": [...]}``) or
XLSX (a "metadata" sheet and a "data" sheet)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from openpyxl import Workbook

from kotacerdas.core.spreadsheets import put_cell
from kotacerdas.portal.datasets import Dataset

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _csv_safe(value: Any) -> str:
    """Text that a spreadsheet opening the CSV never runs as a formula."""
    text = _text(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def as_csv(dataset: Dataset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in dataset.columns]
    writer.writerow(names)
    for row in dataset.rows:
        writer.writerow([_csv_safe(row.get(name)) for name in names])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_json(dataset: Dataset) -> bytes:
    payload = {"metadata": dataset.metadata, "data": dataset.rows}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def metadata_json(dataset: Dataset) -> bytes:
    return json.dumps(
        dataset.metadata, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1
    ).encode()


def _cell_value(column_type: str, value: Any) -> Any:
    if value in (None, ""):
        return None
    if column_type == "number":
        return Decimal(str(value))
    return value


def _flat(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, value in metadata.items():
        if key == "columns":
            continue
        if isinstance(value, dict):
            rows.extend((f"{key}.{k}", _text(v)) for k, v in value.items())
        else:
            rows.append((key, _text(value)))
    return rows


def as_xlsx(dataset: Dataset) -> bytes:
    wb = Workbook()
    meta = wb.active
    assert meta is not None
    meta.title = "metadata"
    line = 1
    for key, value in _flat(dataset.metadata):
        put_cell(meta, line, 1, key)
        put_cell(meta, line, 2, value)
        line += 1
    line += 1
    put_cell(meta, line, 1, "column")
    put_cell(meta, line, 2, "description")
    put_cell(meta, line, 3, "type")
    for column in dataset.columns:
        line += 1
        put_cell(meta, line, 1, column.name)
        put_cell(meta, line, 2, str(column.description))
        put_cell(meta, line, 3, column.type)
    data = wb.create_sheet("data")
    for index, column in enumerate(dataset.columns, start=1):
        put_cell(data, 1, index, column.name)
    for line, row in enumerate(dataset.rows, start=2):
        for index, column in enumerate(dataset.columns, start=1):
            put_cell(data, line, index, _cell_value(column.type, row.get(column.name)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


WRITERS = {"csv": as_csv, "json": as_json, "xlsx": as_xlsx}
