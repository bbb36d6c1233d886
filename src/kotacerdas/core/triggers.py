"""Row checks that span tables, installed as database triggers on SQLite and
PostgreSQL. Migrations declare a :class:`RowCheck` and call :func:`install`
forwards and :func:`remove` backwards.

A check's ``violation`` is a SELECT over ``NEW`` that returns a row when the
new or updated row breaks the rule; the trigger then aborts the statement.
Models' ``clean()`` gives the readable message first; these are the backstop
for every other write path (bulk imports, raw SQL, races between two checks).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


@dataclass(frozen=True)
class RowCheck:
    table: str
    name: str
    violation: str
    events: tuple[str, ...]  # "INSERT", "UPDATE"
    message: str


@dataclass(frozen=True)
class AppendOnly:
    """A table whose rows are never updated, and deleted only while the
    connection's current transaction is in audit maintenance (see
    :func:`audit_maintenance`; docs/decisions.md, "audit table refuses updates
    and deletes")."""

    table: str
    name: str
    message: str


# SQLite: a one-column table in the main schema; a row in it, inserted and
# removed inside one transaction, is the maintenance flag. (A main-schema
# trigger cannot see TEMP tables, and the row is never committed, so no other
# connection ever sees it.) PostgreSQL: a transaction-local setting.
MAINTENANCE_TABLE = "kc_audit_maintenance"
MAINTENANCE_SETTING = "kotacerdas.audit_maintenance"
_MAINTENANCE_ON = "SELECT 1 FROM kc_audit_maintenance"


def create_maintenance_flag(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {MAINTENANCE_TABLE} (flag INTEGER NOT NULL)"
        )


def drop_maintenance_flag(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {MAINTENANCE_TABLE}")


@contextmanager
def audit_maintenance(using: str = "default") -> Iterator[None]:
    """Let the current transaction delete rows of append-only tables (the
    test runner's flush, ``kotacerdas flush``). Must run inside
    ``transaction.atomic``; updates stay refused."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("audit_maintenance must run inside a transaction")
    if connection.vendor == "postgresql":
        # is_local=true: the setting ends with the transaction, whatever happens.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [MAINTENANCE_SETTING])
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [MAINTENANCE_SETTING])
        return
    with connection.cursor() as cursor:
        flag = connection.vendor == "sqlite" and MAINTENANCE_TABLE in (
            connection.introspection.table_names(cursor)
        )
        if flag:
            cursor.execute("INSERT INTO kc_audit_maintenance (flag) VALUES (1)")
    # On an error the caller's transaction rolls back, and the flag row with it.
    yield
    if flag:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM kc_audit_maintenance")


def around_table_rebuild(*checks: tuple[RowCheck | AppendOnly, ...]) -> tuple[Any, Any]:
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


def _install_append_only(schema_editor: BaseDatabaseSchemaEditor, guard: AppendOnly) -> None:
    vendor = schema_editor.connection.vendor
    message = guard.message.replace("'", "''")
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER kc_{guard.name}_update BEFORE UPDATE ON {guard.table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER kc_{guard.name}_delete BEFORE DELETE ON {guard.table} "
            f"WHEN NOT EXISTS ({_MAINTENANCE_ON}) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE FUNCTION kc_{guard.name}() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' OR current_setting('{MAINTENANCE_SETTING}', true) "
            f"IS DISTINCT FROM 'on' THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation'; "
            f"END IF; IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF; "
            f"RETURN OLD; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER kc_{guard.name} BEFORE UPDATE OR DELETE ON {guard.table} "
            f"FOR EACH ROW EXECUTE FUNCTION kc_{guard.name}();"
        )
        schema_editor.execute(
            f"CREATE TRIGGER kc_{guard.name}_truncate BEFORE TRUNCATE ON {guard.table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION kc_{guard.name}();"
        )
    else:
        raise NotImplementedError(f"No append-only triggers for {vendor}")


def _remove_append_only(schema_editor: BaseDatabaseSchemaEditor, guard: AppendOnly) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for event in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{guard.name}_{event};")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{guard.name} ON {guard.table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{guard.name}_truncate ON {guard.table};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS kc_{guard.name}();")


def install(
    schema_editor: BaseDatabaseSchemaEditor, checks: tuple[RowCheck | AppendOnly, ...]
) -> None:
    vendor = schema_editor.connection.vendor
    for check in checks:
        if isinstance(check, AppendOnly):
            _install_append_only(schema_editor, check)
            continue
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


def remove(
    schema_editor: BaseDatabaseSchemaEditor, checks: tuple[RowCheck | AppendOnly, ...]
) -> None:
    vendor = schema_editor.connection.vendor
    for check in checks:
        if isinstance(check, AppendOnly):
            _remove_append_only(schema_editor, check)
            continue
        if vendor == "sqlite":
            for event in check.events:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{check.name}_{event.lower()};")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kc_{check.name} ON {check.table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS kc_{check.name}();")
