"""Every programme and action plan year stays inside its masterplan's period,
whatever path writes the row; shrinking a period that would strand rows is
refused the same way."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kotacerdas.core.triggers import RowCheck, install, remove

MESSAGE = "Tahun di luar periode masterplan / year outside the masterplan period"

CHECKS = (
    RowCheck(
        table="masterplan_programme",
        name="programme_years",
        violation="""
            SELECT 1 FROM masterplan_masterplan m WHERE m.id = NEW.masterplan_id AND (
                NEW.start_year < m.start_year OR NEW.end_year > m.end_year
                OR (NEW.quick_win_year IS NOT NULL AND (
                    NEW.quick_win_year < m.start_year OR NEW.quick_win_year > m.end_year)))
        """,
        events=("INSERT", "UPDATE"),
        message=MESSAGE,
    ),
    RowCheck(
        table="masterplan_actionplan",
        name="action_plan_year",
        violation="""
            SELECT 1 FROM masterplan_masterplan m WHERE m.id = NEW.masterplan_id
                AND (NEW.year < m.start_year OR NEW.year > m.end_year)
        """,
        events=("INSERT", "UPDATE"),
        message=MESSAGE,
    ),
    RowCheck(
        table="masterplan_masterplan",
        name="masterplan_period",
        violation="""
            SELECT 1 FROM masterplan_programme p WHERE p.masterplan_id = NEW.id AND (
                p.start_year < NEW.start_year OR p.end_year > NEW.end_year
                OR (p.quick_win_year IS NOT NULL AND (
                    p.quick_win_year < NEW.start_year OR p.quick_win_year > NEW.end_year)))
            UNION ALL
            SELECT 1 FROM masterplan_actionplan a WHERE a.masterplan_id = NEW.id
                AND (a.year < NEW.start_year OR a.year > NEW.end_year)
        """,
        events=("UPDATE",),
        message=MESSAGE,
    ),
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install(schema_editor, CHECKS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove(schema_editor, CHECKS)


class Migration(migrations.Migration):
    dependencies = [("masterplan", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
