"""A form with several errors lists every one of them in the summary at the
top, each with its field's label and a link to it (issue 21, point 10)."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse
from django.utils.html import strip_tags

from tests.monitoring_fixtures import period


def test_every_error_is_listed_at_the_top(world, personas):
    p = period(world)
    url = reverse("monitoring:report_edit", args=[p.pk, world.plan_a.pk])
    response = personas["editor_a"].post(
        url,
        {
            "status": "",
            "physical_progress": "250",
            "budget_ceiling": "seratus",
            "budget_realisation": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert len(form.errors) >= 3
    html = response.content.decode()
    summary = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    assert summary
    items = re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)
    listed = " ".join(strip_tags(i) for i in items)
    for name, errors in form.errors.items():
        field = form[name]
        assert f'href="#{field.id_for_label}"' in summary.group(1)
        assert str(field.label) in listed
        for error in errors:
            assert unescape(strip_tags(error)) in unescape(strip_tags(summary.group(1)))
