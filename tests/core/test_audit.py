"""The audit log: every service write leaves exactly one event, in the same
transaction, and history cannot be rewritten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from kotacerdas.core.audit import audit_record, history_for
from kotacerdas.core.models import AppendOnlyError, AuditEvent
from kotacerdas.core.services import user_create
from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import ActionPlan, Programme
from kotacerdas.regions.models import Region


def test_it_records_an_update_with_actor_and_values_before_and_after(world, admin_user):
    programme = world.programme
    old_name = programme.name
    count = AuditEvent.objects.count()

    services.programme_update(actor=admin_user, programme=programme, name="Mal Pelayanan Publik")

    assert AuditEvent.objects.count() == count + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditEvent.Action.UPDATE
    assert event.actor == admin_user
    assert event.actor_label == "alice"
    assert event.content_type == ContentType.objects.get_for_model(Programme)
    assert event.object_id == str(programme.pk)
    assert event.region_code == "14.72"
    assert event.before["name"] == old_name
    assert event.after["name"] == "Mal Pelayanan Publik"
    assert event.changed_fields() == [("name", old_name, "Mal Pelayanan Publik")]


def test_it_records_a_creation_with_the_values_after(world, admin_user):
    count = AuditEvent.objects.count()

    plan = services.action_plan_create(
        actor=admin_user,
        programme=world.programme,
        code="RA-BARU",
        year=2025,
        agency=world.agency_b,
        activity="Sosialisasi layanan",
    )

    assert AuditEvent.objects.count() == count + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditEvent.Action.CREATE
    assert event.object_id == str(plan.pk)
    assert event.before is None
    assert event.after["code"] == "RA-BARU"
    assert event.after["agency"] == world.agency_b.pk
    assert event.after["programme"] == world.programme.pk
    assert event.after["status"] == "belum_dimulai"


def test_it_records_a_deletion_with_the_values_before(world, admin_user):
    plan = world.plan_b
    pk = plan.pk
    count = AuditEvent.objects.count()

    services.action_plan_delete(actor=admin_user, action_plan=plan)

    assert not ActionPlan.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.count() == count + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditEvent.Action.DELETE
    assert event.object_id == str(pk)
    assert event.before["code"] == plan.code
    assert event.after is None


def test_it_leaves_no_event_and_no_change_when_validation_fails(world, admin_user):
    programme = world.programme
    old_name = programme.name
    count = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        services.programme_update(actor=admin_user, programme=programme, name="", start_year=2019)

    assert AuditEvent.objects.count() == count
    programme.refresh_from_db()
    assert programme.name == old_name
    assert programme.start_year == 2023


def test_it_writes_the_change_and_its_event_in_one_transaction(world, admin_user, monkeypatch):
    """If the audit event cannot be written, the change is not written either."""
    programme = world.programme
    old_name = programme.name

    def broken_create(**kwargs):
        raise RuntimeError("audit storage unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", broken_create)
    with pytest.raises(RuntimeError, match="audit storage unavailable"):
        services.programme_update(actor=admin_user, programme=programme, name="Nama baru")

    assert Programme.objects.get(pk=programme.pk).name == old_name


def test_it_refuses_to_save_an_existing_event_again(world):
    event = AuditEvent.objects.latest("id")
    event.actor_label = "penyusup"

    with pytest.raises(AppendOnlyError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).actor_label == "sistem"


def test_it_refuses_to_delete_an_event(world):
    event = AuditEvent.objects.latest("id")
    count = AuditEvent.objects.count()

    with pytest.raises(AppendOnlyError):
        event.delete()

    assert AuditEvent.objects.count() == count


def test_it_refuses_bulk_updates_and_deletes_of_events(world):
    count = AuditEvent.objects.count()
    assert count > 0

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(actor_label="penyusup")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(actor_label="penyusup").exists()


def test_it_keeps_the_actor_of_an_event_from_being_deleted(world, admin_user):
    services.programme_update(actor=admin_user, programme=world.programme, name="Nama baru")

    with pytest.raises(ProtectedError):
        admin_user.delete()

    assert AuditEvent.objects.filter(actor=admin_user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_record_outside_a_transaction():
    region = Region.objects.create(code="14.72", name="Kota Dumai")

    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(actor=None, action=AuditEvent.Action.CREATE, instance=region)

    assert AuditEvent.objects.count() == 0


def test_it_records_no_actor_as_the_system(world):
    count = AuditEvent.objects.count()

    services.programme_update(actor=None, programme=world.programme, name="Oleh sistem")
    services.programme_update(actor=AnonymousUser(), programme=world.programme, name="Anonim")

    events = list(AuditEvent.objects.order_by("id")[count:])
    assert [e.actor_label for e in events] == ["sistem", "sistem"]
    assert [e.actor_id for e in events] == [None, None]


def test_it_stores_timestamps_in_utc(world):
    event = AuditEvent.objects.latest("id")

    assert event.occurred_at.tzinfo is not None
    assert event.occurred_at.utcoffset() == dt.timedelta(0)


def test_it_lists_the_history_of_one_object_newest_first(world, admin_user):
    programme = world.programme
    services.programme_update(actor=admin_user, programme=programme, name="Nama kedua")
    services.programme_update(actor=admin_user, programme=programme, name="Nama ketiga")

    history = list(history_for(programme))

    assert [e.action for e in history] == ["update", "update", "create"]
    assert history[0].after["name"] == "Nama ketiga"
    assert {e.object_id for e in history} == {str(programme.pk)}
    assert not any(e.content_type.model == "actionplan" for e in history)


def test_it_records_a_new_account_without_its_password(db):
    user = user_create(actor=None, username="siti", password="kata-sandi-rahasia-panjang")

    event = history_for(user).get()
    assert event.action == AuditEvent.Action.CREATE
    assert event.after["username"] == "siti"
    assert "password" not in event.after
    assert "kata-sandi-rahasia-panjang" not in str(event.after)


def test_it_refuses_a_password_shorter_than_twelve_characters(db):
    with pytest.raises(ValidationError) as excinfo:
        user_create(actor=None, username="siti", password="Dumai#2024")

    assert "12" in " ".join(excinfo.value.messages)
    assert not get_user_model().objects.filter(username="siti").exists()
    assert AuditEvent.objects.count() == 0
