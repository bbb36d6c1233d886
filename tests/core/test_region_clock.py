"""The region's own clock (docs/decisions.md, "the region's own clock"):
timestamps are stored in UTC and every page, export and e-mail of a region
gives its local date and time, WIB, WITA or WIT.

The moments are chosen where the UTC date and the local date differ: at
23:30 UTC and at 00:30 WIB (17:30 UTC the day before) it is already
7 December in Dumai while UTC still says 6 December; at 15:30 UTC it is
00:30 WIT in Jayapura but still 6 December in Dumai and Makassar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kotacerdas.core.models import Role
from kotacerdas.monitoring.models import ReportingPeriod
from kotacerdas.monitoring.reminders import reminder_message, reminders_plan
from kotacerdas.regions import timezones
from kotacerdas.regions.models import Region
from kotacerdas.umkm.pdp.models import PersonalDataAccess
from kotacerdas.umkm.pdp.services import record_access
from tests.conftest import World, member_create, persona_create, personas_sign_in
from tests.monitoring_fixtures import report
from tests.portal.helpers import close

UTC = dt.UTC


@dataclass(frozen=True)
class Case:
    """A region, a moment (UTC) and what its people read at that moment."""

    code: str
    name: str
    at: dt.datetime
    day: str  # "7 Desember 2026"
    iso: str  # "2026-12-07"
    clock: str  # "00.30 WIB"
    override: str = ""

    @property
    def id(self) -> str:
        return f"{self.code}{'-' + self.override if self.override else ''}-{self.at:%H%M}UTC"


def _utc(hour: int, minute: int) -> dt.datetime:
    """A moment of 6 December 2026, UTC."""
    return dt.datetime(2026, 12, 6, hour, minute, tzinfo=UTC)


DEC_6, DEC_7 = ("6 Desember 2026", "2026-12-06"), ("7 Desember 2026", "2026-12-07")
DUMAI, MAKASSAR, JAYAPURA = (
    ("14.72", "Kota Dumai"),
    ("73.71", "Kota Makassar"),
    ("91.71", "Kota Jayapura"),
)

CASES = [
    # 23:30 UTC on 6 December is 06.30 WIB on 7 December.
    Case(*DUMAI, _utc(23, 30), *DEC_7, "06.30 WIB"),
    # 00:30 WIB on 7 December is 17:30 UTC on 6 December.
    Case(*DUMAI, _utc(17, 30), *DEC_7, "00.30 WIB"),
    # A control: at 15:30 UTC it is still 6 December in Dumai (22.30 WIB) ...
    Case(*DUMAI, _utc(15, 30), *DEC_6, "22.30 WIB"),
    # ... and in Makassar (23.30 WITA), which reaches 7 December an hour later ...
    Case(*MAKASSAR, _utc(15, 30), *DEC_6, "23.30 WITA"),
    Case(*MAKASSAR, _utc(16, 30), *DEC_7, "00.30 WITA"),
    # ... but Jayapura is already at 00.30 WIT on 7 December.
    Case(*JAYAPURA, _utc(15, 30), *DEC_7, "00.30 WIT"),
    # An operator's override wins over the zone derived from the code.
    Case(*DUMAI, _utc(15, 30), *DEC_7, "00.30 WIT", override=timezones.WIT),
]


@pytest.fixture(params=CASES, ids=lambda c: c.id)
def case(request: pytest.FixtureRequest, world: World) -> Case:
    c: Case = request.param
    Region.objects.filter(pk=world.region.pk).update(code=c.code, name=c.name, time_zone=c.override)
    world.region.refresh_from_db()
    return c


def _travel(case: Case) -> Any:
    return time_machine.travel(case.at, tick=False)


def _closed_at(world: World, case: Case) -> ReportingPeriod:
    with _travel(case):
        report(world, "verified")
        return close(world)


def test_it_derives_the_zone_from_the_province_code() -> None:
    assert timezones.zone_for_code("14.72") == timezones.WIB  # Riau
    assert timezones.zone_for_code("61.71") == timezones.WIB  # Kalimantan Barat
    assert timezones.zone_for_code("62.71") == timezones.WIB  # Kalimantan Tengah
    assert timezones.zone_for_code("63.71") == timezones.WITA  # Kalimantan Selatan
    assert timezones.zone_for_code("51.71") == timezones.WITA  # Bali
    assert timezones.zone_for_code("73.71") == timezones.WITA  # Sulawesi Selatan
    assert timezones.zone_for_code("81.71") == timezones.WIT  # Maluku
    assert timezones.zone_for_code("91.71") == timezones.WIT  # Papua
    assert timezones.zone_for_code("96.01") == timezones.WIT  # Papua Barat Daya


def test_the_portal_dates_the_freeze_in_the_regions_own_day(case: Case, world: World) -> None:
    _closed_at(world, case)
    with _travel(case):
        page = Client().get(reverse("portal:home", args=[case.code])).content.decode()
        catalogue = Client().get(reverse("portal:catalogue", args=[case.code])).content.decode()
    assert f"dibekukan {case.day}" in page
    assert case.day in catalogue


def test_the_snapshot_page_shows_local_time_with_its_zone(case: Case, world: World) -> None:
    period = _closed_at(world, case)
    with _travel(case):
        admin = personas_sign_in({"admin": persona_create("admin", world)})["admin"]
        page = admin.get(reverse("monitoring:snapshot_detail", args=[period.pk]))
    assert page.status_code == 200
    assert f"dibekukan {case.day} {case.clock}" in page.content.decode()


def test_the_open_data_carries_the_regions_date(case: Case, world: World) -> None:
    _closed_at(world, case)
    with _travel(case):
        url = reverse("portal:download", args=[case.code, "rencana-aksi", "csv"])
        body = Client().get(url).content.decode("utf-8-sig")
        meta_url = reverse("portal:dataset_metadata", args=[case.code, "rencana-aksi"])
        metadata = Client().get(meta_url).json()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and {row["tanggal_data"] for row in rows} == {case.iso}
    assert metadata["date"] == case.iso


def test_the_personal_data_log_labels_its_zone_and_shows_local_time(
    case: Case, world: World
) -> None:
    with _travel(case), transaction.atomic():
        record_access(
            actor=None,
            region=world.region,
            action=PersonalDataAccess.Action.EXPORT,
            purpose="Uji zona waktu",
            fields=["nik"],
            business_ids=[],
        )
    with _travel(case):
        officer = personas_sign_in({"officer": persona_create("officer", world)})["officer"]
        page = officer.get(reverse("umkm:access_log", args=[case.code])).content.decode()
    zone = case.clock.split()[1]
    assert f"Waktu ({zone})" in page
    assert "Waktu (UTC)" not in page
    assert f"{case.iso} {case.clock.split()[0].replace('.', ':')}:00" in page
    # The instant itself stays machine-readable, in UTC.
    assert f'datetime="{case.at:%Y-%m-%dT%H:%M:%S}+00:00"' in page


def test_a_reminder_counts_days_and_signs_its_time_in_the_regions_zone(
    case: Case, world: World
) -> None:
    with _travel(case):
        report(world)  # opens the period
        ReportingPeriod.objects.filter(masterplan=world.masterplan, state="open").update(
            due_on=dt.date(2026, 12, 7)
        )
        editor = member_create("bob", world, Role.AGENCY_EDITOR, world.agency_a)
        editor.email = "bob@example.go.id"
        editor.save(update_fields=["email"])
        planned = reminders_plan()
        assert planned, "the editor of agency A must hear about the missing report"
        reminder = planned[0]
        message = reminder_message(reminder)
    assert reminder.on == dt.date.fromisoformat(case.iso)
    assert reminder.days_left == (dt.date(2026, 12, 7) - reminder.on).days
    assert f"Dibuat {case.day} {case.clock}." in str(message.body)


def test_an_override_saved_by_the_operator_applies_on_the_next_request(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    moment = Case(*DUMAI, _utc(15, 30), *DEC_6, "22.30 WIB")
    with django_capture_on_commit_callbacks(execute=True):
        _closed_at(world, moment)
    home = reverse("portal:home", args=[world.region.code])
    with _travel(moment):
        assert "dibekukan 6 Desember 2026" in Client().get(home).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            world.region.time_zone = timezones.WIT
            world.region.save()
        assert "dibekukan 7 Desember 2026" in Client().get(home).content.decode()
