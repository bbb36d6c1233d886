"""The comparison and province pages, their exports and the public national
page: scope (a region's member sees only that region, a superuser all,
anonymous visitors go to sign in), sorting and filtering, real CSV and
XLSX files read back."""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.core.formatting import decimal_id, round_half_up
from kotacerdas.core.models import Membership, Role
from kotacerdas.national import selectors
from kotacerdas.regions.models import Region
from tests.factories import make_user
from tests.logins import login_verified
from tests.national.helpers import plan_ratio, region_with_plan

pytestmark = pytest.mark.django_db

DUMAI = [["berjalan", "belum_dimulai"], ["belum_dimulai"]]
PEKANBARU = [["selesai"]]
BANDUNG = [["selesai"], ["berjalan", "ditunda"]]


@pytest.fixture
def regions():
    return {
        "14.72": region_with_plan("14.72", "Kota Dumai", DUMAI),
        "14.71": region_with_plan("14.71", "Kota Pekanbaru", PEKANBARU),
        "32.73": region_with_plan("32.73", "Kota Bandung", BANDUNG),
    }


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    return login_verified(Client(), user)


@pytest.fixture
def boss(regions):
    return _client(make_user("menteri", is_superuser=True))


@pytest.fixture
def dumai_admin(regions):
    user = make_user("admin-dumai")
    Membership.objects.create(user=user, region=regions["14.72"], role=Role.ADMIN)
    return _client(user)


def _codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The regions of the table, in the order shown."""
    return re.findall(r'<tr data-code="([^"]+)"', response.content.decode())


def test_anonymous_visitors_are_sent_to_sign_in(regions):
    for url in (
        reverse("national:compare"),
        reverse("national:compare_export", args=["csv"]),
        reverse("national:province", args=["14"]),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_regions_member_sees_only_that_region(dumai_admin):
    response = dumai_admin.get(reverse("national:compare"))

    assert response.status_code == 200
    assert _codes(response) == ["14.72"]
    assert "Kota Pekanbaru" not in response.content.decode()
    assert "Kota Bandung" not in response.content.decode()


def test_a_superuser_sees_every_region_with_its_figures_explained(boss):
    response = boss.get(reverse("national:compare"))

    assert _codes(response) == ["14.71", "14.72", "32.73"]
    html = response.content.decode()
    for code in ("14.72", "14.71", "32.73"):
        assert reverse("portal:explain", args=[code, "action_plans", "overall"]) in html
        assert reverse("portal:home", args=[code]) in html
    assert reverse("national:province", args=["14"]) in html
    # The aggregates and their rules.
    assert 'data-testid="aggregates"' in html
    assert "Rata-rata wilayah" in html and "Gabungan" in html


def test_it_sorts_by_a_column_both_ways(boss, regions):
    def share(code: str, programmes) -> float:  # type: ignore[no-untyped-def]
        numerator, denominator = plan_ratio(programmes)
        return numerator / denominator

    expected = sorted(
        [
            ("14.72", share("14.72", DUMAI)),
            ("14.71", share("14.71", PEKANBARU)),
            ("32.73", share("32.73", BANDUNG)),
        ],
        key=lambda pair: pair[1],
    )
    url = reverse("national:compare")

    up = boss.get(url, {"urut": "rencana_aksi"})
    down = boss.get(url, {"urut": "rencana_aksi", "arah": "turun"})

    assert _codes(up) == [code for code, _share in expected]
    assert _codes(down) == [code for code, _share in reversed(expected)]


def test_it_filters_by_province_and_says_when_a_province_is_unknown(boss):
    url = reverse("national:compare")

    riau = boss.get(url, {"provinsi": "14"})
    unknown = boss.get(url, {"provinsi": "1472", "urut": "=cmd"})

    assert _codes(riau) == ["14.71", "14.72"]
    assert _codes(unknown) == ["14.71", "14.72", "32.73"]
    notices = unknown.context["choices"].notices
    assert len(notices) == 2
    assert "1472" in notices[0] and "Unknown province" in notices[0]


def test_the_csv_export_is_the_shown_rows_in_a_real_csv(boss):
    response = boss.get(
        reverse("national:compare_export", args=["csv"]), {"provinsi": "14", "urut": "nama"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == ["14.72", "14.71"]  # by name: Dumai, Pekanbaru
    dumai = dict(zip(header, body[0], strict=True))
    numerator, denominator = plan_ratio(DUMAI)
    assert dumai["rencana aksi terimplementasi"] == str(numerator)
    assert dumai["capaian rencana aksi (eksak)"] == f"{numerator}/{denominator}"
    row = selectors.comparison(regions=Region.objects.filter(code="14.72")).rows[0]
    assert row.action_plans is not None
    assert dumai["capaian rencana aksi (%)"] == str(row.action_plans.percent)


def test_the_xlsx_export_has_the_rows_and_the_aggregates_with_their_rules(boss):
    response = boss.get(reverse("national:compare_export", args=["xlsx"]))

    workbook = load_workbook(io.BytesIO(response.content))
    sheet, rules = workbook.worksheets
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["14.71", "14.72", "32.73"]
    found = selectors.comparison(regions=Region.objects.all())
    values = {(row[0], row[1]): row[3] for row in rules.iter_rows(min_row=2, values_only=True)}
    assert any("rata-rata" in rule for _name, rule in values)
    pooled = [
        v
        for (name, rule), v in values.items()
        if name == "Capaian rencana aksi" and "gabungan" in rule
    ]
    assert pooled == [str(found.action_plans.pooled_shown)]


def test_an_unknown_export_format_is_not_found(boss):
    assert boss.get(reverse("national:compare_export", args=["pdf"])).status_code == 404


def test_a_region_name_cannot_run_as_a_formula_in_the_export(boss, regions):
    Region.objects.filter(code="14.72").update(name="=HYPERLINK(1)")

    response = boss.get(reverse("national:compare_export", args=["csv"]))

    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_the_province_page_lists_its_kab_kota_and_the_enacted_share(boss, dumai_admin):
    response = boss.get(reverse("national:province", args=["14"]))

    assert response.status_code == 200
    assert _codes(response) == ["14.71", "14.72"]
    assert 'data-testid="enacted-share"' in response.content.decode()
    # A member of Dumai sees the province with Dumai only; an unknown or
    # foreign province is not found.
    assert _codes(dumai_admin.get(reverse("national:province", args=["14"]))) == ["14.72"]
    assert dumai_admin.get(reverse("national:province", args=["32"])).status_code == 404
    assert boss.get(reverse("national:province", args=["99"])).status_code == 404


def test_the_public_page_lists_regions_that_publish_and_links_their_portals(regions):
    region_with_plan("32.04", "Kabupaten Bandung", [["selesai"]], enacted=False)

    response = Client().get(reverse("national:public"))

    html = response.content.decode()
    assert response.status_code == 200
    for code in ("14.72", "14.71", "32.73"):
        assert reverse("portal:home", args=[code]) in html
    assert "Kabupaten Bandung" not in html  # no enacted masterplan: nothing public
    assert "Indeks" not in html


def test_the_navigation_offers_the_comparison_to_a_superuser_only(boss, dumai_admin):
    page = boss.get(reverse("masterplan:method")).content.decode()
    assert reverse("national:compare") in page
    page = dumai_admin.get(reverse("masterplan:method")).content.decode()
    assert reverse("national:compare") not in page


def test_the_page_speaks_english_when_asked(boss):
    boss.post(reverse("set_language"), {"language": "en", "next": "/"})

    html = boss.get(reverse("national:compare"), {"provinsi": "77x"}).content.decode()

    assert "Regions compared" in html and "Mean of regions" in html and "Pooled" in html
    assert "Unknown province 77x" in html


def test_the_region_picker_offers_the_comparison_to_a_superuser(boss, dumai_admin):
    picker = boss.get(reverse("home")).content.decode()

    assert 'data-testid="compare-link"' in picker
    # One region: the member goes straight to its dashboard, no picker.
    assert dumai_admin.get(reverse("home")).status_code == 302


def test_the_public_page_is_cached_until_a_region_publishes(regions, django_assert_num_queries):
    from kotacerdas.core.caching import bump

    url = reverse("national:public")
    Client().get(url)
    with django_assert_num_queries(0):
        cached = Client().get(url)
    assert "Kota Surabaya" not in cached.content.decode()

    region_with_plan("35.78", "Kota Surabaya", [["selesai"]])
    bump()  # what the close's commit does (core.caching)

    assert "Kota Surabaya" in Client().get(url).content.decode()


def test_the_table_is_cached_per_scope_and_moves_with_a_new_close_or_evaluation(
    boss, dumai_admin, regions, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from kotacerdas.core.caching import PUBLISHED, bump
    from tests.evaluation.assessment_factories import published_cycle

    url = reverse("national:compare")
    first = boss.get(url)
    # Built once: the second request reads the table from the cache (the
    # queries left are the session's, the user's and the roles').
    with django_assert_max_num_queries(4):
        again = boss.get(url)
    assert _codes(again) == _codes(first)
    # Another scope never shares the superuser's table.
    assert _codes(dumai_admin.get(url)) == ["14.72"]

    region_with_plan("35.78", "Kota Surabaya", [["selesai"]])
    assert "35.78" not in _codes(boss.get(url))
    bump(PUBLISHED)  # what the close's commit does
    assert "35.78" in _codes(boss.get(url))
    # Publishing an evaluation moves the table too (its commit bumps EVALUATED).
    with django_capture_on_commit_callbacks(execute=True):
        _cycle, revision = published_cycle(regions["14.72"], year=2025)
    shown = round_half_up(Fraction(revision.result["index"]["fraction"]))
    assert decimal_id(shown) in boss.get(url).content.decode()


def test_the_ministry_and_a_province_analyst_compare_their_scope_and_a_deployment_admin_none(
    regions,
):
    """core.access.regions_in_comparison_scope, through the page: the
    ministry's analyst every kab/kota, Riau's province analyst Riau's kab/kota
    (not Bandung, nor the province's own row), the deployment admin none."""
    from kotacerdas.core.models import DeploymentRole

    riau = Region.objects.create(code="14", name="Provinsi Riau")
    analyst = make_user("analis-riau")
    Membership.objects.create(user=analyst, region=riau, role=Role.PROVINCE_ANALYST)
    ministry = make_user("analis-kementerian")
    DeploymentRole.objects.create(user=ministry, role=DeploymentRole.Kind.MINISTRY_ANALYST)
    deployer = make_user("admin-deployment")
    DeploymentRole.objects.create(user=deployer, role=DeploymentRole.Kind.DEPLOYMENT_ADMIN)

    url = reverse("national:compare")
    assert _codes(_client(ministry).get(url)) == ["14.71", "14.72", "32.73"]
    assert _codes(_client(analyst).get(url)) == ["14.71", "14.72"]
    assert _codes(_client(deployer).get(url)) == []
    assert _client(deployer).get(reverse("national:province", args=["14"])).status_code == 404
    # The navigation offers it to the two analysts, not to the deployment admin.
    assert selectors.shows_comparison(ministry) and selectors.shows_comparison(analyst)
    assert not selectors.shows_comparison(deployer)
