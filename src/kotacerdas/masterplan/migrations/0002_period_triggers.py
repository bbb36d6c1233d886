"""Database triggers that keep every programme and action plan year inside its
masterplan's period, whatever path writes the row (ORM, bulk import, raw SQL).
The models' clean() gives the readable message first; these are the backstop."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MESSAGE = "Tahun di luar periode masterplan / year outside the masterplan period"

PROGRAMME_OUTSIDE = """
    SELECT 1 FROM masterplan_masterplan m WHERE m.id = NEW.masterplan_id AND (
        NEW.start_year < m.start_year OR NEW.end_year > m.end_year
        OR (NEW.quick_win_year IS NOT NULL
            AND (NEW.quick_win_year < m.start_year OR NEW.quick_win_year > m.end_year)))
"""
ACTION_PLAN_OUTSIDE = """
    SELECT 1 FROM masterplan_masterplan m WHERE m.id = NEW.masterplan_id
        AND (NEW.year < m.start_year OR NEW.year > m.end_year)
"""
MASTERPLAN_STRANDS = """
    SELECT 1 FROM masterplan_programme p WHERE p.masterplan_id = NEW.id AND (
        p.start_year < NEW.start_year OR p.end_year > NEW.end_year
        OR (p.quick_win_year IS NOT NULL
            AND (p.quick_win_year < NEW.start_year OR p.quick_win_year > NEW.end_year)))
    UNION ALL
    SELECT 1 FROM masterplan_actionplan a WHERE a.masterplan_id = NEW.id
        AND (a.year < NEW.start_year OR a.year > NEW.end_year)
"""
CHECKS = [
    ("masterplan_programme", "programme_years", PROGRAMME_OUTSIDE, "INSERT OR UPDATE"),
    ("masterplan_actionplan", "action_plan_year", ACTION_PLAN_OUTSIDE, "INSERT OR UPDATE"),
    ("masterplan_masterplan", "masterplan_period", MASTERPLAN_STRANDS, "UPDATE"),
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for table, name, query, events in CHECKS:
        if vendor == "sqlite":
            for event in events.split(" OR "):
                schema_editor.execute(
                    f"CREATE TRIGGER kc_{name}_{event.lower()} BEFORE {event} ON {table} "
                    f"WHEN EXISTS ({query}) "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION kc_{name}() RETURNS trigger AS $$ BEGIN "
                f"IF EXISTS ({query}) THEN "
                f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; "
                f"END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER kc_{name} BEFORE {events} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION kc_{name}();"
            )


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for table, name, _query, events in CHECKS:
        if vendor == "sqlite":
            for event in events.split(" OR "):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{name}_{event.lower()};")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS kc_{name}();")


class Migration(migrations.Migration):
    dependencies = [("masterplan", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
