"""The audit trail (core.AuditEvent) and the record of processing
(umkm.PersonalDataAccess) refuse UPDATE and DELETE in the database, on SQLite
and PostgreSQL, whatever path writes: raw SQL, a manager that bypasses
AppendOnlyQuerySet, the ORM's own guards. Only a transaction in audit
maintenance (the flush) may delete, never update."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, transaction

from kotacerdas.core.audit import audit_record
from kotacerdas.core.models import AppendOnlyError, AuditEvent
from kotacerdas.core.triggers import audit_maintenance
from kotacerdas.umkm.models import PersonalDataAccess
from kotacerdas.umkm.pdp.services import record_access
from tests.factories import RegionFactory, make_user

# SQLite's RAISE(ABORT) and PostgreSQL's restrict_violation both arrive as an
# IntegrityError; InternalError is accepted for a PL/pgSQL error raised otherwise.
REFUSED = (IntegrityError, InternalError)

TABLES = {
    "audit": "core_auditevent",
    "access": "umkm_personaldataaccess",
}


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first() or make_user(username)


def _audit_row() -> AuditEvent:
    region = RegionFactory()
    user = _user("auditor")
    with transaction.atomic():
        return audit_record(
            actor=user, action=AuditEvent.Action.CREATE, instance=region, after={"x": 1}
        )


def _access_row() -> PersonalDataAccess:
    region = RegionFactory()
    user = _user("officer-audit")
    with transaction.atomic():
        return record_access(
            actor=user,
            region=region,
            action=PersonalDataAccess.Action.REVEAL,
            purpose="uji",
            fields=["owner_nik"],
            business_ids=[1],
        )


MAKERS: dict[str, Callable[[], Any]] = {"audit": _audit_row, "access": _access_row}
MODELS: dict[str, Any] = {"audit": AuditEvent, "access": PersonalDataAccess}
UPDATES = {
    "audit": "UPDATE core_auditevent SET actor_label = 'mallory' WHERE id = %s",
    "access": "UPDATE umkm_personaldataaccess SET purpose = 'lain' WHERE id = %s",
}


def _raw(sql: str, params: list[Any]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (constant table names)
        return int(cursor.fetchone()[0])


@pytest.fixture(params=sorted(MAKERS))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.django_db
def test_inserts_work(kind: str) -> None:
    row = MAKERS[kind]()
    assert MODELS[kind].objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_raw_update_is_refused(kind: str) -> None:
    row = MAKERS[kind]()
    with pytest.raises(REFUSED, match="append-only"):
        _raw(UPDATES[kind], [row.pk])
    row.refresh_from_db()
    assert "mallory" not in str(getattr(row, "actor_label", ""))
    assert getattr(row, "purpose", "uji") == "uji"


@pytest.mark.django_db
def test_raw_delete_is_refused(kind: str) -> None:
    row = MAKERS[kind]()
    table = TABLES[kind]
    with pytest.raises(REFUSED, match="append-only"):
        _raw(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
    with pytest.raises(REFUSED, match="append-only"):
        _raw(f"DELETE FROM {table}", [])  # noqa: S608
    assert _count(table) == 1


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql(kind: str) -> None:
    # TRUNCATE skips row triggers; PostgreSQL has a statement trigger for it.
    # (SQLite has no TRUNCATE: its "DELETE FROM t" is covered above.) Committed
    # rows: inside a test's transaction, the foreign keys' pending checks would
    # refuse TRUNCATE before our trigger does.
    MAKERS[kind]()
    table = TABLES[kind]
    if connection.vendor == "postgresql":
        with pytest.raises(REFUSED, match="append-only"):
            _raw(f"TRUNCATE {table} CASCADE", [])
    assert _count(table) == 1


@pytest.mark.django_db
def test_orm_paths_are_refused(kind: str) -> None:
    model = MODELS[kind]
    row = MAKERS[kind]()
    # The ORM's own guard (AppendOnlyModel / AppendOnlyQuerySet)...
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(actor_label="x")
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        row.delete()
    # ...and code that goes around it meets the trigger.
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(actor_label="x")
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        model._base_manager.filter(pk=row.pk).delete()
    assert model._base_manager.filter(pk=row.pk, actor_label=row.actor_label).exists()


@pytest.mark.django_db
def test_maintenance_allows_delete_but_never_update(kind: str) -> None:
    row = MAKERS[kind]()
    table = TABLES[kind]
    with (
        pytest.raises(REFUSED, match="append-only"),
        transaction.atomic(),
        audit_maintenance(),
        connection.cursor() as cursor,
    ):
        cursor.execute(UPDATES[kind], [row.pk])
    with transaction.atomic(), audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
    assert _count(table) == 0
    # The permission ended with that transaction.
    MAKERS[kind]()
    with pytest.raises(REFUSED, match="append-only"):
        _raw(f"DELETE FROM {table}", [])  # noqa: S608
    assert _count(table) == 1


def test_maintenance_needs_a_transaction() -> None:
    with pytest.raises(RuntimeError), audit_maintenance():
        pass


@pytest.mark.django_db(transaction=True)
def test_the_maintenance_flag_is_never_left_behind() -> None:
    _audit_row()
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    if connection.vendor == "sqlite":
        assert _count("kc_audit_maintenance") == 0
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('kotacerdas.audit_maintenance', true)")
            assert cursor.fetchone()[0] in (None, "", "off")
    row = _audit_row()
    with pytest.raises(REFUSED, match="append-only"):
        _raw("DELETE FROM core_auditevent", [])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_test_runners_flush_still_empties_the_tables() -> None:
    # A transactional test: pytest-django flushes after it. The next test in
    # this module (and test_inserts_work under transaction=True) would see the
    # rows if the flush had failed; here we check the flush command directly.
    _audit_row()
    _access_row()
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert PersonalDataAccess.objects.count() == 0
    _audit_row()  # left for pytest-django's own flush at teardown


@pytest.mark.django_db(transaction=True)
def test_after_a_transactional_flush_the_tables_are_empty() -> None:
    assert AuditEvent.objects.count() == 0
    assert PersonalDataAccess.objects.count() == 0
