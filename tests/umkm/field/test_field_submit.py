"""Entries of the offline form: saved once per key (a resend answers with
the same business), refused with field messages and nothing saved, a NIB or
owner NIK already registered answered as a conflict before anything is
saved; the same owner's second business is saved when the enumerator says
so. Through the endpoint the phone calls, with CSRF enforced."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.models import Business, FieldSubmission
from kotacerdas.umkm.registry import services as registry
from tests.logins import login_verified

pytestmark = pytest.mark.usefixtures("shared_world")

NIK = "1472015507900123"
OTHER_NIK = "1472016010850004"
NIB = "9120001234567"


def entry(**data: Any) -> dict[str, Any]:
    return {
        "key": str(uuid.uuid4()),
        "name": "Warung Sate Pak Amat",
        "owner_name": "Amat Sulaiman",
        "owner_nik": "1472 0160 1085 0004",
        "kelurahan_code": "14.72.01.1003",
        "kbli_version": "2020",
        "phone": "0812-7777-1234",
        "workers": "3 orang",
        "sells_online": "unknown",
        "uses_qris": "true",
        **data,
    }


@pytest.fixture
def phone(world, officer) -> Client:  # type: ignore[no-untyped-def]
    """The officer's phone: a client that checks CSRF like a browser."""
    client = Client(enforce_csrf_checks=True)
    login_verified(client, officer)
    return client


def send(client: Client, region_code: str, data: dict[str, Any]) -> Any:
    token = client.get(reverse("umkm:field_token", args=[region_code])).json()["csrf"]
    return client.post(
        reverse("umkm:field_submit", args=[region_code]), data, HTTP_X_CSRFTOKEN=token
    )


def test_it_saves_an_entry_once_per_key(world, phone) -> None:
    data = entry()

    first = send(phone, world.region.code, data)
    again = send(phone, world.region.code, data)

    assert first.status_code == 200 and first.json()["status"] == "saved"
    assert again.status_code == 200 and again.json()["status"] == "already_saved"
    business = Business.objects.get(region=world.region)
    assert again.json()["url"] == reverse("umkm:business_detail", args=[business.pk])
    assert business.owner_nik == OTHER_NIK and business.workers == 3
    assert business.uses_qris is True and business.sells_online is None
    assert FieldSubmission.objects.get().business == business
    created = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        content_type=ContentType.objects.get_for_model(Business),
        object_id=str(business.pk),
    )
    assert created.count() == 1
    assert OTHER_NIK not in str(created.get().after)


def test_it_refuses_without_the_fresh_csrf_token(world, phone) -> None:
    response = phone.post(reverse("umkm:field_submit", args=[world.region.code]), entry())

    assert response.status_code == 403
    assert not Business.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"owner_nik": "147201550790012"}, "owner_nik", "16 digit"),
        ({"kelurahan_code": ""}, "kelurahan_code", "tidak boleh kosong"),
        ({"kelurahan_code": "14.01.01.2001"}, "kelurahan_code", ""),
    ],
)
def test_it_refuses_a_bad_entry_with_field_messages_and_saves_nothing(
    world, phone, data: dict[str, str], field: str, words: str
) -> None:
    response = send(phone, world.region.code, entry(**data))

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "refused"
    fields = {e["field"]: (e["label"], " ".join(e["messages"])) for e in body["errors"]}
    label, messages = fields[field]
    assert label and words in messages
    assert not Business.objects.exists() and not FieldSubmission.objects.exists()


@pytest.mark.parametrize("key", ["", "not-a-key", "'; drop table x; --"])
def test_it_refuses_an_entry_without_a_valid_key(world, phone, key: str) -> None:
    response = send(phone, world.region.code, entry(key=key))

    assert response.status_code == 400
    assert "kunci" in response.json()["errors"][0]["messages"][0]
    assert not Business.objects.exists()


def test_a_nib_already_registered_is_a_conflict_and_not_saved(world, phone) -> None:
    existing = registry.business_create(
        actor=None,
        region=world.region,
        data={"name": "Toko Berkah", "nib": NIB, "kelurahan_code": "14.72.01.1003"},
    )

    response = send(phone, world.region.code, entry(nib=NIB))

    assert response.status_code == 409
    body = response.json()
    assert (body["status"], body["kind"], body["can_confirm"]) == ("conflict", "nib", False)
    assert "NIB 9120001234567 sudah terdaftar untuk Toko Berkah" in body["message"]
    assert body["existing"] == [
        {"name": "Toko Berkah", "url": reverse("umkm:business_detail", args=[existing.pk])}
    ]
    assert Business.objects.count() == 1 and not FieldSubmission.objects.exists()


def test_an_owner_nik_already_registered_waits_for_the_enumerators_decision(world, phone) -> None:
    registry.business_create(
        actor=None,
        region=world.region,
        data={"name": "Toko Berkah", "owner_nik": NIK, "kelurahan_code": "14.72.01.1003"},
    )
    data = entry(owner_nik=NIK)

    conflict = send(phone, world.region.code, data)
    confirmed = send(phone, world.region.code, {**data, "same_owner": "1"})

    assert conflict.status_code == 409
    assert conflict.json()["kind"] == "nik" and conflict.json()["can_confirm"] is True
    assert NIK not in conflict.content.decode()
    assert confirmed.json()["status"] == "saved"
    assert Business.objects.filter(owner_nik=NIK).count() == 2


def test_a_key_of_another_region_is_refused(world, phone, officer) -> None:
    from kotacerdas.core.models import Membership, Role
    from tests.factories import RegionFactory

    other = RegionFactory(code="14.01", name="Kabupaten Kampar")
    Membership.objects.create(user=officer, region=other, role=Role.REGISTRY_OFFICER)
    data = entry()
    send(phone, world.region.code, data)

    response = send(phone, "14.01", {**data, "kelurahan_code": "14.01.01.2001"})

    assert response.status_code == 400
    assert Business.objects.count() == 1


def test_the_form_page_and_its_worker(world, phone) -> None:
    page = phone.get(reverse("umkm:field_form", args=[world.region.code]))
    worker = phone.get(reverse("umkm:field_worker", args=[world.region.code]))

    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="field-texts" type="application/json"' in text
    assert reverse("umkm:field_worker", args=[world.region.code]) in text
    assert worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    script = worker.content.decode()
    assert f'"{reverse("umkm:field_form", args=[world.region.code])}"' in script
    assert "kotacerdas/umkm-field.js" in script
    assert "&quot;" not in script


def test_two_sends_racing_save_one_business(world, officer, monkeypatch) -> None:
    """The second send passed the key check before the first one committed:
    the key's unique constraint stops it, and its business is rolled back."""
    from kotacerdas.umkm.field import services

    key = str(uuid.uuid4())
    data = {"name": "Warung Sate Pak Amat", "owner_nik": NIK, "kelurahan_code": "14.72.01.1003"}
    first = services.field_entry_submit(actor=officer, region=world.region, key=key, data=data)
    real_earlier = services._earlier
    calls: list[str] = []

    def late_check(region, key):  # type: ignore[no-untyped-def]
        calls.append(key)
        return None if len(calls) == 1 else real_earlier(region, key)

    monkeypatch.setattr(services, "_earlier", late_check)

    second = services.field_entry_submit(
        actor=officer, region=world.region, key=key, data=data, same_owner=True
    )

    assert first.outcome == "saved"
    assert second.outcome == "already_saved" and second.business == first.business
    assert Business.objects.count() == 1 and FieldSubmission.objects.count() == 1


def test_two_entries_with_one_nib_racing_answer_a_conflict(world, phone, monkeypatch) -> None:
    """The second entry passed the NIB check before the first one was saved:
    the NIB's unique constraint stops it, answered as a conflict (409), not a 500."""
    from kotacerdas.umkm.field import services

    real_conflict = services._conflict
    real_create = registry.business_create
    calls: list[int] = []

    def late_check(region, data, same_owner):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            # The other phone's entry lands between the check and the save.
            real_create(
                actor=None,
                region=region,
                data={"name": "Toko Berkah", "nib": NIB, "kelurahan_code": "14.72.01.1003"},
            )
            return None
        return real_conflict(region, data, same_owner)

    def insert_refused(**kwargs):  # type: ignore[no-untyped-def]
        # Both passed the form's own NIB check; the database refuses the insert.
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "_conflict", late_check)
    monkeypatch.setattr(services.registry, "business_create", insert_refused)

    response = send(phone, world.region.code, entry(nib=NIB))

    assert response.status_code == 409
    assert response.json()["kind"] == "nib"
    assert Business.objects.count() == 1 and not FieldSubmission.objects.exists()


def test_a_kept_page_and_its_cache_belong_to_one_user(world, phone, officer) -> None:
    """Officer A's kept page, cache and queue are not another user's: the
    worker's cache name carries the user's opaque key (different per user,
    the same on every visit), the form says whom it was made for, in a header
    the worker checks and a cookie its script compares, and the worker only
    clears this region's caches."""
    from kotacerdas.core.models import Membership, Role
    from kotacerdas.core.pages import DEVICE_USER_COOKIE
    from tests.factories import make_user

    other = make_user("budi")
    Membership.objects.create(user=other, region=world.region, role=Role.REGISTRY_OFFICER)
    other_phone = Client()
    login_verified(other_phone, other)
    form = reverse("umkm:field_form", args=[world.region.code])
    worker = reverse("umkm:field_worker", args=[world.region.code])

    def cache_name(client: Client) -> str:
        script = client.get(worker).content.decode()
        prefix = re.search(r'const PREFIX = "([^"]+)";', script)
        user = re.search(r'const USER = "([^"]+)";', script)
        assert prefix and user and "`${PREFIX}${USER}-" in script
        assert prefix.group(1) == f"kc-field-{world.region.code}-"
        assert "n.startsWith(PREFIX) && n !== CACHE" in script
        assert 'n.startsWith("kc-field-")' not in script
        return prefix.group(1) + user.group(1)

    mine, theirs = cache_name(phone), cache_name(other_phone)
    assert mine != theirs and cache_name(phone) == mine
    # Opaque: not the user's id or name, and long enough not to be guessed
    # (a hex digest may contain the id's digits by chance).
    opaque = mine.removeprefix(f"kc-field-{world.region.code}-")
    assert opaque not in {str(officer.pk), officer.username} and len(opaque) >= 16
    assert officer.username not in opaque

    page = phone.get(form)
    key = page["X-KotaCerdas-Device-User"]
    assert mine.endswith(key)
    assert page.cookies[DEVICE_USER_COOKIE].value == key
    assert not page.cookies[DEVICE_USER_COOKIE]["httponly"]  # the page's script reads it
    text = page.content.decode()
    assert f'data-user="{key}"' in text and f'data-cookie="{DEVICE_USER_COOKIE}"' in text
    assert other_phone.get(form)["X-KotaCerdas-Device-User"] != key
