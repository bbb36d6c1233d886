"""The region's application inventory: kept across cycles, the smart city
team's to keep, every change audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.evaluation.models import Application
from kotacerdas.evaluation.self_assessment import services as sa
from tests.evaluation.factories import make_cycle
from tests.factories import AgencyFactory, RegionFactory

pytestmark = pytest.mark.usefixtures("shared_world")


def _app(world, admin_user, **data):
    return sa.application_create(
        actor=admin_user,
        region=world.region,
        **{"name": "Dumai Smart Service", "agency": world.agency_a, "pillar": "governance", **data},
    )


def test_it_creates_updates_and_deletes_with_audit(world, admin_user):
    application = _app(world, admin_user, url="https://layanan.dumaikota.go.id")
    sa.application_update(actor=admin_user, application=application, status="retired")
    application.refresh_from_db()
    assert application.status == "retired"
    sa.application_delete(actor=admin_user, application=application)
    assert not Application.objects.exists()
    actions = list(
        AuditEvent.objects.filter(content_type__model="application")
        .order_by("id")
        .values_list("action", "region_code")
    )
    assert actions == [("create", "14.72"), ("update", "14.72"), ("delete", "14.72")]


def test_it_refuses_a_duplicate_name_and_a_foreign_agency(world, admin_user):
    _app(world, admin_user)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        _app(world, admin_user)
    foreign = AgencyFactory(region=RegionFactory(code="14.71"), short_name="X")
    with pytest.raises(ValidationError, match="bukan dari wilayah ini"):
        _app(world, admin_user, name="Lain", agency=foreign)


def test_the_team_manages_the_inventory_in_the_browser(world, personas):
    admin = personas["admin"]
    response = admin.post(
        reverse("evaluation:application_create", args=[world.region.code]),
        {
            "name": "SIPADU",
            "agency": world.agency_b.pk,
            "pillar": "economy",
            "status": "live",
            "url": "sipadu.dumaikota.go.id",
            "description": "Perizinan daring.",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(name="SIPADU")
    assert application.url == "https://sipadu.dumaikota.go.id"
    listing = admin.get(reverse("evaluation:application_list", args=[world.region.code]))
    assert "SIPADU" in listing.content.decode()
    response = admin.post(
        reverse("evaluation:application_edit", args=[application.pk]),
        {"name": "SIPADU 2", "status": "development", "pillar": "", "agency": "", "url": ""},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.name, application.status, application.agency) == (
        "SIPADU 2",
        "development",
        None,
    )


def test_a_blank_name_is_explained(world, personas):
    response = personas["admin"].post(
        reverse("evaluation:application_create", args=[world.region.code]),
        {"name": "", "status": "live"},
    )
    assert response.status_code == 422
    assert "Data belum disimpan" in response.content.decode()
    assert not Application.objects.exists()


def test_it_shows_the_inventory_on_the_cycle_page(world, personas, admin_user):
    _app(world, admin_user)
    cycle = make_cycle(world.region)
    page = personas["admin"].get(reverse("evaluation:cycle_detail", args=[cycle.pk]))
    content = page.content.decode()
    assert "Dumai Smart Service" in content
    assert reverse("evaluation:answer_list", args=[cycle.pk]) in content


def test_other_regions_applications_are_404(world, personas):
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    application = Application.objects.create(region=other, name="Lain")
    for persona in ("admin", "editor_a", "assessor"):
        client = personas[persona]
        assert (
            client.get(reverse("evaluation:application_edit", args=[application.pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("evaluation:application_list", args=[other.code])).status_code == 404
        )
        assert (
            client.post(reverse("evaluation:application_delete", args=[application.pk])).status_code
            == 404
        )
    assert Application.objects.filter(pk=application.pk).exists()
