"""Moved to tests/permissions/rows_umkm_registry.py (see tests/web/__init__.py)."""

from tests.permissions.rows_umkm_registry import ADDRESS, NIK, PHONE_STORED, make_business

__all__ = ["ADDRESS", "NIK", "PHONE_STORED", "make_business"]
