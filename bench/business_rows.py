"""Synthetic registry rows for the benchmarks, built from the model's fields.

A benchmark that inserts a million businesses cannot afford a model instance
per row, so it writes tuples with ``executemany`` or COPY. Hand-written dicts
of every column broke each time a column was added (KeyError, or a NOT NULL
refused). :class:`BusinessRows` starts from every concrete field of
``Business`` with its default (or NULL, or the empty string), ready for the
database; a benchmark gives only what it varies, and a new column is filled
by its default without touching the benchmarks. A column that has none of
these (NOT NULL, no default, not a string) stops the benchmark with its name.

Used by bench/umkm_stats.py (and so bench/umkm_export.py) and
bench/umkm_search.py; tested by tests/umkm/test_bench_rows.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def stamp(moment: dt.datetime) -> Any:
    """A datetime as this database stores it (SQLite: Django's UTC text)."""
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(moment)


class BusinessRows:
    """Rows of ``Business`` as tuples in :attr:`columns` order.

    ``fixed``: values shared by every row (by field name or column name), on
    top of the defaults. :meth:`row` takes the values of one row the same
    way. Values are passed to the database as they are: give datetimes
    through :func:`stamp` (SQLite stores Django's text form)."""

    def __init__(self, **fixed: Any) -> None:
        from django.db import connection

        from kotacerdas.umkm.models import Business

        fields = Business._meta.concrete_fields
        self.columns: list[str] = [field.column for field in fields]
        # A value may be given by field name (region) or column (region_id).
        self._column_of = {field.name: field.column for field in fields} | {
            field.column: field.column for field in fields
        }
        given = self._by_column(fixed)
        self.base: dict[str, Any] = {}
        for field in fields:
            if field.column in given:
                value = given[field.column]
            elif field.primary_key:
                value = None  # every row gives its id
            elif field.has_default():
                value = field.get_db_prep_save(field.get_default(), connection)
            elif field.null:
                value = None
            elif field.empty_strings_allowed:
                value = ""
            else:
                raise ValueError(
                    f"Business.{field.name} has no default, is NOT NULL and not text: "
                    "give it in bench/business_rows.py's callers"
                )
            self.base[field.column] = value

    def _by_column(self, values: dict[str, Any]) -> dict[str, Any]:
        try:
            return {self._column_of[name]: value for name, value in values.items()}
        except KeyError as error:
            raise KeyError(f"Business has no field {error.args[0]!r}") from None

    def row(self, **values: Any) -> tuple[Any, ...]:
        merged = {**self.base, **self._by_column(values)}
        return tuple(merged[column] for column in self.columns)
