"""Moved to tests/permissions/rows_umkm_import.py (see tests/web/__init__.py)."""

from tests.permissions.rows_umkm_import import SURVEY_CSV, upload_job

__all__ = ["SURVEY_CSV", "upload_job"]
