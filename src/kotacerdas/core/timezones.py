"""The region's own clock at run time (docs/decisions.md, "the region's own
clock"): which zone a request, a task or a command shows times in.

- :class:`RegionTimeZoneMiddleware` activates, for every page in a region's
  context, that region's zone: the region of the address (a ``code`` in the
  URL: ``/wilayah/14.72/…``, ``/publik/14.72/…``), else the one region the
  signed-in user belongs to; otherwise the site's ``TIME_ZONE``. A view whose
  address names an object (``/periode/<pk>/``) calls :func:`activate_region`
  once it has fetched it, so a user of several regions sees each in its own.
- Code without a request (reminder e-mails, exports built by tasks) wraps its
  work in ``timezone.override(region.tzinfo)`` or passes ``region.tzinfo``.

The zone is found lazily (:class:`LazyZone`): on the first time shown, not
for every request. The zone of a region is cached (Django's cache) by code
and by id; saving a region forgets it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kotacerdas.core.access import roles_of
from kotacerdas.regions import timezones
from kotacerdas.regions.models import Region

CACHE_TIMEOUT = 60 * 60


def _key(kind: str, value: object) -> str:
    return f"region-zone:{kind}:{value}"


def forget(region: Region) -> None:
    """Drop a region's cached zone (its override may have changed)."""
    cache.delete_many([_key("code", region.code), _key("id", region.pk)])


def zone_of(*, code: str | None = None, region_id: int | None = None) -> str | None:
    """The IANA zone of the region with this code or id; None when unknown."""
    kind, value = ("code", code) if code is not None else ("id", region_id)
    key = _key(kind, value)
    zone: str | None = cache.get(key)
    if zone is None:
        row = Region.objects.filter(**{kind: value}).values_list("code", "time_zone").first()
        if row is None:
            return None
        zone = row[1] or timezones.zone_for_code(row[0])
        cache.set(key, zone, CACHE_TIMEOUT)
    return zone


def activate_region(region: Region) -> None:
    """Show the rest of this request in ``region``'s zone."""
    timezone.activate(region.tzinfo)


def current_abbreviation() -> str:
    """ "WIB", "WITA" or "WIT" of the active zone (a column's label)."""
    return timezones.abbreviation(timezone.get_current_timezone_name())


class LazyZone(dt.tzinfo):
    """A time zone found on first use: the middleware activates one for every
    request, and only a page that actually shows a time pays for finding it
    (a cached portal page, or one that only shows dates computed with the
    region's zone explicitly, stays at its query budget). It behaves as the
    ``ZoneInfo`` it resolves to; ``None`` from ``resolve`` means the site's
    ``TIME_ZONE``. No zone of Indonesia has daylight saving, so folds do not
    arise."""

    def __init__(self, resolve: Callable[[], str | None]) -> None:
        self._resolve = resolve
        self._zone: zoneinfo.ZoneInfo | None = None

    def zone(self) -> zoneinfo.ZoneInfo:
        if self._zone is None:
            self._zone = zoneinfo.ZoneInfo(self._resolve() or settings.TIME_ZONE)
        return self._zone

    def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta | None:
        return self.zone().utcoffset(moment)

    def dst(self, moment: dt.datetime | None) -> dt.timedelta | None:
        return self.zone().dst(moment)

    def tzname(self, moment: dt.datetime | None) -> str | None:
        return self.zone().tzname(moment)

    def fromutc(self, moment: dt.datetime) -> dt.datetime:
        zone = self.zone()
        return zone.fromutc(moment.replace(tzinfo=zone)).replace(tzinfo=self)

    def __str__(self) -> str:
        return str(self.zone())  # what timezone.get_current_timezone_name() reads

    def __reduce__(self) -> tuple[Any, ...]:
        # A local time put in a cache is stored with the zone it resolved to.
        return (zoneinfo.ZoneInfo, (str(self.zone()),))

    def __repr__(self) -> str:
        return f"LazyZone({self._zone!r})"


class RegionTimeZoneMiddleware:
    """Activates the zone of the region a page belongs to (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        code = view_kwargs.get("code")
        timezone.activate(LazyZone(lambda: self._zone(request, code)))

    @staticmethod
    def _zone(request: HttpRequest, code: object) -> str | None:
        if isinstance(code, str):
            return zone_of(code=code)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        regions = roles_of(user).member_regions
        if len(regions) == 1:
            return zone_of(region_id=next(iter(regions)))
        return None
