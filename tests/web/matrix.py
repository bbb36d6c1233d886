"""Moved to tests/permissions/matrix.py (see tests/web/__init__.py)."""

from tests.permissions.matrix import PERSONAS

__all__ = ["PERSONAS"]
