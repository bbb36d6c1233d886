"""Open data files: one :class:`~kotacerdas.portal.datasets.Dataset` written as
CSV (UTF-8 with BOM, data only; its metadata is the sidecar
``<dataset>.metadata.json``), JSON (``{"metadata": ..., "data": [...]}``) or
XLSX (a "metadata" sheet and a "data" sheet). CSV and XLSX go through the
shared table writer (:mod:`kotacerdas.core.sheets.writing`) and its
formula-injection guard."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from kotacerdas.core.sheets.writing import CONTENT_TYPES as TABLE_TYPES
from kotacerdas.core.sheets.writing import Table, csv_bytes, xlsx_bytes
from kotacerdas.portal.datasets import Dataset

CONTENT_TYPES = {
    "csv": TABLE_TYPES["csv"],
    "json": "application/json",
    "xlsx": TABLE_TYPES["xlsx"],
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def as_csv(dataset: Dataset) -> bytes:
    names = [c.name for c in dataset.columns]
    return csv_bytes(names, ([row.get(name) for name in names] for row in dataset.rows))


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
    meta: list[tuple[Any, ...]] = [
        *_flat(dataset.metadata),
        (),
        ("column", "description", "type"),
        *((c.name, str(c.description), c.type) for c in dataset.columns),
    ]
    data = ([_cell_value(c.type, row.get(c.name)) for c in dataset.columns] for row in dataset.rows)
    return xlsx_bytes(
        Table("metadata", (), meta),
        Table("data", [c.name for c in dataset.columns], data),
    )


WRITERS = {"csv": as_csv, "json": as_json, "xlsx": as_xlsx}
