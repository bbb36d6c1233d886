"""Moved to tests/permissions/test_permissions.py (see tests/web/__init__.py);
no test of its own."""

from tests.permissions.test_permissions import MATRIX

__all__ = ["MATRIX"]
