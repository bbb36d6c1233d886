"""Every write leaves an audit event in the same transaction.

Two halves:

- the same transaction: ``audit_record`` (and ``umkm.pdp.record_access``)
  refuse to run outside ``transaction.atomic`` (tests/core/test_audit.py and
  below), so an event cannot be committed apart from its change, and a change
  that fails takes its event with it;
- every write: each public function of every app's ``services.py`` that
  writes through the ORM calls ``audit_record``/``record_access`` itself, or
  calls a function (of any KotaCerdas module) that does. Found by reading the
  code (ast), so a new service that forgets the audit fails here. The few
  writes that are bookkeeping, not a change of data, are listed with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import transaction

from kotacerdas.core.audit import audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region
from kotacerdas.umkm.models import PersonalDataAccess
from kotacerdas.umkm.pdp.services import record_access
from tests.factories import RegionFactory

SRC = Path(__file__).resolve().parents[2] / "src" / "kotacerdas"
ORM_WRITES = frozenset(
    {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create"}
    | {"update_or_create"}
)
AUDITS = frozenset({"audit_record", "record_access"})

# Writes that are bookkeeping about a user or a token, not a change of the
# city's data; each says why it is not audited.
NOT_AUDITED = {
    "accounts.services.mfa_enrolment_start": "an unconfirmed device; confirming it is audited",
    "accounts.services.password_record_touch": "the date of the audited password change",
    "accounts.services.user_session_add": "session bookkeeping (signing in is logged)",
    "accounts.services.user_session_remove": "session bookkeeping",
    "accounts.services.user_sessions_end": "ends sessions after an audited change",
    "api.services.token_touch": "the token's last-used time, not a change of data",
}


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    found[f"{node.name}.{item.name}"] = item
    return found


def _called(function: ast.FunctionDef) -> tuple[set[str], set[str]]:
    """(names called as functions, names called as methods)."""
    names, methods = set(), set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                methods.add(node.func.attr)
    return names, methods


def _analyse() -> tuple[dict[str, tuple[set[str], set[str]]], set[str]]:
    calls: dict[str, tuple[set[str], set[str]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        for name, function in _functions(ast.parse(path.read_text())).items():
            calls[f"{module}.{name}"] = _called(function)
    # A function audits when it calls audit_record/record_access, or calls a
    # function that does (by name, across modules: services call each other
    # and core.services' model_create/model_update).
    auditing = set(AUDITS)
    audited: set[str] = set()
    while True:
        new = {
            qualified
            for qualified, (names, methods) in calls.items()
            if qualified not in audited and (names | methods) & auditing
        }
        if not new:
            return calls, audited
        audited |= new
        auditing |= {q.rsplit(".", 1)[1] for q in new}


def _unaudited_service_writes() -> dict[str, set[str]]:
    calls, audited = _analyse()
    found = {}
    for qualified, (_names, methods) in calls.items():
        module, _dot, name = qualified.rpartition(".")
        # app.services.function: public module-level functions of the services.
        if not module.endswith(".services") or module.count(".") != 1 or name.startswith("_"):
            continue
        writes = methods & ORM_WRITES
        if writes and qualified not in audited:
            found[qualified] = writes
    return found


def test_the_analysis_sees_the_services() -> None:
    calls, audited = _analyse()
    # Known writers that audit directly or through core.services.model_*.
    for name in (
        "masterplan.services.masterplan_create",
        "monitoring.services.report_save",
        "umkm.registry.services.business_update",
        "core.services.model_create",
    ):
        assert name in calls, name
        assert name in audited, name


def test_every_service_that_writes_records_an_audit_event() -> None:
    unaudited = _unaudited_service_writes()
    unexpected = {name: sorted(w) for name, w in unaudited.items() if name not in NOT_AUDITED}
    assert unexpected == {}, (
        "these services write without an audit event (call audit_record in the same "
        "transaction, or list them in NOT_AUDITED with a reason)"
    )


def test_the_exemptions_name_real_services() -> None:
    calls, _audited = _analyse()
    assert set(NOT_AUDITED) <= set(calls)


def test_an_audit_event_cannot_be_written_outside_a_transaction(transactional_db: None) -> None:
    region = RegionFactory()
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit_record(actor=None, action=AuditEvent.Action.CREATE, instance=region)
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        record_access(
            actor=None, region=region, action="reveal", purpose="x", fields=[], business_ids=[]
        )


def test_a_failed_change_takes_its_audit_event_with_it(db: None) -> None:
    region = RegionFactory()
    before = AuditEvent.objects.count(), PersonalDataAccess.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Region.objects.filter(pk=region.pk).update(name="Kota Lain")
        audit_record(actor=None, action=AuditEvent.Action.UPDATE, instance=region)
        record_access(
            actor=None, region=region, action="reveal", purpose="x", fields=[], business_ids=[]
        )
        1 / 0  # noqa: B018
    assert (AuditEvent.objects.count(), PersonalDataAccess.objects.count()) == before
    region.refresh_from_db()
    assert region.name == "Kota Dumai"
