"""The registry's word search: a business is found by any word, or the
beginning of a word, of its name, by the last 4 to 7 digits of its NIB (any
part of it on PostgreSQL), and, for those who may see personal data, by its
owner's name and address.
Case and the usual diacritics do not matter ("kafe" finds "Kafé").

Each word of the query must be found (in any of the searchable fields).
Results are ranked: names that start with the query first, then names with a
word that starts with the query's first word, then the rest (owner,
address, NIB, or a word inside a name); by name within a rank.

The index lives in the database (migration 0007): an FTS5 table kept in step
by triggers on SQLite, pg_trgm GIN indexes on PostgreSQL (where a word also
matches inside a longer word). Words shorter than :data:`MIN_WORD` are
ignored, a trigram index cannot answer them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections, models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.expressions import RawSQL

from kotacerdas.umkm import identifiers
from kotacerdas.umkm.registry.models import Business

MIN_WORD = 3
TABLE = "umkm_business_search"  # SQLite FTS5 table (migration 0007)
INSERT_TRIGGER = f"{TABLE}_ai"
# What migration 0007's triggers index in the NIB column: the NIB and its
# tails (substr from these positions). tests/umkm/registry/test_search.py
# checks that a bulk fill and the trigger agree.
NIB_STARTS = (1, 7, 8, 9, 10)
NIB_PREFIX_FROM = 8  # digits: a query this long may be the start of a NIB
_WORD = re.compile(r"[^\W_]+")
# Fields searched for everyone; the personal ones only for who may see them.
PUBLIC_COLUMNS = ("name", "nib")
PERSONAL_COLUMNS = ("owner_name", "address")


def fold(text: str) -> str:
    """Lower case without diacritics: "Kafé ÉLOK" → "kafe elok"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(q: str) -> list[str]:
    """The query's words that the index can answer, folded, once each. A
    leading shop word is dropped as in the names' key ("Toko Sate" looks for
    "sate", "Toko" alone for "toko")."""
    key = identifiers.name_key(fold(q)).lower()
    return list(dict.fromkeys(w for w in _WORD.findall(key) if len(w) >= MIN_WORD))


def fts_query(q: str, *, personal: bool) -> str:
    """The FTS5 MATCH expression: every word, as a prefix, in the allowed
    columns. Words are letters and digits only, quoted: no FTS5 syntax can
    come from the user."""
    columns = PUBLIC_COLUMNS + (PERSONAL_COLUMNS if personal else ())
    spec = "{" + " ".join(columns) + "}"
    text = "{" + " ".join(c for c in columns if c != "nib") + "}"
    parts = []
    for w in words(q):
        if w.isdigit():
            # A NIB's tail is a whole term (its last 4-7 digits): matching it
            # exactly reads one term instead of every longer tail it starts.
            # From 8 digits on, the start of a NIB.
            nib = f'"{w}"*' if len(w) >= NIB_PREFIX_FROM else f'"{w}"'
            parts.append(f'(({text} : "{w}"*) OR (nib : {nib}))')
        else:
            parts.append(f'({spec} : "{w}"*)')
    return " AND ".join(parts)


def _indexed(row: str) -> str:
    nib = " || ' ' || ".join(f"substr({row}.nib, {start})" for start in NIB_STARTS)
    return f"{row}.name, {row}.owner_name, {row}.address, {nib}"


@contextmanager
def bulk_insert() -> Iterator[None]:
    """SQLite, inside the transaction of a large insert into the registry:
    index the new rows in one statement at the end instead of one trigger
    call per row (about six times cheaper, docs/benchmarks.md). The insert
    trigger is dropped for the load and created again; a failure rolls both
    back with the transaction."""
    if connection.vendor != "sqlite":
        yield
        return
    table = Business._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [INSERT_TRIGGER]
        )
        found = cursor.fetchone()
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        (last,) = cursor.fetchone()
        if found is not None:
            cursor.execute(f"DROP TRIGGER {INSERT_TRIGGER}")
    yield
    if found is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE}(rowid, name, owner_name, address, nib) "  # noqa: S608
            f"SELECT id, {_indexed(table)} FROM {table} WHERE id > %s",
            [last],
        )
        cursor.execute(found[0])


class Fold(Func):
    """``kc_fold(column)`` on PostgreSQL (migration 0007), indexed by pg_trgm."""

    function = "kc_fold"
    output_field = models.CharField()


def matching(qs: models.QuerySet[Business], q: str, *, personal: bool) -> models.QuerySet[Business]:
    """``qs`` narrowed to the businesses matching every word of ``q``, with
    ``search_rank`` (0, 1, 2) annotated for the ordering."""
    found = words(q)
    vendor = connections[qs.db].vendor
    if vendor == "sqlite":
        qs = qs.filter(
            # The table name is a constant; the query is a parameter.
            id__in=RawSQL(  # noqa: S611
                f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
                [fts_query(q, personal=personal)],
            )
        )
    else:
        columns = PUBLIC_COLUMNS + (PERSONAL_COLUMNS if personal else ())
        folded = {c: (F(c) if c == "nib" else Fold(F(c))) for c in columns}
        qs = qs.alias(**{f"search_{c}": expression for c, expression in folded.items()})
        for word in found:
            condition = Q()
            for column in columns:
                condition |= Q(**{f"search_{column}__contains": word})
            qs = qs.filter(condition)
    key = identifiers.name_key(fold(q))
    first = found[0].upper()
    return qs.annotate(
        search_rank=Case(
            When(name_key__startswith=key, then=Value(0)),
            When(name_key__startswith=first, then=Value(1)),
            When(name_key__contains=" " + first, then=Value(1)),
            default=Value(2),
            output_field=models.IntegerField(),
        )
    )
