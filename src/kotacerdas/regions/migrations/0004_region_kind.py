"""Provinces are regions too: the kind (kab/kota or provinsi) follows the code."""

from typing import Any

from django.db import migrations, models


def kinds_from_codes(apps: Any, schema_editor: Any) -> None:
    # Every region so far was a kab/kota (the old clean() refused anything
    # else); a row written around it gets the kind its code says.
    Region = apps.get_model("regions", "Region")
    Region.objects.exclude(code__contains=".").update(kind="provinsi")


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0003_area_boundary'),
    ]

    operations = [
        migrations.AddField(
            model_name='region',
            name='kind',
            field=models.CharField(choices=[('kabkota', 'kab/kota'), ('provinsi', 'provinsi')], default='kabkota', editable=False, help_text='Diturunkan dari kode: PP provinsi, PP.KK kab/kota.', max_length=10, verbose_name='jenis'),
        ),
        migrations.AlterField(
            model_name='region',
            name='code',
            field=models.CharField(error_messages={'unique': 'Wilayah dengan kode ini sudah terdaftar.'}, help_text='Kode wilayah Kemendagri: provinsi PP (mis. 14) atau kab/kota PP.KK (mis. 14.72); bukan kode BPS.', max_length=5, unique=True, verbose_name='kode Kemendagri'),
        ),
        migrations.RunPython(kinds_from_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='region',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'provinsi'), models.Q(('code__contains', '.'), _negated=True)), models.Q(('kind', 'kabkota'), ('code__contains', '.')), _connector='OR'), name='region_kind_matches_code', violation_error_message='Jenis wilayah tidak cocok dengan kodenya: PP provinsi, PP.KK kab/kota.'),
        ),
    ]
