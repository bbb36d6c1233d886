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

from django.db.backends.base.schema import BaseDatabaseSchemaEditor


@dataclass(frozen=True)
class RowCheck:
    table: str
    name: str
    violation: str
    events: tuple[str, ...]  # "INSERT", "UPDATE"
    message: str


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
