"""Isolation beyond the matrix's route-by-route statuses: the second
region's admin and the world's admin each see their own region only; the
province analyst sees neither region's working pages nor the province's
own; none of the outsiders reads a figure of the world's region in a page
they reach (conftest.py ``outsiders_build``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kotacerdas.core.access import regions_in_comparison_scope
from kotacerdas.regions.models import Region


def _dashboard(code: str) -> str:
    return reverse("masterplan:dashboard", args=[code])


def test_each_regions_admin_sees_their_own_region_only(world, personas) -> None:
    assert personas["admin"].get(_dashboard("14.72")).status_code == 200
    assert personas["admin"].get(_dashboard("14.71")).status_code == 404
    assert personas["admin_2"].get(_dashboard("14.71")).status_code == 200
    assert personas["admin_2"].get(_dashboard("14.72")).status_code == 404


@pytest.mark.parametrize("persona", ["province", "deployment", "ministry"])
def test_cross_region_roles_open_no_regions_working_pages(world, personas, persona) -> None:
    for code in ("14", "14.71", "14.72"):
        assert personas[persona].get(_dashboard(code)).status_code == 404, code
        users = reverse("accounts:region_users", args=[code])
        assert personas[persona].get(users).status_code == 404, code


def test_the_region_picker_of_an_outsider_names_no_region(world, personas) -> None:
    for persona in ("province", "deployment", "ministry"):
        page = personas[persona].get(reverse("home")).content.decode()
        assert "Kota Dumai" not in page and "Kota Pekanbaru" not in page, persona


def test_the_province_analysts_comparison_scope_is_riau(world, personas) -> None:
    from django.contrib.auth import get_user_model

    analyst = get_user_model().objects.get(username="pras")
    codes = set(regions_in_comparison_scope(analyst).values_list("code", flat=True))

    assert codes == {"14", "14.71", "14.72"}
    assert codes == set(Region.objects.filter(code__startswith="14").values_list("code", flat=True))
