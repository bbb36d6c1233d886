"""Every migration applies forward and back on a seeded database (the Kota
Dumai demo loaded), on whichever database the suite runs on (SQLite or
PostgreSQL through DATABASE_URL).

Two drills: each app's last migration is unapplied and applied again with the
demo data in place (the data must survive), then every app goes back to zero
and forward again. The row-check triggers that migrations install
(core.triggers, docs/decisions.md §12) must be gone at zero and back after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kotacerdas.core.models import AuditEvent
from kotacerdas.demo.loader import demo_load
from kotacerdas.masterplan.models import ActionPlan, Programme
from kotacerdas.regions.models import Region

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT_APPS = frozenset(
    app.label for app in apps.get_app_configs() if app.name.startswith("kotacerdas.")
)


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'kc\\_%'"
            )
        return {row[0] for row in cursor.fetchall()}


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate_forward() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()


@pytest.fixture
def seeded() -> Iterator[None]:
    demo_load()
    yield
    # Whatever happened, leave the schema complete for the tests after this one.
    _migrate_forward()


def _last_and_previous() -> list[tuple[str, str, str]]:
    """(app, last migration, the one before it) for apps with at least two."""
    graph = MigrationExecutor(connection).loader.graph
    steps = []
    for app, last in _leaves():
        parents = [p for p in graph.node_map[(app, last)].parents if p.key[0] == app]
        if parents:
            steps.append((app, last, parents[0].key[1]))
    return steps


def _seed_counts() -> tuple[int, ...]:
    return (
        Region.objects.count(),
        Programme.objects.count(),
        ActionPlan.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.drill
def test_each_apps_last_migration_goes_back_and_forward_keeping_the_data(seeded: None) -> None:
    triggers = _triggers()
    assert any(name.startswith("kc_") for name in triggers)
    steps = _last_and_previous()
    assert steps, "some app has more than one migration"
    for app, last, previous in steps:
        counts = _seed_counts()
        executor = MigrationExecutor(connection)
        # Going back also unapplies the migrations that depend on this one
        # (their tables and rows go with them); the plan says which.
        reversed_ = [m for m, backwards in executor.migration_plan([(app, previous)]) if backwards]
        call_command("migrate", app, previous, interactive=False, verbosity=0)
        applied = MigrationExecutor(connection).loader.applied_migrations
        assert (app, last) not in applied, f"{app}.{last} unapplied"
        _migrate_forward()
        assert (app, last) in MigrationExecutor(connection).loader.applied_migrations
        assert _triggers() == triggers, f"triggers after {app}.{last} back and forward"
        if len(reversed_) == 1:
            assert _seed_counts() == counts, f"data kept across {app}.{last}"
        else:  # dependents' tables were dropped: seed again for the next step
            demo_load()


def _irreversible() -> dict[str, list[str]]:
    """Per app, its migrations that have an operation without a reverse."""
    found: dict[str, list[str]] = {}
    for (app, name), migration in MigrationExecutor(connection).loader.graph.nodes.items():
        if any(not operation.reversible for operation in migration.operations):
            found.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in found.items()}


def test_the_projects_own_migrations_are_all_reversible() -> None:
    ours = {app: names for app, names in _irreversible().items() if app in PROJECT_APPS}
    assert ours == {}, "every KotaCerdas migration needs a reverse (RunPython(forward, backward))"


@pytest.mark.drill
def test_every_app_goes_back_to_zero_and_forward_again(seeded: None) -> None:
    triggers = _triggers()
    executor = MigrationExecutor(connection)
    apps = sorted({app for app, _ in _leaves()})
    # A third-party app with an irreversible migration (django-tasks-db's
    # 0013_separate_exception_fields, a RunPython without a reverse) goes back
    # as far as it can: to that migration. Every other app goes to zero.
    stops = {app: names[-1] for app, names in _irreversible().items()}
    assert not set(stops) & PROJECT_APPS
    targets = [(app, stops.get(app)) for app in apps]
    # Dependents first: the executor plans the order.
    executor.migrate(targets)
    executor.loader.build_graph()
    left = set(executor.loader.applied_migrations)
    assert {app for app, _ in left} <= set(stops), "only the stopped apps keep migrations"
    assert not any(name.startswith("kc_") for name in _triggers()), "reverse removes triggers"
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    leftover = [
        t
        for t in tables
        if t != "django_migrations" and not t.startswith(tuple(f"{app}_" for app in stops))
    ]
    assert leftover == []

    _migrate_forward()
    assert _triggers() == triggers
    demo_load()  # the schema takes the seed again
    assert Programme.objects.exists()
