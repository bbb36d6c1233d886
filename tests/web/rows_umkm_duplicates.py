"""Moved to tests/permissions/rows_umkm_duplicates.py (see tests/web/__init__.py)."""

from tests.permissions.rows_umkm_duplicates import (
    KELURAHAN,
    NIK,
    OTHER_KELURAHAN,
    make_business,
    make_pair,
)

__all__ = ["KELURAHAN", "NIK", "OTHER_KELURAHAN", "make_business", "make_pair"]
