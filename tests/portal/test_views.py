from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from kotacerdas.masterplan.models import ActionPlan, Agency, Horizon
from kotacerdas.portal import caching
from kotacerdas.portal.views import CSRF_SLOT
from tests.factories import AgencyFactory, RegionFactory, make_masterplan, make_programme
from tests.monitoring_fixtures import period, report
from tests.portal.helpers import add_photo, close

pytestmark = pytest.mark.usefixtures("shared_world")


def _get(name: str, *args: object, client: Client | None = None, **extra: str):  # type: ignore[no-untyped-def]
    return (client or Client()).get(reverse(f"portal:{name}", args=args), **extra)


def test_it_says_plainly_when_nothing_is_published_yet(world):
    ActionPlan.objects.filter(pk=world.plan_a.pk).update(status="berjalan")
    response = _get("home", world.region.code)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Belum ada periode pelaporan yang ditutup" in text
    assert "kpi-action-plans" not in text


def test_it_shows_the_published_figures_with_period_and_date(published):
    response = _get("home", published.region.code)
    text = response.content.decode()
    assert "Triwulan III 2024" in text
    assert "50,00%" in text  # 1 of 2 action plans
    explain = reverse("portal:explain", args=[published.region.code, "action_plans", "overall"])
    assert f'href="{explain}"' in text
    assert reverse("portal:catalogue", args=[published.region.code]) in text
    assert reverse("umkm:public_statistics", args=[published.region.code]) in text
    assert "&lt;iframe" in text  # the embed snippet, escaped


def test_it_shows_no_personal_data(published):
    Agency.objects.filter(pk=published.agency_a.pk).update(head="Budi Santoso Kepala")
    caching.bump()
    programme = make_programme(
        published.masterplan,
        lead_agency=published.agency_a,
        horizon=Horizon.QUICK_WIN,
        quick_win_year=2024,
    )
    period(published, "closed", number=4)  # published with the next close
    pages = [
        _get("home", published.region.code),
        _get("pillar", published.region.code, "governance"),
        _get("programme", published.region.code, published.programme.pk),
        _get("programme", published.region.code, programme.pk),
        _get("search", published.region.code, data={"q": "uji"}),  # type: ignore[arg-type]
    ]
    for response in pages:
        text = response.content.decode()
        assert response.status_code == 200
        assert "Budi Santoso" not in text
        assert "Foto internal" not in text
        assert "physical_progress" not in text


def test_it_pages_pillars_programmes_and_explanations(published):
    code = published.region.code
    pillar = _get("pillar", code, "governance").content.decode()
    assert published.programme.name in pillar
    prog = _get("programme", code, published.programme.pk).content.decode()
    assert published.plan_a.code in prog and "Berjalan" in prog
    explained = _get("explain", code, "action_plans", "overall").content.decode()
    assert 'data-testid="numerator">1<' in explained
    assert 'data-testid="denominator">2<' in explained
    assert published.plan_a.code in explained
    assert "Triwulan III 2024" in explained
    assert _get("explain", code, "programmes", "pillar:governance").status_code == 200


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("home", ["99.99"]),
        ("pillar", ["{code}", "nonsense"]),
        ("explain", ["{code}", "action_plans", "agency:1"]),
        ("explain", ["{code}", "budget", "overall"]),
        ("catalogue", ["99.99"]),
        ("widget", ["99.99"]),
        ("download", ["{code}", "secrets", "csv"]),
        ("download", ["{code}", "program", "exe"]),
        ("dataset_metadata", ["{code}", "secrets"]),
        ("photo", ["{code}", 999]),
    ],
)
def test_it_answers_404_for_unknown_things(published, name, args):
    filled = [a.format(code=published.region.code) if isinstance(a, str) else a for a in args]
    assert _get(name, *filled).status_code == 404


def test_it_hides_programmes_of_another_region(published):
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    make_masterplan(other)
    assert _get("programme", other.code, published.programme.pk).status_code == 404


def test_it_greets_a_region_without_a_masterplan(db):
    region = RegionFactory(code="14.71", name="Kota Pekanbaru")
    response = _get("home", region.code)
    assert response.status_code == 200
    assert "belum memiliki masterplan" in response.content.decode()
    assert _get("pillar", region.code, "governance").status_code == 404
    assert _get("search", region.code).status_code == 200
    assert _get("catalogue", region.code).status_code == 200


def test_it_serves_public_photos_only(world):
    public = add_photo(world, public=True)
    private = add_photo(world, public=False)
    report(world, "verified")
    assert _get("photo", world.region.code, public.pk).status_code == 404  # not yet published
    close(world)
    assert _get("photo", world.region.code, public.pk).status_code == 200
    assert _get("photo", world.region.code, private.pk).status_code == 404
    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    assert _get("photo", other.code, public.pk).status_code == 404


def test_the_widget_may_be_framed_and_other_pages_may_not(published):
    widget = _get("widget", published.region.code)
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    assert "50,00%" in widget.content.decode()
    home = _get("home", published.region.code)
    assert home["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"]


def test_the_home_page_is_light(published):
    response = _get("home", published.region.code)
    css_path = finders.find("kotacerdas/portal.css")
    assert isinstance(css_path, str)
    with open(css_path, "rb") as css:
        css_size = len(css.read())
    assert len(response.content) + css_size < 60_000
    text = response.content.decode()
    assert "<script" not in text
    assert "app.css" not in text


def test_it_renders_both_languages(published):
    english = _get("home", published.region.code, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    indonesian = _get("home", published.region.code)
    assert '<html lang="id">' in indonesian.content.decode()


def test_it_builds_the_home_page_in_few_queries_and_serves_it_from_the_cache(
    published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert _get("home", published.region.code).status_code == 200
    with django_assert_max_num_queries(0):
        assert _get("home", published.region.code).status_code == 200


def test_it_refreshes_the_page_when_a_period_closes(world, django_capture_on_commit_callbacks):
    # The cache is bumped when the write commits; the test's transaction never
    # does, so its on-commit callbacks are run by hand.
    with django_capture_on_commit_callbacks(execute=True):
        report(world, "verified")
    before = _get("home", world.region.code).content.decode()
    assert "Belum ada periode pelaporan yang ditutup" in before
    with django_capture_on_commit_callbacks(execute=True):
        close(world)
    after = _get("home", world.region.code).content.decode()
    assert "Triwulan III 2024" in after and "50,00%" in after
    with django_capture_on_commit_callbacks(execute=True):
        period(world, "closed", number=4)
    assert "Triwulan IV 2024" in _get("home", world.region.code).content.decode()


def test_a_programme_added_after_the_close_appears_with_the_next_close(
    published, django_capture_on_commit_callbacks
):
    def shown() -> bool:
        page = _get("pillar", published.region.code, "governance").content.decode()
        return "Program baru yang dicari" in page

    assert not shown()
    with django_capture_on_commit_callbacks(execute=True):
        make_programme(
            published.masterplan, lead_agency=published.agency_a, name="Program baru yang dicari"
        )
    assert not shown()  # the page was rebuilt (the data version moved) from the snapshot
    with django_capture_on_commit_callbacks(execute=True):
        period(published, "closed", number=4)
    assert shown()


def test_an_action_plans_live_status_keeps_the_cached_pages(
    published, django_capture_on_commit_callbacks
):
    """The portal shows statuses as the snapshot froze them, so the agencies'
    status updates (the busiest write) do not invalidate it; other fields of
    the action plan do."""
    version = caching.data_version()
    plan = ActionPlan.objects.get(pk=published.plan_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        plan.status = "selesai"
        plan.save(update_fields=["status"])
    assert caching.data_version() == version
    with django_capture_on_commit_callbacks(execute=True):
        plan.activity = "Kegiatan yang diganti namanya"
        plan.save(update_fields=["activity"])
    assert caching.data_version() > version


def test_the_search_finds_programmes(published):
    response = _get("search", published.region.code, data={"q": published.programme.name})  # type: ignore[arg-type]
    assert published.programme.name in response.content.decode()
    short = _get("search", published.region.code, data={"q": "a"})  # type: ignore[arg-type]
    assert "Ketik minimal 2 huruf" in short.content.decode()


def test_the_catalogue_links_every_download(published):
    text = _get("catalogue", published.region.code).content.decode()
    for dataset in ("program", "rencana-aksi", "capaian-periode", "umkm-agregat"):
        for fmt in ("csv", "json", "xlsx"):
            assert reverse("portal:download", args=[published.region.code, dataset, fmt]) in text
        assert reverse("portal:dataset_metadata", args=[published.region.code, dataset]) in text
    assert "CC BY 4.0" in text


def test_the_metadata_sidecar_is_json(published):
    response = _get("dataset_metadata", published.region.code, "program")
    meta = json.loads(response.content)
    assert meta["licence"]["name"] == "CC BY 4.0"
    assert meta["reference_codes"]["region"] == published.region.code


def test_it_does_not_publish_a_draft_masterplan(db):
    region = RegionFactory(code="14.71", name="Kota Pekanbaru")
    draft = make_masterplan(region, status="draft", title="Rancangan rahasia")
    response = _get("home", region.code)
    assert response.status_code == 200
    assert "Rancangan rahasia" not in response.content.decode()
    assert "belum memiliki masterplan" in response.content.decode()
    agency = AgencyFactory(region=region, short_name="Diskominfo", name="Dinas Kominfo")
    programme = make_programme(draft, lead_agency=agency)
    assert _get("programme", region.code, programme.pk).status_code == 404
    assert _get("pillar", region.code, "governance").status_code == 404


def test_the_language_buttons_of_a_cached_page_carry_each_visitors_token(published):
    tokens = []
    for _visitor in range(2):
        client = Client(enforce_csrf_checks=True)
        page = _get("home", published.region.code, client=client).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None and token.group(1) != CSRF_SLOT
        tokens.append(token.group(1))
        switched = client.post(
            reverse("set_language"),
            {"language": "en", "next": "/", "csrfmiddlewaretoken": token.group(1)},
        )
        assert switched.status_code == 302
        assert client.cookies["django_language"].value == "en"
    assert tokens[0] != tokens[1]
