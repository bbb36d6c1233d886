"""Filter forms of list pages (htmx): the request goes to the page's own path
and the pushed URL holds each parameter once, however often a filter changes
(issue 21, point 10). ``hx-get=""`` reused the current URL, query included,
and htmx appended the form's query again on every change."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.urls import reverse

FORM = re.compile(r'<form class="filters"[^>]*>')


def _attr(tag: str, name: str) -> str:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    assert found, f"{name} missing in {tag}"
    return found.group(1)


def _htmx_get(current: str, html: str, params: dict[str, str]) -> str:
    """The URL htmx requests (and pushes) for a GET form: its hx-get, the
    current URL when empty, with the form's values appended."""
    tag = FORM.search(html)
    assert tag, "no filter form on the page"
    target = _attr(tag.group(0), "hx-get") or current
    return target + ("&" if "?" in target else "?") + urlencode(params)


def _pages(world):
    return [
        ("admin", reverse("masterplan:action_plan_list", args=[world.region.code])),
        ("admin", reverse("masterplan:programme_list", args=[world.region.code])),
        ("officer", reverse("umkm:business_list", args=[world.region.code])),
        ("officer", reverse("umkm:duplicate_list", args=[world.region.code])),
    ]


@pytest.mark.parametrize("index", range(4))
def test_changing_a_filter_twice_keeps_each_parameter_once(world, personas, index):
    who, path = _pages(world)[index]
    client = personas[who]
    current = path
    for value in ("satu", "dua"):
        response = client.get(current)
        assert response.status_code == 200
        html = response.content.decode()
        tag = FORM.search(html).group(0)
        assert _attr(tag, "hx-get") == path and _attr(tag, "action") == path
        current = _htmx_get(current, html, {"q": value, "status": ""})
    url = urlsplit(current)
    assert url.path == path
    keys = [k for k, _v in parse_qsl(url.query, keep_blank_values=True)]
    assert sorted(keys) == ["q", "status"]
    assert dict(parse_qsl(url.query))["q"] == "dua"
    assert client.get(current).status_code == 200
