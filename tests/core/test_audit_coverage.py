"""Every write leaves an audit event in the same transaction.

Two halves:

- the same transaction: ``audit_record`` (and ``umkm.pdp.services.record_access``)
  refuse to run outside ``transaction.atomic`` (tests/core/test_audit.py and
  below), so an event cannot be committed apart from its change, and a change
  that fails takes its event with it;
- every write, found by reading the code (ast) of every module under
  src/kotacerdas (migrations aside), so a module that moves or a new one is
  seen without being named here:

  * each public function or method that writes through the ORM (``save``,
    ``create``, ``update``, ``delete``, ``bulk_*``, ``get_or_create``,
    ``update_or_create``, queryset ``.update(``/``.delete(``, raw
    ``INSERT``/``UPDATE``/``DELETE``) calls ``audit_record``/``record_access``
    itself, or calls a KotaCerdas function that does. A private helper's
    writes count for the public functions of its module that call it.
  * interfaces (views and API operations: functions that take the
    ``request``; management commands' ``handle``) write only through a
    service: they neither write through the ORM nor record audit events
    themselves (DESIGN.md, "Layers, one direction").

  The few writes that are bookkeeping, not a change of data, and the
  data-access primitives themselves are listed with why.

Lists are keyed by the function's name in its module (``function`` or
``Class.method``), prefixed by the module's last name (``kbli_load.handle``)
only where that name alone is ambiguous; a key must name exactly one
function, and an entry that no longer matches an escape must be removed.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
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
RAW_WRITES = ("insert", "update", "delete", "replace")

# Writes that need no audit event; each says why.
NOT_AUDITED = {
    # Bookkeeping about a user or a token, not a change of the city's data.
    "mfa_enrolment_start": "an unconfirmed device; confirming it is audited",
    "password_record_touch": "the date of the audited password change",
    "user_session_add": "session bookkeeping (signing in is logged)",
    "user_session_remove": "session bookkeeping",
    "user_sessions_end": "ends sessions after an audited change",
    "token_touch": "the token's last-used time, not a change of data",
    "signals._logged_in": (
        "saves the new session to learn its key for user_session_add (session store)"
    ),
    # Bookkeeping of the system itself.
    "cache_forget_all": "empties the installation's cache keys after an audited restore",
    "registered_years_follow_zone": (
        "a stored derivative of created_at following the region's audited time-zone change"
    ),
    "schedule_due": (
        "the scheduler's once-a-day marker (ScheduledRun); the job it enqueues "
        "audits its own writes"
    ),
    "bulk_insert": (
        "fills the registry's word-search index (a derived copy of name, owner, address "
        "and NIB) for the rows of an import, whose load is audited"
    ),
    "staged_rows_purge": (
        "deletes the rows of a failed import job that no reader ever saw (they were "
        "never published); the job's failure is audited"
    ),
    "field_keys_expire": (
        "forgets the keys of offline entries after their retention (a key holds no "
        "personal data; the business each entry became keeps its own audit trail)"
    ),
    # The data-access primitives: they are the audit trail and its guard.
    "audit_record": "writes the audit event itself",
    "record_access": "writes the record of processing itself (UU 27/2022)",
    "audit_maintenance": (
        "a marker row of the audit tables' maintenance mode, removed in the same "
        "transaction, never committed (decisions.md §22)"
    ),
}

# Interfaces that write themselves; each says why.
INTERFACE_WRITES = {
    "AuditedModelAdmin.save_model": (
        "Django admin's write path: audited like a service, in the same transaction "
        "(decisions.md §8)"
    ),
    "AuditedModelAdmin.delete_model": "Django admin's write path, audited (decisions.md §8)",
    "signals._logged_in": "a signal receiver that saves the session store (see NOT_AUDITED)",
}


@dataclass(eq=False)  # compared and hashed by identity
class Function:
    module: str  # dotted, under kotacerdas
    name: str  # "function" or "Class.method"
    node: ast.FunctionDef | ast.AsyncFunctionDef
    cls: str = ""
    writes: set[str] = field(default_factory=set)  # ORM writes in its own body
    names: set[str] = field(default_factory=set)  # called as f()
    methods: set[str] = field(default_factory=set)  # called as x.f()
    local: set[str] = field(default_factory=set)  # functions of its module it calls

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def keys(self) -> set[str]:
        return {self.name, f"{self.module.rsplit('.', 1)[-1]}.{self.name}"}

    @property
    def private(self) -> bool:
        return any(
            part.startswith("_") and not part.startswith("__") for part in self.name.split(".")
        )

    @property
    def interface(self) -> bool:
        arguments = [a.arg for a in self.node.args.posonlyargs + self.node.args.args]
        return "request" in arguments[:2] or self.short == "handle"


def _sql(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    return None


def _orm_write(call: ast.Call) -> str | None:
    """The written call (``Business.objects.bulk_create``) when ``call`` writes
    to the database. Told apart from look-alikes by their arguments: a
    queryset's ``update`` takes keywords only (``dict.update`` a mapping), a
    model's ``save``/``delete`` no positional argument (a file storage's or a
    workbook's a name), ``form.save(commit=False)`` writes nothing."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    method, positional = func.attr, [a for a in call.args if not isinstance(a, ast.Starred)]
    if method in {"update", "delete", "save"} and positional:
        return None
    if method == "update" and not call.keywords:
        return None
    if method == "save" and any(k.arg == "commit" for k in call.keywords):
        return None
    if method == "execute":
        sql = _sql(call.args[0]) if call.args else None
        if sql is None or not sql.lstrip().lower().startswith(RAW_WRITES):
            return None
    elif method not in ORM_WRITES | {"executemany"}:
        return None
    return ast.unparse(func)


def _module_functions(module: str, tree: ast.Module) -> list[Function]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(Function(module, node.name, node))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.append(Function(module, f"{node.name}.{item.name}", item, node.name))
    private_classes = {f.cls for f in found if f.cls.startswith("_")}
    for function in found:
        for node in ast.walk(function.node):
            if not isinstance(node, ast.Call):
                continue
            written = _orm_write(node)
            if written:
                function.writes.add(written)
            if isinstance(node.func, ast.Name):
                function.names.add(node.func.id)
                function.local.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                attr = node.func.attr
                function.methods.add(attr)
                owner = node.func.value
                if function.cls and isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
                    function.local.add(f"{function.cls}.{attr}")
                # Methods of the module's private classes (an importer's
                # ``_Inserter``) are that module's helpers.
                function.local |= {f"{cls}.{attr}" for cls in private_classes}
    return found


@dataclass
class Analysis:
    functions: list[Function]
    audited: set[int]  # ids of functions that record an audit event
    writes: dict[int, set[str]]  # id → its writes, its private helpers' included
    checked: set[int]  # ids of the functions held to the rules

    def find(self, key: str) -> list[Function]:
        return [f for f in self.functions if key in f.keys]


@functools.cache  # read-only; the tests share one reading of the tree
def _analyse() -> Analysis:
    functions: list[Function] = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        functions += _module_functions(module, ast.parse(path.read_text(encoding="utf-8")))

    # A function audits when it calls audit_record/record_access, or calls a
    # function that does (by name, across modules: services call each other
    # and core.services' model_create/model_update). The ORM's own method
    # names never pass the audit on (``obj.save()`` is not a service).
    auditing = set(AUDITS)
    audited: set[int] = set()
    while True:
        new = [
            f
            for f in functions
            if id(f) not in audited and (f.names | (f.methods - ORM_WRITES)) & auditing
        ]
        if not new:
            break
        audited |= {id(f) for f in new}
        auditing |= {f.short for f in new}

    # A private helper's writes count for the functions of its module that call it.
    by_module: dict[str, dict[str, Function]] = {}
    for f in functions:
        by_module.setdefault(f.module, {})[f.name] = f

    def helpers(f: Function) -> list[Function]:
        module = by_module[f.module]
        return [module[name] for name in f.local if name in module and module[name].private]

    writes = {id(f): set(f.writes) for f in functions}
    changed = True
    while changed:
        changed = False
        for f in functions:
            for helper in helpers(f):
                if not writes[id(helper)] <= writes[id(f)]:
                    writes[id(f)] |= writes[id(helper)]
                    changed = True
    # Public functions are held to the rules, and private ones no public
    # function of their module calls (a signal receiver, a task): nothing is
    # left unchecked. A model's or form's own save()/delete() is the ORM
    # itself: the functions that call it are checked.
    reached: set[int] = set()
    frontier = [f for f in functions if not f.private]
    while frontier:
        for helper in helpers(frontier.pop()):
            if id(helper) not in reached:
                reached.add(id(helper))
                frontier.append(helper)
    checked = {
        id(f)
        for f in functions
        if (not f.private or id(f) not in reached) and not (f.cls and f.short in ORM_WRITES)
    }
    return Analysis(functions, audited, writes, checked)


def _unaudited_writes(analysis: Analysis) -> dict[Function, list[str]]:
    return {
        f: sorted(analysis.writes[id(f)])
        for f in analysis.functions
        if id(f) in analysis.checked and analysis.writes[id(f)] and id(f) not in analysis.audited
    }


def _interface_writes(analysis: Analysis) -> dict[Function, list[str]]:
    found = {}
    for f in analysis.functions:
        if not (f.interface and id(f) in analysis.checked):
            continue
        direct = analysis.writes[id(f)] | ((f.names | f.methods) & AUDITS)
        if direct:
            found[f] = sorted(direct)
    return found


def _exempted(f: Function, *lists: dict[str, str]) -> bool:
    return any(f.keys & set(exemptions) for exemptions in lists)


def _where(found: dict[Function, list[str]]) -> dict[str, list[str]]:
    return {f"{f.module}:{f.name}": writes for f, writes in found.items()}


def test_the_analysis_sees_the_writers_and_their_audit() -> None:
    analysis = _analyse()
    # Known writers that audit directly or through core.services.model_*.
    for key in ("masterplan_create", "services.report_save", "business_update", "model_create"):
        (function,) = analysis.find(key)
        assert id(function) in analysis.audited, key
    # Known writes, in a service, a private helper and a command.
    (touch,) = analysis.find("token_touch")
    assert analysis.writes[id(touch)] == {"ApiToken.objects.filter(pk=token.pk).update"}
    (answer_save,) = analysis.find("answer_save")
    assert "answer.save" in analysis.writes[id(answer_save)]  # through _touch
    assert any(f.interface for f in analysis.find("handle"))


@pytest.mark.parametrize(
    ("source", "writes"),
    [
        ("Business.objects.filter(pk=1).update(name='x')", True),
        ("queryset.delete()", True),
        ("business.save(update_fields=['name'])", True),
        ("super().save(*args, **kwargs)", True),
        ("Item.objects.bulk_create(items)", True),
        ("cursor.executemany(sql, rows)", True),
        ("cursor.execute('DELETE FROM kc_audit_maintenance')", True),
        ("context.update({'a': 1})", False),
        ("default_storage.save(name, content)", False),
        ("default_storage.delete(name)", False),
        ("workbook.save(buffer)", False),
        ("form.save(commit=False)", False),
        ("cache.delete(key)", False),
        ("cursor.execute('SELECT 1')", False),
    ],
)
def test_it_tells_database_writes_from_look_alikes(source: str, writes: bool) -> None:
    call = ast.parse(source, mode="eval").body
    assert isinstance(call, ast.Call)
    assert bool(_orm_write(call)) is writes


def test_every_function_that_writes_records_an_audit_event() -> None:
    found = _unaudited_writes(_analyse())
    unexpected = {f: writes for f, writes in found.items() if not _exempted(f, NOT_AUDITED)}
    assert _where(unexpected) == {}, (
        "these functions write without an audit event (call audit_record in the same "
        "transaction, through a service, or list them in NOT_AUDITED with a reason)"
    )


def test_interfaces_write_only_through_services() -> None:
    found = _interface_writes(_analyse())
    unexpected = {f: writes for f, writes in found.items() if not _exempted(f, INTERFACE_WRITES)}
    assert _where(unexpected) == {}, (
        "these views/commands write or record audit events themselves: call a service"
    )


def test_each_exemption_names_one_function_that_still_needs_it() -> None:
    analysis = _analyse()
    escapes = {**_unaudited_writes(analysis), **_interface_writes(analysis)}
    for exemptions in (NOT_AUDITED, INTERFACE_WRITES):
        for key in exemptions:
            matches = analysis.find(key)
            assert len(matches) == 1, f"{key!r} names {len(matches)} functions; make it unique"
            assert matches[0] in escapes, (
                f"{key!r} writes with an audit event (or through a service) now: remove it"
            )


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
