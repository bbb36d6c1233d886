"""``flush`` that can empty the append-only tables.

The audit trail and the record of processing refuse DELETE in the database
(core/migrations/0003, umkm/migrations/0005). Emptying the whole database is
a different act from rewriting history, and the test runner does it between
transactional tests (pytest-django's ``transactional_db`` and ``live_server``
call this command), so the flush runs in one transaction in audit
maintenance (core.triggers.audit_maintenance): the deletes pass, updates stay
refused, and the permission ends with the transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from kotacerdas.core.triggers import audit_maintenance


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        database = options.get("database") or DEFAULT_DB_ALIAS
        with transaction.atomic(using=database), audit_maintenance(database):
            super().handle(**options)
