"""The registry's write services: validation by DOMAIN.md §5–6, derived
fields, and an audit trail that never holds personal data in clear."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.core.audit import history_for
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.registry import services

pytestmark = pytest.mark.usefixtures("shared_world")

NIK = "1472014507900123"  # a woman born 05-07-1990 in Dumai Barat (day + 40)


def _data(**extra: object) -> dict[str, object]:
    return {
        "name": "Toko Berkah Jaya",
        "owner_name": "Siti Aminah",
        "owner_nik": NIK,
        "kelurahan_code": "14.72.01.1003",
        "phone": "0812-3456-7890",
        "address": "Jl. Sudirman No. 5",
        "kbli_code": "47111",
        "annual_sales": Decimal("2000000000"),
        "year_started": 2015,
        **extra,
    }


@pytest.fixture
def business(world, officer) -> Business:
    return services.business_create(actor=officer, region=world.region, data=_data())


def test_it_normalises_and_derives(business: Business) -> None:
    assert business.phone == "6281234567890"
    assert business.name_key == "BERKAH JAYA"
    assert business.kecamatan_code == "14.72.01"
    assert business.kbli_category == "G"
    # Exactly Rp2 miliar of yearly sales is still micro (PP 7/2021: "paling banyak").
    assert (business.size_class, business.size_basis) == ("mikro", "penjualan")
    assert business.ikm_class == ""  # trade, not industry


def test_a_manufacturer_gets_an_ikm_class(world, officer) -> None:
    b = services.business_create(
        actor=officer,
        region=world.region,
        data=_data(kbli_code="10710", workers=25, capital=Decimal("900000000"), nib=""),
    )
    assert b.kbli_category == "C"
    assert b.ikm_class == "industri_menengah"  # ≥ 20 workers and ≤ Rp15 miliar


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("owner_nik", "1472013213900001", "tanggal lahir"),
        ("owner_nik", "1472010101900000", "0000"),
        ("nib", "12345", "13 digit"),
        ("npwp", "012345678901234", "digit pemeriksa"),
        ("kbli_code", "04111", "tidak ada"),
        ("kelurahan_code", "14.71.01.1001", "bukan bagian"),
        ("phone", "12345", "telepon"),
    ],
)
def test_it_refuses_invalid_values_with_a_clerks_message(
    world, officer, field: str, value: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.business_create(actor=officer, region=world.region, data=_data(**{field: value}))
    assert fragment in " ".join(caught.value.message_dict[field])
    assert not Business.objects.exists()


def test_a_nib_belongs_to_one_business(world, officer) -> None:
    services.business_create(actor=officer, region=world.region, data=_data(nib="1234567890123"))
    with pytest.raises(ValidationError) as caught:
        services.business_create(
            actor=officer,
            region=world.region,
            data=_data(name="Lain", nib="1234567890123", owner_nik=""),
        )
    assert "NIB ini sudah terdaftar" in str(caught.value)


def test_the_audit_trail_masks_personal_data(business: Business, officer) -> None:
    services.business_update(
        actor=officer,
        business=business,
        data={"address": "Jl. Baru No. 9", "phone": "081299990000", "owner_nik": NIK},
    )
    events = list(history_for(business))
    assert len(events) == 2
    text = repr([(e.before, e.after) for e in events])
    for secret in (NIK, "Jl. Baru", "Sudirman", "6281299990000", "6281234567890", "Siti"):
        assert secret not in text
    update = events[0]
    assert update.after["owner_nik"] == "147201**********"
    changed = {name for name, _old, _new in update.changed_fields()}
    assert changed == {"address", "phone"}
    assert update.after["address"] == services.PERSONAL_CHANGED


def test_an_update_without_change_writes_nothing(business: Business, officer) -> None:
    _b, changed = services.business_update(
        actor=officer, business=business, data={"phone": "+62 812 3456 7890"}
    )
    assert changed is False
    assert history_for(business).count() == 1


def test_closing_records_when(business: Business, officer) -> None:
    services.business_set_status(actor=officer, business=business, status="closed")
    business.refresh_from_db()
    assert business.closed_at is not None
    services.business_set_status(actor=officer, business=business, status="active")
    business.refresh_from_db()
    assert business.closed_at is None


def _import_commits_nib_after_the_give_way(
    world, monkeypatch: pytest.MonkeyPatch, nib: str, *, times: int = 1
):  # type: ignore[no-untyped-def]
    """An import still writing commits a chunk holding ``nib`` right after
    the give-way read the staging rows (PostgreSQL: chunks commit meanwhile),
    at its first ``times`` calls."""
    from kotacerdas.umkm.imports.models import ImportJob
    from tests.permissions.rows_umkm_import import upload_job

    job = upload_job(world)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, staging=True)
    original = services._staged_nib_give_way
    calls: list[int] = []

    def racing(business: Business) -> None:
        original(business)
        calls.append(1)
        if len(calls) <= times:
            Business.all_rows.create(
                region=world.region, name=f"Toko Impor {len(calls)}", nib=nib, import_job=job
            )

    monkeypatch.setattr(services, "_staged_nib_give_way", racing)
    return job


def test_a_nib_an_import_commits_between_the_give_way_and_the_save_still_gives_way(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _import_commits_nib_after_the_give_way(world, monkeypatch, "9120000000077")

    business = services.business_create(
        actor=None,
        region=world.region,
        data={"name": "Toko Manual", "kelurahan_code": "14.72.01.1003", "nib": "9120000000077"},
    )

    job.refresh_from_db()
    assert business.pk is not None and job.displaced == 1
    assert list(Business.all_rows.filter(nib="9120000000077").values_list("name", flat=True)) == [
        "Toko Manual"
    ]


def test_an_edit_racing_an_import_twice_is_refused_with_the_nib_message(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = Business.objects.create(
        region=world.region, name="Toko Lama", kelurahan_code="14.72.01.1003"
    )
    _import_commits_nib_after_the_give_way(world, monkeypatch, "9120000000078", times=2)

    with pytest.raises(ValidationError, match="NIB ini sudah terdaftar"):
        services.business_update(actor=None, business=existing, data={"nib": "9120000000078"})

    assert Business.objects.get(pk=existing.pk).nib == ""
