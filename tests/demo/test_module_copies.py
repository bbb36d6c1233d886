"""``demo_loaded_once`` (the ``dumai`` fixture of some ten modules): two
modules in a row get the same demo, and after each the database is exactly
as it was before it. On SQLite the second module's demo is written back from
the first load's pages instead of loaded again (docs/decisions.md §82)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection

import tests.factories as factories
from kotacerdas.masterplan.models import ActionPlan, Programme
from kotacerdas.regions.models import Region

CHANGED = "Diubah oleh modul sebelumnya"


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("kotacerdas.")
    }


def _demo_ids() -> tuple[set[int], set[int], set[int]]:
    return (
        set(Region.objects.filter(code="14.72").values_list("pk", flat=True)),
        set(Programme.objects.values_list("pk", flat=True)),
        set(ActionPlan.objects.values_list("pk", flat=True)),
    )


# Outside any transaction, as a module fixture runs (the test database is set
# up only for tests that ask for one).
@pytest.mark.django_db(transaction=True)
def test_two_modules_get_the_same_demo_and_leave_the_database_as_it_was(
    django_db_setup: None, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[None] = []
    real_load = factories.demo_load

    def counted(**kwargs: Any) -> Any:
        loads.append(None)
        return real_load(**kwargs)

    monkeypatch.setattr(factories, "demo_load", counted)
    monkeypatch.setattr(factories, "_demo_module_copies", {})
    with django_db_blocker.unblock():
        before = _rows()
    seen = []
    for _module in range(2):
        with factories.demo_loaded_once(django_db_blocker) as result:
            assert result.created["programme"] > 0
            ids = _demo_ids()
            assert all(ids), "the demo's region, programmes and plans are there"
            assert not Programme.objects.filter(name=CHANGED).exists()
            seen.append((ids, _rows(), result.created))
            Programme.objects.update(name=CHANGED)  # a module's change, gone after it
        with django_db_blocker.unblock():
            assert _rows() == before
    if connection.vendor == "sqlite":
        # The same ids too: written back from the pages of the one load.
        assert seen[0] == seen[1]
        assert len(loads) == 1
    else:
        # Loaded per module; a rollback does not give PostgreSQL's sequences back.
        assert [(rows, created) for _ids, rows, created in seen] == [seen[0][1:]] * 2
        assert len(loads) == 2
