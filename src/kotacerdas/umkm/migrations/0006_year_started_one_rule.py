"""The year a business started has one rule (identifiers.validate_year_started:
1900 up to this year) instead of the field's 1900..2100 and a second check in
clean(). Validators live in Python only: this migration changes no table (sqlmigrate
shows a no-op on SQLite and PostgreSQL)."""

from django.db import migrations, models

import kotacerdas.umkm.identifiers


class Migration(migrations.Migration):

    dependencies = [
        ('umkm', '0005_personal_data_access_append_only'),
    ]

    operations = [
        migrations.AlterField(
            model_name='business',
            name='year_started',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[kotacerdas.umkm.identifiers.validate_year_started], verbose_name='tahun mulai usaha'),
        ),
    ]
