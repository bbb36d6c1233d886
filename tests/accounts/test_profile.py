"""An account's institution (shown by the assessor picker): set through an
audited service, from the Django admin's user page as from code."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kotacerdas.accounts.models import Profile
from kotacerdas.accounts.services import profile_update
from kotacerdas.core.models import AuditEvent
from tests.factories import make_user
from tests.logins import login_verified


def test_it_creates_then_changes_the_institution_with_an_audit_event_each_time(db) -> None:
    user = make_user("zainal")

    profile_update(actor=None, user=user, institution="  Universitas Riau ")
    profile_update(actor=None, user=user, institution="Universitas Riau")
    profile_update(actor=None, user=user, institution="Kementerian Komunikasi dan Digital")

    assert Profile.objects.get(user=user).institution == "Kementerian Komunikasi dan Digital"
    events = AuditEvent.objects.filter(object_repr__startswith=f"{user.pk}:").order_by("pk")
    assert list(events.values_list("action", flat=True)) == ["create", "update"]


def test_the_admin_user_page_edits_the_institution_through_the_service(db) -> None:
    operator = make_user("root", is_superuser=True, is_staff=True)
    user = make_user("zainal", first_name="Zainal", last_name="Abidin")
    client = login_verified(Client(), operator)
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = client.get(url)
    assert "Institusi" in page.content.decode()
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-institution": "Universitas Riau",
            "profile-0-user": str(user.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Profile.objects.get(user=user).institution == "Universitas Riau"
    assert AuditEvent.objects.filter(actor=operator, object_repr=f"{user.pk}: Universitas Riau")
