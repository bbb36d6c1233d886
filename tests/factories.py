"""Factories for tests. Objects that carry invariants (a masterplan seeds its
pillars) are built through the services, like the product does."""

from __future__ import annotations

import copy
import hashlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from kotacerdas.demo.loader import demo_load
from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, Agency, Element, Masterplan, Programme
from kotacerdas.regions.models import Region

PASSWORD = "kata-sandi-uji-yang-panjang"


def make_user(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(username, password=PASSWORD, **extra)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "14.72"
    name = "Kota Dumai"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    region = factory.SubFactory(RegionFactory)
    short_name = factory.Sequence(lambda n: f"OPD{n}")
    name = factory.LazyAttribute(lambda o: f"Dinas {o.short_name}")
    head = "Kepala Dinas"


def make_masterplan(region: Region | None = None, **data: Any) -> Masterplan:
    fields = {
        "title": "Masterplan Smart City Uji 2022–2032",
        "start_year": 2022,
        "end_year": 2032,
        "legal_basis": "Peraturan Wali Kota Uji Nomor 1 Tahun 2023",
        "status": Masterplan.Status.ENACTED,
        **data,
    }
    return services.masterplan_create(actor=None, region=region or RegionFactory(), **fields)


def element_of(masterplan: Masterplan, pillar: str = "governance", index: int = 0) -> Element:
    return list(
        Element.objects.filter(pillar__masterplan=masterplan, pillar__code=pillar).order_by("order")
    )[index]


_counter = {"programme": 0, "plan": 0}


def make_programme(
    masterplan: Masterplan, *, lead_agency: Agency, pillar: str = "governance", **data: Any
) -> Programme:
    _counter["programme"] += 1
    fields: dict[str, Any] = {
        "code": f"P-{_counter['programme']:03d}",
        "name": f"Program uji {_counter['programme']}",
        "element": element_of(masterplan, pillar),
        "horizon": "medium",
        "lead_agency": lead_agency,
        "start_year": 2023,
        "end_year": 2027,
        "funding_source": "apbd",
        "estimated_cost": 1_000_000,
        **data,
    }
    return services.programme_create(actor=None, masterplan=masterplan, **fields)


def make_action_plan(
    programme: Programme, *, agency: Agency | None = None, **data: Any
) -> ActionPlan:
    _counter["plan"] += 1
    fields: dict[str, Any] = {
        "code": f"{programme.code}.{_counter['plan']:03d}",
        "year": 2024,
        "agency": agency or programme.lead_agency,
        "activity": f"Kegiatan uji {_counter['plan']}",
        "target": "1 dokumen",
        "status": "belum_dimulai",
        **data,
    }
    return services.action_plan_create(actor=None, programme=programme, **fields)


# --- Figures: a small hand-built masterplan whose every figure is known ---------------------


def figures_scenario(world: Any) -> dict[str, Any]:
    """Extends ``world`` to seven programmes and thirteen action plans covering
    every case of the counting rule (selectors.py). Returns the objects by
    name; the expected figures are written out in tests/masterplan/test_figures.py.

    ======  ==========  =====  ===========================  ===================================
    name    pillar/el.  lead   years (horizon)              action plans (agency, year, status)
    ======  ==========  =====  ===========================  ===================================
    P0      gov/0       A      2023-2027 medium (world)     plan_a A 2024 berjalan,
                                                            plan_b B 2024 selesai,
                                                            g3 A 2025 ditunda,
                                                            g4 B 2025 dibatalkan
    P1      gov/1       B      2023-2027 medium             h1 B 2024 dibatalkan,
                                                            h2 A 2025 dibatalkan
    P2      brand/0     B      2023-2027 medium             (none)
    P3      econ/0      A      2024 quick win 2024          q1 A 2024 selesai,
                                                            q2 A 2024 dibatalkan
    P4      econ/1      B      2024-2026 medium             k1 B 2024 ditunda,
                                                            k2 B 2025 belum_dimulai
    P5      living/0    A      2025-2026 quick win 2025     l1 A 2025 berjalan,
                                                            l2 B 2025 belum_dimulai,
                                                            l3 A 2026 selesai
    P6      society/0   B      2025 quick win 2025          (none)
    ======  ==========  =====  ===========================  ===================================
    """
    a, b, mp = world.agency_a, world.agency_b, world.masterplan
    objs: dict[str, Any] = {"P0": world.programme}
    services.action_plan_update(actor=None, action_plan=world.plan_a, status="berjalan")
    services.action_plan_update(actor=None, action_plan=world.plan_b, status="selesai")
    objs["plan_a"], objs["plan_b"] = world.plan_a, world.plan_b

    def programme(name: str, pillar: str, element: int, lead: Agency, **data: Any) -> Programme:
        objs[name] = make_programme(
            mp,
            lead_agency=lead,
            pillar=pillar,
            element=element_of(mp, pillar, element),
            code=f"FIG-{name}",
            name=f"Program {name}",
            **data,
        )
        return objs[name]

    def plan(name: str, prog: Programme, agency: Agency, year: int, status: str) -> None:
        objs[name] = make_action_plan(
            prog,
            agency=agency,
            year=year,
            status=status,
            code=f"FIG-{name}",
            activity=f"Rencana aksi {name}",
        )

    plan("g3", world.programme, a, 2025, "ditunda")
    plan("g4", world.programme, b, 2025, "dibatalkan")
    p1 = programme("P1", "governance", 1, b)
    plan("h1", p1, b, 2024, "dibatalkan")
    plan("h2", p1, a, 2025, "dibatalkan")
    programme("P2", "branding", 0, b)
    quick = {"horizon": "quick_win"}
    p3 = programme(
        "P3", "economy", 0, a, start_year=2024, end_year=2024, quick_win_year=2024, **quick
    )
    plan("q1", p3, a, 2024, "selesai")
    plan("q2", p3, a, 2024, "dibatalkan")
    p4 = programme("P4", "economy", 1, b, start_year=2024, end_year=2026)
    plan("k1", p4, b, 2024, "ditunda")
    plan("k2", p4, b, 2025, "belum_dimulai")
    p5 = programme(
        "P5", "living", 0, a, start_year=2025, end_year=2026, quick_win_year=2025, **quick
    )
    plan("l1", p5, a, 2025, "berjalan")
    plan("l2", p5, b, 2025, "belum_dimulai")
    plan("l3", p5, a, 2026, "selesai")
    programme("P6", "society", 0, b, start_year=2025, end_year=2025, quick_win_year=2025, **quick)
    return objs


# --- Speed: password hashing and the demo -------------------------------------------------

# Django's default PBKDF2 costs about 0.2 s per password; tests that create
# users switch to this one (``settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS``).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def close_demo_period() -> None:
    """Close the period the demo keeps open (Triwulan IV 2024, its due date
    long past), for tests that open a period of their own: a masterplan has
    one open period at a time."""
    from kotacerdas.monitoring.models import ReportingPeriod
    from kotacerdas.monitoring.services import period_close

    period = ReportingPeriod.objects.get(
        masterplan__region__code="14.72", state=ReportingPeriod.State.OPEN
    )
    period_close(actor=None, period=period)


@contextmanager
def demo_loaded_once(django_db_blocker: Any) -> Iterator[Any]:
    """The Kota Dumai demo for a whole test module, gone again after it. Each
    test still runs in its own savepoint (``db``), so a test that edits the
    demo leaves the next one the demo as loaded.

    On PostgreSQL the demo is loaded in a transaction rolled back after the
    module. On SQLite it is loaded once per process (``_demo_module_pages``)
    and its database pages written back for every later module that starts
    from the same database on the same day; the module then runs in a
    transaction as on PostgreSQL, and the database as it was before the
    module is written back after it.

    Use from a module-scoped fixture that also requests ``django_db_setup``."""
    from django.db import connection

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        if connection.vendor != "sqlite":
            with transaction.atomic():
                yield demo_load()
                transaction.set_rollback(True)
            return
        with _demo_module_pages() as result, transaction.atomic():
            yield result
            transaction.set_rollback(True)


# The demo as a module's first load left it (SQLite only): (database alias,
# local date, digest of the database before the load) → (the database's pages
# after the load, what demo_load returned).
_demo_module_copies: dict[tuple[str, date, str], tuple[sqlite3.Connection, Any]] = {}


def _sqlite_pages() -> sqlite3.Connection:
    """The default connection's database, copied page by page into memory."""
    from django.db import connection

    pages = sqlite3.connect(":memory:", check_same_thread=False)
    connection.ensure_connection()
    connection.connection.backup(pages)
    return pages


def _sqlite_pages_restore(pages: sqlite3.Connection) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    connection.ensure_connection()
    pages.backup(connection.connection)
    # The process caches content types by id (audit events point at them).
    ContentType.objects.clear_cache()


@contextmanager
def _demo_module_pages() -> Iterator[Any]:
    """The demo written into the (SQLite) database for one module: loaded
    through the services the first time a process starts from this database
    on this day (about 4 s of CPU), copied back from those pages after that
    (milliseconds); the database before the module is written back at the
    end. Same rows, ids and sequences as a load: the digest of the database
    before the load is part of the key, so a module that starts from another
    state (a committing test emptied it) gets a load of its own. The load's
    on-commit hooks (cache versions, queued tasks) are dropped, as the
    rollback of a load in a transaction drops them."""
    from django.db import connection
    from django.utils import timezone

    assert not connection.in_atomic_block, "the demo is written in before any transaction"
    before = _sqlite_pages()
    key = (
        connection.alias,
        timezone.localdate(),
        hashlib.sha256(before.serialize()).hexdigest(),
    )
    try:
        if key in _demo_module_copies:
            pages, result = _demo_module_copies[key]
            _sqlite_pages_restore(pages)
        else:
            with transaction.atomic():
                result = demo_load()
                connection.run_on_commit = []
            _demo_module_copies[key] = (_sqlite_pages(), result)
        yield copy.deepcopy(result)
    finally:
        _sqlite_pages_restore(before)
        before.close()


# The demo as the first browser test of a process loaded it (SQLite only):
# (database alias, local date) → (the database's pages, the private files).
_demo_copies: dict[tuple[str, date], tuple[sqlite3.Connection, Path]] = {}


def demo_load_on_empty_database() -> None:
    """``demo_load()`` for a test on an empty, committed database (browser
    tests: ``transactional_db`` and ``live_server``).

    Loading the demo through the services costs about 4 s of CPU, and some
    twenty browser tests each load it into a database emptied after every
    test. On SQLite the first load of a process is kept (the database's pages,
    copied with SQLite's backup API, and the private files the demo stored),
    and later tests get that copy written back: the same rows, ids and files
    a load would give them. A copy is kept per local date, since the demo's
    dates are relative to today. PostgreSQL loads the demo every time."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "sqlite":
        demo_load()
        return
    key = (connection.alias, timezone.localdate())
    private = Path(settings.PRIVATE_FILES_DIR)
    kept = _demo_copies.get(key)
    if kept is None:
        demo_load()
        pages = sqlite3.connect(":memory:", check_same_thread=False)
        connection.ensure_connection()
        connection.connection.backup(pages)
        files = Path(tempfile.mkdtemp(prefix="demo-private-"))
        if private.exists():
            shutil.copytree(private, files, dirs_exist_ok=True)
        _demo_copies[key] = (pages, files)
        return
    pages, files = kept
    connection.ensure_connection()
    pages.backup(connection.connection)
    # The content types' ids are those of the first load now; the process's
    # cache of them holds the ids the last flush gave (audit events point at
    # content types: a stale id fails the foreign key at commit).
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    shutil.copytree(files, private, dirs_exist_ok=True)
