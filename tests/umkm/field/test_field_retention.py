"""How long the offline form's entries live (issue 20, point 4): the server
forgets the key of a saved entry after KOTACERDAS_FIELD_KEY_RETENTION_DAYS
(the daily task), the business stays; a resend after that is stopped by the
conflict check, not saved twice; the page tells the phone after how many
days an unsent entry is stale."""

from __future__ import annotations

import datetime as dt
import runpy
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from kotacerdas import settings as settings_module
from kotacerdas.umkm import tasks
from kotacerdas.umkm.field.services import field_entry_submit, field_keys_expire
from kotacerdas.umkm.models import Business, FieldSubmission

NIK = "1472016010850004"
DATA = {"name": "Warung Sate Pak Amat", "owner_nik": NIK, "kelurahan_code": "14.72.01.1003"}

pytestmark = pytest.mark.django_db


def _saved(world, days_ago: float) -> FieldSubmission:  # type: ignore[no-untyped-def]
    key = str(uuid.uuid4())
    result = field_entry_submit(
        actor=None,
        region=world.region,
        key=key,
        data={**DATA, "name": f"Warung {key[:8]}", "owner_nik": ""},
    )
    assert result.outcome == "saved"
    FieldSubmission.objects.filter(key=key).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return FieldSubmission.objects.get(key=key)


def test_keys_past_retention_are_forgotten_and_their_businesses_stay(world, settings) -> None:
    settings.KOTACERDAS_FIELD_KEY_RETENTION_DAYS = 30
    old = _saved(world, 31)
    young = _saved(world, 29)

    assert field_keys_expire() == 1

    assert list(FieldSubmission.objects.values_list("key", flat=True)) == [young.key]
    assert Business.objects.filter(pk=old.business_id).exists()
    assert field_keys_expire() == 0  # idempotent


def test_the_daily_task_purges_the_keys(world, settings) -> None:
    settings.KOTACERDAS_FIELD_KEY_RETENTION_DAYS = 10
    _saved(world, 11)

    counts = tasks.import_files_expire.call()

    assert counts["field_keys_purged"] == 1
    assert not FieldSubmission.objects.exists()


def test_a_resend_after_the_purge_meets_the_conflict_check_not_a_second_save(
    world, settings
) -> None:
    settings.KOTACERDAS_FIELD_KEY_RETENTION_DAYS = 30
    key = str(uuid.uuid4())
    first = field_entry_submit(actor=None, region=world.region, key=key, data=DATA)
    assert first.outcome == "saved"
    assert field_entry_submit(actor=None, region=world.region, key=key, data=DATA).outcome == (
        "already_saved"
    )
    field_keys_expire(now=timezone.now() + dt.timedelta(days=31))

    again = field_entry_submit(actor=None, region=world.region, key=key, data=DATA)

    assert (again.outcome, again.conflict) == ("conflict", "nik")
    assert Business.objects.filter(region=world.region, owner_nik=NIK).count() == 1


def test_the_form_tells_the_phone_when_an_unsent_entry_is_stale(personas, world, settings):
    settings.KOTACERDAS_FIELD_STALE_DAYS = 5
    page = personas["officer"].get(reverse("umkm:field_form", args=[world.region.code]))

    text = page.content.decode()
    assert 'data-stale-days="5"' in text
    assert 'data-testid="field-stale"' in text
    assert "lebih dari %(days)s hari belum terkirim" in text  # the script's text


def test_the_stale_warning_comes_before_the_key_is_forgotten(environ) -> None:
    environ.setenv("KOTACERDAS_FIELD_STALE_DAYS", "30")
    environ.setenv("KOTACERDAS_FIELD_KEY_RETENTION_DAYS", "30")

    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_FIELD_STALE_DAYS"):
        runpy.run_path(settings_module.__file__)

    environ.setenv("KOTACERDAS_FIELD_STALE_DAYS", "7")
    loaded = runpy.run_path(settings_module.__file__)
    assert (
        loaded["KOTACERDAS_FIELD_STALE_DAYS"],
        loaded["KOTACERDAS_FIELD_KEY_RETENTION_DAYS"],
    ) == (
        7,
        30,
    )
