"""The year a business was registered, stored (``Business.registered_year``,
the year of ``created_at`` on the region's clock) so that the statistics
group on an index instead of sorting every row on an expression; the
statistics' covering indexes rearranged around it (docs/decisions.md).

The backfill runs per region in windows of ids, one UPDATE each, with the
year worked out in the database from the UTC bounds of each local year (a
CASE over the region's years): exact for any zone, no row read into Python.
The indexes are built after it.

Not atomic: on PostgreSQL one transaction would hold the ACCESS EXCLUSIVE
lock of the new column's ALTER TABLE over the whole backfill and every index
build, stopping every reader and writer of the registry for minutes at a
million rows. Here the column is added in its own short statement (a
nullable column without a default: no rewrite), each window commits on its
own, and an index build blocks only writers while it runs. The price: a
failure half-way leaves the column (partly filled) behind instead of rolling
everything back; the failed migration says so, as any other does."""

import datetime as dt

from django.db import migrations, models, transaction
from django.db.models import Case, Max, Min, Value, When

import kotacerdas.umkm.registry.models
from kotacerdas.regions import timezones

WINDOW = 50_000


def backfill(apps, schema_editor):
    Business = apps.get_model("umkm", "Business")
    Region = apps.get_model("regions", "Region")
    rows = Business._base_manager.using(schema_editor.connection.alias)
    for region in Region.objects.using(schema_editor.connection.alias).order_by("pk"):
        mine = rows.filter(region_id=region.pk)
        span = mine.aggregate(
            low=Min("id"), high=Max("id"), first=Min("created_at"), last=Max("created_at")
        )
        if span["low"] is None:
            continue
        zone = timezones.tzinfo(region.time_zone or timezones.zone_for_code(region.code))
        first = span["first"].astimezone(zone).year
        last = span["last"].astimezone(zone).year
        year_of = Case(
            *(
                When(created_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=zone), then=Value(year))
                for year in range(first, last)
            ),
            default=Value(last),
        )
        for low in range(span["low"], span["high"] + 1, WINDOW):
            with transaction.atomic(using=schema_editor.connection.alias):
                mine.filter(id__gte=low, id__lt=low + WINDOW).update(registered_year=year_of)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("regions", "0003_area_boundary"),
        ("umkm", "0016_duplicate_kind_name"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="business",
            name="umkm_stats_cover",
        ),
        migrations.AddField(
            model_name="business",
            name="registered_year",
            field=kotacerdas.umkm.registry.models.RegisteredYearField(
                editable=False, null=True, verbose_name="tahun terdaftar"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="business",
            index=models.Index(
                fields=[
                    "region",
                    "status",
                    "verification",
                    "kelurahan_code",
                    "kbli_version",
                    "kbli_category",
                    "size_class",
                    "sells_online",
                    "uses_qris",
                    "merged_into",
                    "import_job",
                ],
                name="umkm_stats_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="business",
            index=models.Index(
                fields=[
                    "region",
                    "status",
                    "verification",
                    "kelurahan_code",
                    "year_started",
                    "registered_year",
                    "merged_into",
                    "import_job",
                ],
                name="umkm_stats_years",
            ),
        ),
        migrations.AddIndex(
            model_name="business",
            index=models.Index(
                condition=models.Q(("kbli_category", "C")),
                fields=[
                    "region",
                    "status",
                    "verification",
                    "kelurahan_code",
                    "kbli_code",
                    "created_at",
                    "merged_into",
                    "import_job",
                    "kbli_category",
                ],
                name="umkm_stats_ikm",
            ),
        ),
    ]
