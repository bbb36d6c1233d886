"""Row checks that span tables, installed as database triggers on SQLite and
PostgreSQL. Migrations declare a :class:`RowCheck` and call :func:`install`
forwards and :func:`remove` backwards.

A check's ``violation`` is a SELECT over ``NEW`` that returns a row when the
new or updated row breaks the rule; the trigger then aborts the statement.
Models' ``clean()`` gives the readable message first; these are the backstop
for every other write path (bulk imports, raw SQL, races between two checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor


@dataclass(frozen=True)
class RowCheck:
    table: str
    name: str
    violation: str
    events: tuple[str, ...]  # "INSERT", "UPDATE"
    message: str


def around_table_rebuild(*checks: tuple[RowCheck, ...]) -> tuple[Any, Any]:
    """RunPython operations to put before and after a schema change that makes
    SQLite rebuild a table (AddField with a default, AlterField...). SQLite
    drops a table's triggers with it, and triggers of other tables that name
    it break during the rebuild, so the checks come down first and go back up
    after. On PostgreSQL the pair is harmless (the checks are reinstalled)."""
    all_checks = tuple(c for group in checks for c in group)

    def down(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        remove(schema_editor, all_checks)

    def up(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        install(schema_editor, all_checks)

    from django.db import migrations

    return migrations.RunPython(down, up), migrations.RunPython(up, down)


def install(schema_editor: BaseDatabaseSchemaEditor, checks: tuple[RowCheck, ...]) -> None:
    vendor = schema_editor.connection.vendor
    for check in checks:
        message = check.message.replace("'", "''")
        if vendor == "sqlite":
            for event in check.events:
                schema_editor.execute(
                    f"CREATE TRIGGER kc_{check.name}_{event.lower()} BEFORE {event} "
                    f"ON {check.table} WHEN EXISTS ({check.violation}) "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
                )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION kc_{check.name}() RETURNS trigger AS $$ BEGIN "
                f"IF EXISTS ({check.violation}) THEN "
                f"RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; "
                f"END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER kc_{check.name} BEFORE {' OR '.join(check.events)} "
                f"ON {check.table} FOR EACH ROW EXECUTE FUNCTION kc_{check.name}();"
            )
        else:
            raise NotImplementedError(f"No row-check triggers for {vendor}")


def remove(schema_editor: BaseDatabaseSchemaEditor, checks: tuple[RowCheck, ...]) -> None:
    vendor = schema_editor.connection.vendor
    for check in checks:
        if vendor == "sqlite":
            for event in check.events:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{check.name}_{event.lower()};")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{check.name} ON {check.table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS kc_{check.name}();")
