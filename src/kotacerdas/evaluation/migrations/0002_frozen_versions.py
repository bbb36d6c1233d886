"""Backstops in the database for rules that span tables (core.triggers):

- an active or retired instrument version is frozen: its dimensions and
  items are never inserted or updated (services copy it into a new draft);
- an item's dimension belongs to the item's instrument;
- a cycle uses a non-draft evaluation instrument of its own year, and an
  optional non-draft readiness instrument.

The services give the readable message first; these stop every other write
path (raw SQL, bulk updates)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kotacerdas.core.triggers import RowCheck, install, remove

CHECKS = (
    RowCheck(
        table="evaluation_dimension",
        name="evaluation_dimension_of_draft",
        violation="""
            SELECT 1 FROM evaluation_instrument i
            WHERE i.id = NEW.instrument_id AND i.state <> 'draft'
        """,
        events=("INSERT", "UPDATE"),
        message="Instrumen ini sudah tidak draf; buat versi baru / instrument version is frozen",
    ),
    RowCheck(
        table="evaluation_item",
        name="evaluation_item_of_draft",
        violation="""
            SELECT 1 FROM evaluation_instrument i
            WHERE i.id = NEW.instrument_id AND i.state <> 'draft'
        """,
        events=("INSERT", "UPDATE"),
        message="Instrumen ini sudah tidak draf; buat versi baru / instrument version is frozen",
    ),
    RowCheck(
        table="evaluation_item",
        name="evaluation_item_dimension_same_instrument",
        violation="""
            SELECT 1 FROM evaluation_dimension d
            WHERE d.id = NEW.dimension_id AND d.instrument_id <> NEW.instrument_id
        """,
        events=("INSERT", "UPDATE"),
        message="Dimensi ini bukan dari instrumen butir / dimension of another instrument",
    ),
    RowCheck(
        table="evaluation_evaluationcycle",
        name="evaluation_cycle_instrument",
        violation="""
            SELECT 1 FROM evaluation_instrument i
            WHERE (
                i.id = NEW.instrument_id
                AND (i.state = 'draft' OR i.kind <> 'evaluation' OR i.year <> NEW.year)
            ) OR (
                i.id = NEW.readiness_instrument_id
                AND (i.state = 'draft' OR i.kind <> 'readiness')
            )
        """,
        events=("INSERT", "UPDATE"),
        message="Instrumen siklus tidak sesuai / cycle instrument not allowed",
    ),
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install(schema_editor, CHECKS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove(schema_editor, CHECKS)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
