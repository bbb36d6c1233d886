"""One quick win per pillar per year (DOMAIN.md §1). The pillar lives on the
element, so no UniqueConstraint can say it; a trigger closes the race that
Programme.clean() alone leaves open on PostgreSQL."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kotacerdas.core.triggers import RowCheck, install, remove

CHECKS = (
    RowCheck(
        table="masterplan_programme",
        name="quick_win_once_per_pillar",
        violation="""
            SELECT 1 FROM masterplan_programme p
                JOIN masterplan_element e ON e.id = p.element_id
            WHERE NEW.quick_win_year IS NOT NULL
                AND p.masterplan_id = NEW.masterplan_id
                AND p.quick_win_year = NEW.quick_win_year
                AND p.id <> COALESCE(NEW.id, -1)
                AND e.pillar_id = (SELECT pillar_id FROM masterplan_element WHERE id = NEW.element_id)
        """,
        events=("INSERT", "UPDATE"),
        message="Pilar ini sudah punya quick win tahun itu / one quick win per pillar per year",
    ),
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install(schema_editor, CHECKS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove(schema_editor, CHECKS)


class Migration(migrations.Migration):
    dependencies = [("masterplan", "0002_period_triggers")]

    operations = [migrations.RunPython(forwards, backwards)]
