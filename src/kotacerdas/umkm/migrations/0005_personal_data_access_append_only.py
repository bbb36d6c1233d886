"""The record of processing (PersonalDataAccess) refuses UPDATE and DELETE in
the database, like the audit trail (core/0003_audit_append_only)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kotacerdas.core.triggers import AppendOnly, install, remove

CHECKS = (
    AppendOnly(
        table="umkm_personaldataaccess",
        name="personaldataaccess_append_only",
        message=(
            "Catatan akses data pribadi tidak dapat diubah atau dihapus / "
            "the personal data access log is append-only"
        ),
    ),
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install(schema_editor, CHECKS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove(schema_editor, CHECKS)


class Migration(migrations.Migration):
    # core/0003 creates the SQLite maintenance flag table the DELETE trigger reads.
    dependencies = [("umkm", "0004_leaner_business_indexes"), ("core", "0003_audit_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
