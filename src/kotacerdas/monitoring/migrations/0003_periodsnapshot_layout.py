# Snapshots stored before this column were written in layout 1
# (kotacerdas.monitoring.snapshots); the close writes the layout itself.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0002_reminderlog'),
    ]

    operations = [
        migrations.AddField(
            model_name='periodsnapshot',
            name='layout',
            field=models.PositiveSmallIntegerField(default=1, help_text='Susunan data beku yang ditulis saat periode ditutup.', verbose_name='versi susunan data'),
            preserve_default=False,
        ),
    ]
