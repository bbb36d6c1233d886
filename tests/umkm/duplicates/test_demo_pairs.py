"""The demo (``kotacerdas demo``) shows the planted twins in the duplicates
queue, and its registry list finds them by any word of the name (issue 21)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kotacerdas.umkm.models import DuplicateCandidate
from tests.logins import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(dumai) -> Client:  # type: ignore[no-untyped-def]
    # The registry officer signs in with a second factor (MFA for who may reveal NIKs).
    return login_verified(Client(), get_user_model().objects.get(username="umkm"))


def test_the_demo_queue_holds_the_twins_written_in_capitals(dumai, officer_client) -> None:
    pairs = DuplicateCandidate.objects.filter(region__code="14.72").select_related(
        "first", "second"
    )
    case_only = [p for p in pairs if p.first.name.upper() == p.second.name.upper()]
    assert case_only and all(p.first.kelurahan_code == p.second.kelurahan_code for p in case_only)
    page = officer_client.get(reverse("umkm:duplicate_list", args=["14.72"]))
    assert page.status_code == 200
    assert case_only[0].first.name in page.content.decode()


def test_the_demo_list_finds_a_business_by_a_word_inside_its_name(dumai, officer_client) -> None:
    body = officer_client.get(
        reverse("umkm:business_list", args=["14.72"]), {"q": "Melayu"}
    ).content.decode()
    assert "Batik Tabir Melayu 188" in body and "BATIK TABIR MELAYU 188" in body
