"""No page leaks personal data (UU 27/2022; issue #4 "Done when").

A business with a known NIK, phone and address is registered, revealed,
edited and reported on; then every GET route of the whole project is
requested as every persona, and no response body may hold the full NIK,
phone or address. The arguments of each route come from the permission
matrix (tests/permissions/rows_*.py), which must cover every route anyway, so routes
other engineers add are scanned automatically; a route the matrix does not
know is filled from its parameter names (``code`` → the region, ``pk`` → the
business) or skipped with its name listed. Logs and the audit trail are
checked too.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm.models import Business, ExportJob
from kotacerdas.umkm.registry import services
from tests.conftest import World
from tests.permissions.matrix import PERSONAS
from tests.permissions.rows_umkm_registry import ADDRESS, NIK, make_business
from tests.permissions.test_permissions import MATRIX
from tests.umkm.pdp.exporting import export_download

PHONE_NATIONAL = "81234567891"  # inside 081234567891, 6281234567891 and +62 812…
SECRETS = (NIK, PHONE_NATIONAL, ADDRESS)
PURPOSE = "uji kebocoran data pribadi"


def _patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # staff only; test_permissions checks it sends everyone to its login
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found.extend(_patterns(pattern, ns))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((prefix + pattern.name, pattern))
    return found


def _guess_args(pattern: URLPattern, world: World, business: Business) -> list[Any] | None:
    args: list[Any] = []
    for name in pattern.pattern.converters:
        if name == "code":
            args.append(world.region.code)
        elif name in ("pk", "business_id", "business"):
            args.append(business.pk)
        else:
            return None
    return args


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _seed(world: World, officer: Any, personas: dict[str, Any]) -> Business:
    """The business and everything that might echo its data: a reveal, an
    edit, a personal export, a subject report and a public registration."""
    business = make_business(world)
    services.business_update(
        actor=officer, business=business, data={"phone": "0812 3456 7891", "workers": 4}
    )
    client = personas["officer"]
    client.post(reverse("umkm:business_reveal", args=[business.pk]), {"purpose": PURPOSE})
    export_download(client, world, {"fmt": "csv", "personal": "on", "purpose": PURPOSE})
    client.post(
        reverse("umkm:subject_report", args=[world.region.code]),
        {"nik": NIK, "purpose": PURPOSE, "fmt": "html"},
    )
    personas["anonymous"].post(
        reverse("umkm:register", args=[world.region.code]),
        {
            "name": "Kue Siti",
            "owner_name": "Siti Aminah",
            "owner_nik": NIK,
            "phone": "+62 812-3456-7891",
            "address": ADDRESS,
            "kelurahan_code": "14.72.01.1003",
            "consent": "on",
        },
    )
    assert Business.objects.filter(owner_nik=NIK).count() == 2
    return business


ROUTES = dict(_patterns())


class _Skip(Exception):
    pass


def _args_for(name: str, world: World, business: Business) -> list[Any]:
    """The route's arguments from the permission matrix, else guessed from its
    parameter names; raises _Skip (with the reason) when neither works."""
    if name in MATRIX:
        try:
            return MATRIX[name][0](world)
        except Exception as error:  # a builder needing state this test lacks
            raise _Skip(f"{name}: arguments cannot be built ({type(error).__name__})") from None
    guessed = _guess_args(ROUTES[name], world, business)
    if guessed is None:
        raise _Skip(f"{name}: unknown parameters {sorted(ROUTES[name].pattern.converters)}")
    return guessed


def test_no_get_route_shows_the_full_nik_phone_or_address(world, officer, personas, caplog) -> None:
    """One seeding, then every route in its own rolled-back transaction (the
    matrix's argument builders create periods, reports...; each route sees
    only its own)."""
    caplog.set_level(logging.DEBUG)
    business = _seed(world, officer, personas)
    leaks: list[str] = []
    skipped: list[str] = []
    for name in sorted(ROUTES):
        with transaction.atomic():
            try:
                url = reverse(name, args=_args_for(name, world, business))
            except (_Skip, NoReverseMatch) as reason:
                skipped.append(str(reason))
                transaction.set_rollback(True)
                continue
            for persona in PERSONAS:
                body = _body(personas[persona].get(url))
                leaks += [
                    f"GET {url} as {persona} shows {secret!r}"
                    for secret in SECRETS
                    if secret in body
                ]
            transaction.set_rollback(True)
    assert not leaks, "\n".join(leaks)
    assert not skipped, "routes not scanned:\n" + "\n".join(skipped)
    for secret in SECRETS:
        assert secret not in caplog.text, f"a log line holds {secret!r}"


def test_the_scan_covers_the_registry_pages() -> None:
    for name in ("umkm:business_list", "umkm:business_detail", "umkm:business_edit"):
        assert name in ROUTES and name in MATRIX


@pytest.mark.django_db
def test_the_audit_trail_never_holds_personal_data(world, officer, personas) -> None:
    _seed(world, officer, personas)
    events = list(AuditEvent.objects.all())
    assert len(events) >= 3
    for event in events:
        text = f"{event.before} {event.after} {event.object_repr}"
        for secret in SECRETS:
            assert secret not in text, f"audit event {event.pk} holds {secret!r}"


@pytest.mark.django_db
def test_only_the_officers_disclosure_pages_show_the_nik(world, officer, personas) -> None:
    business = make_business(world)
    posts = [
        (reverse("umkm:business_reveal", args=[business.pk]), {"purpose": PURPOSE}),
        (
            reverse("umkm:subject_report", args=[world.region.code]),
            {"nik": NIK, "purpose": PURPOSE, "fmt": "html"},
        ),
    ]
    for url, data in posts:
        for persona in PERSONAS:
            body = _body(personas[persona].post(url, data))
            if persona == "officer":
                assert NIK in body, f"POST {url}: the officer should see the NIK"
            else:
                assert NIK not in body, f"POST {url} as {persona} shows the NIK"
    # The export: its page shows no NIK to anyone; its file, to its requester only.
    data = {"fmt": "csv", "personal": "on", "purpose": PURPOSE}
    export_download(personas["officer"], world, data)
    job = ExportJob.objects.get()
    for name in ("umkm:export_detail", "umkm:export_download"):
        url = reverse(name, args=[job.pk])
        for persona in PERSONAS:
            text = _body(personas[persona].get(url))
            if persona == "officer" and name == "umkm:export_download":
                assert NIK in text, "the officer should get the NIK in the file"
            else:
                assert NIK not in text, f"GET {url} as {persona} shows the NIK"
    for persona in PERSONAS:
        if persona != "officer":
            _body(export_download(personas[persona], world, data))
    assert ExportJob.objects.count() == 1, "only the officer may ask for personal data"
