"""Status corrections (docs/decisions.md §11): where an action plan's status
came from, and the record of every correction by the team. And an action
plan's year stays inside its programme's years, whatever path writes the
row (the readable form is ActionPlan.clean / Programme.clean)."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kotacerdas.core.triggers import RowCheck, around_table_rebuild, install, remove

# SQLite rebuilds masterplan_actionplan for the AddField: the row checks
# installed so far come down first and go back up after.
DROP_CHECKS, RESTORE_CHECKS = around_table_rebuild(
    importlib.import_module("kotacerdas.masterplan.migrations.0002_period_triggers").CHECKS,
    importlib.import_module("kotacerdas.masterplan.migrations.0003_quick_win_trigger").CHECKS,
)

MESSAGE = (
    "Tahun rencana aksi di luar tahun pelaksanaan programnya / "
    "action plan year outside its programme's years"
)

CHECKS = (
    RowCheck(
        table="masterplan_actionplan",
        name="action_plan_programme_year",
        violation="""
            SELECT 1 FROM masterplan_programme p WHERE p.id = NEW.programme_id
                AND (NEW.year < p.start_year OR NEW.year > p.end_year)
        """,
        events=("INSERT", "UPDATE"),
        message=MESSAGE,
    ),
    RowCheck(
        table="masterplan_programme",
        name="programme_plan_years",
        violation="""
            SELECT 1 FROM masterplan_actionplan a WHERE a.programme_id = NEW.id
                AND (a.year < NEW.start_year OR a.year > NEW.end_year)
        """,
        events=("UPDATE",),
        message=MESSAGE,
    ),
)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install(schema_editor, CHECKS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove(schema_editor, CHECKS)


class Migration(migrations.Migration):

    dependencies = [
        ('masterplan', '0004_masterplan_reporting_frequency'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DROP_CHECKS,
        migrations.CreateModel(
            name='StatusCorrection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('belum_dimulai', 'Belum dimulai'), ('berjalan', 'Berjalan'), ('selesai', 'Selesai'), ('ditunda', 'Ditunda'), ('dibatalkan', 'Dibatalkan')], max_length=15, verbose_name='status semula')),
                ('to_status', models.CharField(choices=[('belum_dimulai', 'Belum dimulai'), ('berjalan', 'Berjalan'), ('selesai', 'Selesai'), ('ditunda', 'Ditunda'), ('dibatalkan', 'Dibatalkan')], max_length=15, verbose_name='status baru')),
                ('reason', models.TextField(verbose_name='alasan')),
                ('corrected_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='waktu koreksi')),
            ],
            options={
                'verbose_name': 'koreksi status',
                'verbose_name_plural': 'koreksi status',
                'ordering': ['-corrected_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='actionplan',
            name='status_source',
            field=models.CharField(choices=[('langsung', 'Diisi langsung'), ('laporan', 'Laporan terverifikasi'), ('koreksi', 'Koreksi tim')], default='langsung', editable=False, max_length=10, verbose_name='asal status'),
        ),
        migrations.AddConstraint(
            model_name='actionplan',
            constraint=models.CheckConstraint(condition=models.Q(('status_source__in', ['langsung', 'laporan', 'koreksi'])), name='action_plan_status_source_known', violation_error_message='Asal status rencana aksi tidak dikenal.'),
        ),
        migrations.AddField(
            model_name='statuscorrection',
            name='action_plan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_corrections', to='masterplan.actionplan', verbose_name='rencana aksi'),
        ),
        migrations.AddField(
            model_name='statuscorrection',
            name='corrected_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dikoreksi oleh'),
        ),
        migrations.AddConstraint(
            model_name='statuscorrection',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='status_correction_has_reason', violation_error_message='Alasan koreksi wajib diisi.'),
        ),
        migrations.AddConstraint(
            model_name='statuscorrection',
            constraint=models.CheckConstraint(condition=models.Q(('from_status', models.F('to_status')), _negated=True), name='status_correction_changes_status', violation_error_message='Status baru sama dengan status sekarang.'),
        ),
            RESTORE_CHECKS,
        migrations.RunPython(forwards, backwards),
    ]
