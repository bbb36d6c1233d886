import importlib

from django.db import migrations, models

from kotacerdas.core.triggers import around_table_rebuild

# The row checks installed so far; SQLite rebuilds masterplan_masterplan for
# this AddField, so they come down first and go back up after.
CHECKS = (
    importlib.import_module("kotacerdas.masterplan.migrations.0002_period_triggers").CHECKS,
    importlib.import_module("kotacerdas.masterplan.migrations.0003_quick_win_trigger").CHECKS,
)
DROP_CHECKS, RESTORE_CHECKS = around_table_rebuild(*CHECKS)


class Migration(migrations.Migration):
    dependencies = [("masterplan", "0003_quick_win_trigger")]

    operations = [
        DROP_CHECKS,
        migrations.AddField(
            model_name="masterplan",
            name="reporting_frequency",
            field=models.CharField(
                choices=[
                    ("quarterly", "Triwulanan"),
                    ("semester", "Semesteran"),
                    ("yearly", "Tahunan"),
                ],
                default="quarterly",
                max_length=10,
                verbose_name="frekuensi pelaporan",
            ),
        ),
        RESTORE_CHECKS,
    ]
