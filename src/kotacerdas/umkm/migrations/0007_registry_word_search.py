"""The registry list finds a business by any word of its name, owner or
address, or by part of its NIB (docs/registry.md, "Pencarian";
docs/decisions.md, "registry search by any word").

SQLite: an external-content FTS5 table over ``umkm_business`` (the text is
not stored twice), kept in step by triggers on insert, update and delete, so
that every write path (forms, API, bulk imports, merges, anonymisation, raw
SQL) updates it. The tokenizer folds case and removes diacritics;
``detail=column`` keeps no word positions (no phrase search is needed), a
smaller index and faster inserts. The NIB column indexes the NIB and its
last 4 to 7 digits, so that a query finds a NIB by its tail; the triggers
write that expression, hence the table must be refilled with :data:`FILL`
and never with FTS5's own 'rebuild' (which would index the raw column).

PostgreSQL: pg_trgm GIN indexes on the folded name, owner, address and on
the NIB; ``kc_fold`` lower-cases and removes the usual diacritics (an
IMMUTABLE function, so it can be indexed).
"""

# ruff: noqa: S608 - the SQL is built from this module's constants, no input

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "umkm_business_search"


def _nib_suffixes(row: str) -> str:
    # The NIB and its last 7, 6, 5 and 4 digits (a 13-digit NIB); an empty
    # NIB gives only spaces. Each token costs time on every insert: people
    # quote the tail of a NIB, so the tails of 4 to 7 digits are enough.
    return " || ' ' || ".join(f"substr({row}.nib, {start})" for start in (1, 7, 8, 9, 10))


def _values(row: str) -> str:
    return f"{row}.name, {row}.owner_name, {row}.address, {_nib_suffixes(row)}"


SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "name, owner_name, address, nib, "
    "content='umkm_business', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', detail=column)",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON umkm_business BEGIN "
    f"INSERT INTO {TABLE}(rowid, name, owner_name, address, nib) "
    f"VALUES (new.id, {_values('new')}); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON umkm_business BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, name, owner_name, address, nib) "
    f"VALUES ('delete', old.id, {_values('old')}); END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF name, owner_name, address, nib "
    f"ON umkm_business BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, name, owner_name, address, nib) "
    f"VALUES ('delete', old.id, {_values('old')}); "
    f"INSERT INTO {TABLE}(rowid, name, owner_name, address, nib) "
    f"VALUES (new.id, {_values('new')}); END",
)
FILL = (
    f"INSERT INTO {TABLE}(rowid, name, owner_name, address, nib) "
    f"SELECT id, {_values('umkm_business')} FROM umkm_business"
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TABLE IF EXISTS {TABLE}",
)

# Accented letters and their plain forms, for kc_fold (PostgreSQL). Python
# folds the query with unicodedata (NFKD), which agrees on these letters.
ACCENTED = "ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿÑñÇç"
PLAIN = "AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuYyyNnCc"

POSTGRES_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE OR REPLACE FUNCTION kc_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
    f"$$ SELECT lower(translate($1, '{ACCENTED}', '{PLAIN}')) $$",
    "CREATE INDEX umkm_search_name ON umkm_business USING gin (kc_fold(name) gin_trgm_ops)",
    "CREATE INDEX umkm_search_owner ON umkm_business "
    "USING gin (kc_fold(owner_name) gin_trgm_ops)",
    "CREATE INDEX umkm_search_address ON umkm_business "
    "USING gin (kc_fold(address) gin_trgm_ops)",
    "CREATE INDEX umkm_search_nib ON umkm_business USING gin (nib gin_trgm_ops)",
)
POSTGRES_DROP = (
    "DROP INDEX IF EXISTS umkm_search_nib",
    "DROP INDEX IF EXISTS umkm_search_address",
    "DROP INDEX IF EXISTS umkm_search_owner",
    "DROP INDEX IF EXISTS umkm_search_name",
    "DROP FUNCTION IF EXISTS kc_fold(text)",
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in (*SQLITE_CREATE, FILL):
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("umkm", "0006_year_started_one_rule")]

    operations = [migrations.RunPython(forwards, backwards)]
