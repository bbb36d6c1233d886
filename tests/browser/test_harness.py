"""The browser harness itself works: Chromium starts, reaches the live server,
sees the test database and can sign in. Uses Django's admin so that it does
not depend on KotaCerdas' own pages."""

from __future__ import annotations

import pytest
from django.urls import reverse


def test_chromium_loads_a_page_from_the_live_server(page, live_url):
    response = page.goto(live_url("admin:login"))

    assert response is not None and response.status == 200
    assert "Django" in page.title()
    assert page.locator("form input[name=username]").count() == 1
    assert page.evaluate("navigator.language") == "id-ID"


def test_login_helper_signs_in_through_a_form(page, live_server, login, django_user_model):
    django_user_model.objects.create_superuser("harness", "harness@example.org", "rahasia-uji-123")

    login(page, live_server, "harness", "rahasia-uji-123", login_path=reverse("admin:login"))

    assert page.url == live_server.url + reverse("admin:index")


def test_login_helper_reports_a_rejected_login(page, live_server, login):
    with pytest.raises(AssertionError, match="'nobody' failed"):
        login(page, live_server, "nobody", "salah", login_path=reverse("admin:login"))


def test_every_test_here_is_marked_browser(request):
    assert request.node.get_closest_marker("browser") is not None
