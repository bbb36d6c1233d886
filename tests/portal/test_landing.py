"""``/``: the public landing page (issue 21's contract): a visitor meets the
regions' portals and a way to sign in, not the sign-in page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kotacerdas.masterplan.models import Masterplan
from tests.factories import RegionFactory, make_masterplan
from tests.logins import login_verified


def test_a_visitor_gets_the_landing_page_with_each_published_region(db):
    make_masterplan(RegionFactory(code="14.72", name="Kota Dumai"))
    make_masterplan(RegionFactory(code="51.71", name="Kota Denpasar"))
    make_masterplan(
        RegionFactory(code="73.71", name="Kota Makassar"), status=Masterplan.Status.DRAFT
    )
    response = Client().get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="{reverse("portal:home", args=["14.72"])}"' in text
    assert f'href="{reverse("portal:home", args=["51.71"])}"' in text
    # A draft masterplan is not public.
    assert reverse("portal:home", args=["73.71"]) not in text
    # Grouped by province, in Kemendagri code order (Riau 14 before Bali 51).
    assert text.index(">Riau<") < text.index(">Bali<")
    assert f'href="{reverse("login")}"' in text
    assert "csrfmiddlewaretoken" in text and "__portal_csrf_token__" not in text


def test_the_landing_page_says_so_when_no_region_publishes(db):
    response = Client().get("/")
    assert response.status_code == 200
    assert "Belum ada daerah yang menerbitkan masterplan" in response.content.decode()


def test_a_signed_in_person_goes_on_to_the_workspace(world, admin_user):
    client = login_verified(Client(), admin_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("masterplan:dashboard", args=[world.region.code])
