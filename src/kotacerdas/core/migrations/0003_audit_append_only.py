"""The audit trail refuses UPDATE and DELETE in the database, whatever path
writes (raw SQL, a bulk update, a manager that bypasses AppendOnlyQuerySet).
Deleting is possible only inside a transaction in audit maintenance
(core.triggers.audit_maintenance: the test runner's flush, ``kotacerdas
flush``); see docs/decisions.md, "The audit tables refuse updates and deletes
in the database"."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kotacerdas.core.triggers import (
    AppendOnly,
    create_maintenance_flag,
    drop_maintenance_flag,
    install,
    remove,
)

CHECKS = (
    AppendOnly(
        table="core_auditevent",
        name="auditevent_append_only",
        message="Jejak audit tidak dapat diubah atau dihapus / the audit trail is append-only",
    ),
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    create_maintenance_flag(schema_editor)
    install(schema_editor, CHECKS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove(schema_editor, CHECKS)
    drop_maintenance_flag(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_scheduledrun")]

    operations = [migrations.RunPython(forwards, backwards)]
