"""Loading the official KBLI list narrows the check from divisions to codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from kotacerdas.core.models import AuditEvent
from kotacerdas.umkm import identifiers, kbli
from kotacerdas.umkm.models import KbliCode
from kotacerdas.umkm.registry import services
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    KbliCode.objects.forget()
    yield
    KbliCode.objects.forget()


def _clean(code: str, version: str) -> tuple[str, str]:
    """A code checked as the registry checks it: by the version's official
    list when one is loaded."""
    return identifiers.clean_kbli(code, version, official=KbliCode.objects.official(version))


def _book(path, rows):  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_it_loads_the_codes_and_then_refuses_unknown_ones(db, tmp_path) -> None:
    path = tmp_path / "kbli2020.xlsx"
    _book(
        path,
        [
            ["Daftar KBLI 2020"],
            ["Kode", "Judul", "Uraian panjang"],
            ["G", "PERDAGANGAN BESAR DAN ECERAN", ""],
            ["47", "Perdagangan eceran", ""],
            ["47111", "Perdagangan Eceran Yang Utamanya Makanan", ""],
            [1110, "Pertanian Jagung", ""],  # a number cell that lost its leading zero
        ],
    )
    # Before loading: any code of a known division passes.
    assert _clean("47999", "2020") == ("47999", "G")
    call_command("umkm", "kbli-load", str(path), "--version", "2020")
    assert set(KbliCode.objects.values_list("code", flat=True)) == {"47111", "01110"}
    assert _clean("47111", "2020") == ("47111", "G")
    with pytest.raises(identifiers.Invalid):
        _clean("47999", "2020")
    # The other version is unaffected until its own list is loaded.
    assert _clean("47999", "2025") == ("47999", "G")


def test_a_file_without_header_is_refused_and_nothing_changes(db, tmp_path) -> None:
    KbliCode.objects.create(version="2020", code="47111", title="x", category="G")
    path = tmp_path / "bad.xlsx"
    _book(path, [["apa", "ini"], ["47111", "x"]])
    with pytest.raises(CommandError, match="kode"):
        call_command("umkm", "kbli-load", str(path), "--version", "2020")
    assert KbliCode.objects.count() == 1


def test_division_rules_differ_per_version(db) -> None:
    assert kbli.category_of("45101", "2020") == "G"
    assert kbli.category_of("45101", "2025") is None  # ISIC Rev. 5 has no division 45
    assert kbli.category_of("62011", "2020") == "J"
    assert kbli.category_of("62011", "2025") == "K"


def test_a_business_must_use_a_code_of_the_loaded_list(world, officer) -> None:
    KbliCode.objects.create(version="2020", code="47111", title="x", category="G")
    data = {"name": "Toko Berkah", "kelurahan_code": "14.72.01.1003", "kbli_code": "47999"}
    with pytest.raises(ValidationError) as caught:
        services.business_create(actor=officer, region=world.region, data=data)
    assert "tidak ada dalam KBLI" in " ".join(caught.value.message_dict["kbli_code"])
    business = services.business_create(
        actor=officer, region=world.region, data={**data, "kbli_code": "47111"}
    )
    assert business.kbli_category == "G"


def test_loading_a_list_is_audited_with_its_actor_and_counts(db, tmp_path) -> None:
    make_user("budi")
    KbliCode.objects.create(version="2020", code="47111", title="x", category="G")
    path = tmp_path / "kbli2020.xlsx"
    _book(path, [["Kode", "Judul"], ["47111", "Eceran makanan"], ["10710", "Roti"]])
    call_command("umkm", "kbli-load", str(path), "--version", "2020", "--actor", "budi")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOAD)
    assert (event.actor_label, event.object_id) == ("budi", "KBLI 2020")
    assert (event.before, event.after) == (
        {"version": "2020", "codes": 1},
        {"version": "2020", "codes": 2},
    )


def test_a_code_outside_the_versions_divisions_refuses_the_list(db, tmp_path) -> None:
    path = tmp_path / "kbli2025.xlsx"
    _book(path, [["Kode", "Judul"], ["47111", "Eceran"], ["45101", "Mobil"]])
    with pytest.raises(CommandError, match="45101"):
        call_command("umkm", "kbli-load", str(path), "--version", "2025")
    assert not KbliCode.objects.exists()


def test_a_list_loaded_by_another_process_counts_here_without_a_restart(db) -> None:
    from django.core.cache import cache

    from kotacerdas.umkm.registry.models import KBLI_LISTS_STAMP

    assert KbliCode.objects.official("2020") is None  # none loaded: read, remembered
    # Another process (another node) loads a list: its rows, and its stamp in
    # the shared cache; nothing of this process is told directly.
    KbliCode.objects.create(version="2020", code="47111", title="Toko", category="G")
    assert KbliCode.objects.official("2020") is None  # still what this process read
    cache.set(KBLI_LISTS_STAMP, "dimuat-di-node-lain", timeout=None)
    assert KbliCode.objects.official("2020") == frozenset({"47111"})
