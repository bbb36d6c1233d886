"""What the statistics keep in step when a region changes: the registered
year stored with each business (Business.registered_year) is the year of its
``created_at`` on the region's clock, so a new time zone for the region
(Admin → Wilayah → Zona waktu) moves the businesses registered in the hours
around New Year from one year to the other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q

from kotacerdas.regions import timezones
from kotacerdas.regions.models import Region
from kotacerdas.umkm.registry.models import Business, registered_year
from kotacerdas.umkm.statistics.selectors import statistics_forget

# A region's zone is WIB, WITA or WIT (UTC+7 to +9): its New Year falls
# between 15:00 and 17:00 UTC on 31 December. Only a business created in
# that window can change year with the zone.
_WINDOW_START = dt.time(15, 0, tzinfo=dt.UTC)
_WINDOW = dt.timedelta(hours=2)


def registered_years_follow_zone(region: Region) -> int:
    """Store each business's registered year on the region's current clock;
    returns how many businesses changed year. Reads only the businesses
    created in the two hours of each New Year a business of the region was
    registered around."""
    zone = region.tzinfo
    # Every row (an import's staged rows too): the stored year must be right
    # when the rows are published.
    businesses = Business.all_rows.filter(region=region)
    years = set(businesses.values_list("registered_year", flat=True).distinct())
    windows = Q()
    for year in sorted(y for y in years if y is not None):
        for eve in (dt.date(year - 1, 12, 31), dt.date(year, 12, 31)):
            start = dt.datetime.combine(eve, _WINDOW_START)
            windows |= Q(created_at__gte=start, created_at__lt=start + _WINDOW)
    if not windows:
        return 0
    changed: list[Any] = []
    with transaction.atomic():
        for business in businesses.filter(windows).only("pk", "created_at", "registered_year"):
            year = registered_year(business.created_at, zone)
            if business.registered_year != year:
                business.registered_year = year
                changed.append(business)
        Business.all_rows.bulk_update(changed, ["registered_year"], batch_size=500)
    if changed:
        transaction.on_commit(lambda: statistics_forget(region))
    return len(changed)


_ZONE_CHANGED = "_kotacerdas_zone_changed"


def region_zone_remember(sender: type[Region], instance: Region, **kwargs: Any) -> None:
    """``pre_save`` of a region: note whether its clock changes."""
    if instance.pk is None:
        return
    stored = Region.objects.filter(pk=instance.pk).values_list("time_zone", "code").first()
    if stored is None:
        return
    before = stored[0] or timezones.zone_for_code(stored[1])
    setattr(instance, _ZONE_CHANGED, before != instance.zone_name)


def region_zone_follow(sender: type[Region], instance: Region, **kwargs: Any) -> None:
    """``post_save`` of a region whose clock changed: its businesses'
    registered years follow."""
    if getattr(instance, _ZONE_CHANGED, False):
        setattr(instance, _ZONE_CHANGED, False)
        registered_years_follow_zone(instance)
