"""Backstops in the database for the assessor side (core.triggers):

- no assessor score and no evidence request before the assessor has declared
  no conflict of interest on the cycle;
- once a cycle is published, its answers, their evidence, the assessors'
  scores, the consolidated scores, the summary and the evidence requests are
  never inserted or updated again (a correction is a new ResultRevision);
- result revisions are append-only (never updated; deleted only by the
  test runner's flush, in audit maintenance).

The services (evaluation/assessment/services.py) give the readable message first;
these stop every other write path (raw SQL, bulk updates). Deletes of the
frozen rows are left to the services (none deletes them) and to
ResultRevision's PROTECT on the cycle."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kotacerdas.core.triggers import AppendOnly, RowCheck, install, remove

FROZEN = "Siklus sudah diumumkan; koreksi dibuat sebagai revisi / cycle is published"
CONFLICT = "Asesor belum menyatakan tidak ada benturan kepentingan / conflict of interest"


def _published(cycle_id: str) -> str:
    # Constant SQL written in this file, never user input.
    return f"SELECT 1 FROM evaluation_evaluationcycle c WHERE c.id = {cycle_id} AND c.state = 'published'"  # noqa: S608, E501


CHECKS = (
    RowCheck(
        table="evaluation_assessorscore",
        name="evaluation_score_declared",
        violation="""
            SELECT 1 FROM evaluation_assignment a
            WHERE a.id = NEW.assignment_id
              AND (a.has_conflict IS NULL OR a.has_conflict <> FALSE)
        """,
        events=("INSERT", "UPDATE"),
        message=CONFLICT,
    ),
    RowCheck(
        table="evaluation_evidencerequest",
        name="evaluation_request_declared",
        violation="""
            SELECT 1 WHERE NOT EXISTS (
                SELECT 1 FROM evaluation_assignment a
                WHERE a.cycle_id = NEW.cycle_id AND a.assessor_id = NEW.requested_by_id
                  AND a.has_conflict = FALSE
            )
        """,
        events=("INSERT",),
        message=CONFLICT,
    ),
    *(
        RowCheck(
            table=f"evaluation_{table}",
            name=f"evaluation_{table}_frozen",
            violation=_published("NEW.cycle_id"),
            events=("INSERT", "UPDATE"),
            message=FROZEN,
        )
        for table in ("answer", "consolidatedscore", "cyclesummary", "evidencerequest")
    ),
    RowCheck(
        table="evaluation_answerevidence",
        name="evaluation_answerevidence_frozen",
        violation=_published(
            "(SELECT an.cycle_id FROM evaluation_answer an WHERE an.id = NEW.answer_id)"
        ),
        events=("INSERT", "UPDATE"),
        message=FROZEN,
    ),
    RowCheck(
        table="evaluation_assessorscore",
        name="evaluation_assessorscore_frozen",
        violation=_published(
            "(SELECT asg.cycle_id FROM evaluation_assignment asg WHERE asg.id = NEW.assignment_id)"
        ),
        events=("INSERT", "UPDATE"),
        message=FROZEN,
    ),
    AppendOnly(
        table="evaluation_resultrevision",
        name="evaluation_resultrevision_append_only",
        message="Revisi hasil tidak dapat diubah atau dihapus / result revisions are append-only",
    ),
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install(schema_editor, CHECKS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove(schema_editor, CHECKS)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_assessment"),
        # The maintenance flag the append-only delete trigger reads (SQLite).
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
