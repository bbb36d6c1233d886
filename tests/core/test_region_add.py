"""``kotacerdas region add CODE [--admin USERNAME]`` on a fresh install: a
kab/kota or a province of the bundled Kemendagri reference becomes a region,
with its kecamatan and kelurahan/desa from the reference; again changes
nothing but may appoint the admin; a code that is neither is refused with
what it is instead, as is an unknown user; the import and its page say how
to add a missing region."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kotacerdas.core.models import AuditEvent, Membership, Role
from kotacerdas.regions import reference
from kotacerdas.regions.models import Region
from tests.factories import make_user
from tests.logins import login_verified


def _add(*args: str) -> str:
    out = StringIO()
    call_command("region", "add", *args, stdout=out)
    return out.getvalue()


def get_root() -> Any:
    return make_user("root", is_superuser=True, is_staff=True)


def test_it_adds_a_kab_kota_with_its_reference_name_and_places(db) -> None:
    output = _add("14.01")

    region = Region.objects.get(code="14.01")
    assert region.name == reference.get_area("14.01").name
    kecamatan = len(reference.kecamatan_of("14.01"))
    kelurahan = len(reference.kelurahan_of("14.01"))
    assert kecamatan > 0 and kelurahan > kecamatan
    assert f"{kecamatan} kecamatan, {kelurahan} kelurahan/desa" in output
    assert [a.code for a in region.kecamatan()] == [a.code for a in reference.kecamatan_of("14.01")]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(region.pk))
    assert event.region_code == "14.01"
    assert event.after["name"] == region.name
    assert event.actor_label == "sistem"


def test_it_is_idempotent(db) -> None:
    _add("14.72")
    output = _add("14.72")

    assert Region.objects.filter(code="14.72").count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == 1
    assert "sudah ada" in output


def test_it_records_the_acting_user(db) -> None:
    make_user("deploy")
    _add("73.71", "--actor", "deploy")

    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert event.actor_label == "deploy"


@pytest.mark.parametrize(
    ("code", "expected", "english"),
    [
        ("99.99", "tidak ada dalam referensi", "is not in the Kemendagri region reference"),
        ("1472", "tidak ada dalam referensi", "is not in the Kemendagri region reference"),
        ("99", "tidak ada dalam referensi", "is not in the Kemendagri region reference"),
        ("14.7", "tidak ada dalam referensi", "is not in the Kemendagri region reference"),
        ("Dumai", "tidak ada dalam referensi", "is not in the Kemendagri region reference"),
        ("14.72.01", "kecamatan", "not a kab/kota"),
        ("14.72.01.1003", "14.72 Kota Dumai", "14.72 Kota Dumai"),
    ],
)
def test_it_refuses_a_code_that_is_not_a_kab_kota_or_province(
    db, code: str, expected: str, english: str
) -> None:
    with pytest.raises(CommandError) as caught:
        _add(code)

    indonesian, _slash, in_english = str(caught.value).partition(" / ")
    assert expected in indonesian
    assert english in in_english
    assert not Region.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_adds_a_province_named_as_a_province_with_its_clock(db) -> None:
    output = _add("14")

    riau = Region.objects.get(code="14")
    assert riau.name == "Provinsi Riau"
    assert riau.kind == Region.Kind.PROVINCE
    assert riau.zone_abbreviation == "WIB"
    assert f"{len(reference.children('14'))} kab/kota" in output
    assert "provinsi" in output
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(riau.pk))
    assert event.region_code == "14"


def test_it_adds_a_province_of_another_zone(db) -> None:
    _add("73")

    assert Region.objects.get(code="73").zone_abbreviation == "WITA"


def test_it_appoints_the_admin_it_is_given(db) -> None:
    alice = make_user("alice")

    output = _add("14.72", "--admin", "alice")

    region = Region.objects.get(code="14.72")
    assert Membership.objects.filter(user=alice, region=region, role=Role.ADMIN).exists()
    assert "alice diangkat sebagai admin Kota Dumai" in output
    membership = AuditEvent.objects.get(content_type__model="membership")
    assert membership.region_code == "14.72"
    assert membership.action == AuditEvent.Action.CREATE


def test_a_second_run_says_the_region_exists_and_appoints_the_admin(db) -> None:
    _add("14")
    budi = make_user("budi")

    output = _add("14", "--admin", "budi")
    again = _add("14", "--admin", "budi")

    assert "sudah ada" in output and "budi diangkat sebagai admin" in output
    assert "sudah ada" in again and "budi sudah admin" in again
    assert Region.objects.count() == 1
    assert Membership.objects.filter(user=budi, role=Role.ADMIN).count() == 1
    assert AuditEvent.objects.filter(content_type__model="region").count() == 1
    assert AuditEvent.objects.filter(content_type__model="membership").count() == 1


def test_it_refuses_an_unknown_admin_and_adds_nothing(db) -> None:
    with pytest.raises(CommandError) as caught:
        _add("14.72", "--admin", "nobody")

    indonesian, _slash, english = str(caught.value).partition(" / ")
    assert "Pengguna nobody (--admin) tidak ada" in indonesian
    assert "User nobody (--admin) does not exist" in english
    assert not Region.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_an_inactive_admin_and_adds_nothing(db) -> None:
    make_user("gone", is_active=False)

    with pytest.raises(CommandError) as caught:
        _add("14.72", "--admin", "gone")

    indonesian, _slash, english = str(caught.value).partition(" / ")
    assert "tidak aktif" in indonesian
    assert "not active" in english
    assert not Region.objects.exists()
    assert not Membership.objects.exists()


def test_it_refuses_an_unknown_actor_and_adds_nothing(db) -> None:
    with pytest.raises(CommandError, match=re.escape("Pengguna nobody (--actor) tidak ada")):
        _add("14.72", "--actor", "nobody")

    assert not Region.objects.exists()


def test_the_import_page_tells_the_deployment_admin_how_to_add_the_region(db, client) -> None:
    login_verified(client, get_root())

    response = client.get(reverse("umkm:import_upload", args=["14.01"]))

    assert response.status_code == 404
    text = response.content.decode()
    assert "kotacerdas region add 14.01" in text
    assert "Kabupaten Kampar" in text
    assert reverse("admin:regions_region_add") in text


def test_the_import_page_explains_a_code_that_cannot_be_added(db, client) -> None:
    login_verified(client, get_root())

    response = client.get(reverse("umkm:import_list", args=["99.99"]))

    assert response.status_code == 404
    assert "tidak ada dalam referensi" in response.content.decode()


def test_other_users_get_the_plain_not_found(db, client) -> None:
    client.force_login(make_user("rina"))

    response = client.get(reverse("umkm:import_upload", args=["14.01"]))

    assert response.status_code == 404
    assert "region add" not in response.content.decode()


def test_the_region_picker_of_a_fresh_install_says_how_to_add_a_region(db, client) -> None:
    login_verified(client, get_root())

    response = client.get(reverse("home"), follow=True)

    assert "kotacerdas region add" in response.content.decode()


def test_the_console_script_exits_non_zero_on_bad_input_and_zero_when_it_exists(
    db, capsys, monkeypatch
) -> None:
    """Through ``kotacerdas.cli.main``, the console script's own entry point:
    what a deployment script sees is the exit status and stderr."""
    from django.db import connections

    from kotacerdas.cli import main

    # run_from_argv closes every connection at its end, the test's own too.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as refused:
        main(["region", "add", "99.99"])
    err = capsys.readouterr().err
    main(["region", "add", "14"])
    main(["region", "add", "14"])  # again: says so, exits 0 (no SystemExit)
    out = capsys.readouterr().out

    assert refused.value.code == 1
    assert "tidak ada dalam referensi" in err and "is not in the Kemendagri" in err
    assert "Wilayah 14 Provinsi Riau (provinsi) ditambahkan" in out
    assert "Wilayah 14 Provinsi Riau sudah ada" in out
    assert Region.objects.filter(code="14").count() == 1
