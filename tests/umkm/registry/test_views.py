"""The registry pages: list, business, register/edit, verification, and the
public self-registration form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kotacerdas.regions.reference import kelurahan_of
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.registry import services
from tests.permissions.rows_umkm_registry import ADDRESS, NIK, PHONE_STORED, make_business

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

MASKED = NIK[:6] + "*" * 10


@pytest.fixture
def business(world) -> Business:
    return make_business(world)


def _list(client, world, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("umkm:business_list", args=[world.region.code]), params)


# --- List ---------------------------------------------------------------------------------


def test_it_lists_businesses_with_personal_data_masked(personas, world, business) -> None:
    response = _list(personas["officer"], world)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Toko Berkah Jaya" in body
    assert MASKED in body
    assert NIK not in body
    assert PHONE_STORED not in body
    assert ADDRESS not in body


def test_it_searches_by_name_prefix_ignoring_shop_words(personas, world, business) -> None:
    make_business(world, name="Warung Sate Pak Joko", owner_nik="", phone="")
    body = _list(personas["admin"], world, q="berkah").content.decode()
    assert "Toko Berkah Jaya" in body and "Sate Pak Joko" not in body
    body = _list(personas["admin"], world, q="Toko Sate").content.decode()
    assert "Sate Pak Joko" in body and "Berkah" not in body


def test_it_searches_by_nib(personas, world, business) -> None:
    other = make_business(world, name="Kedai Kopi", owner_nik="", phone="", nib="9120001234567")
    body = _list(personas["officer"], world, q="9120 0012 3456 7").content.decode()
    assert other.name in body and "Berkah" not in body


def test_it_filters_by_kecamatan_kelurahan_and_status(personas, world, business) -> None:
    far = make_business(
        world, name="Bengkel Laut", owner_nik="", phone="", kelurahan_code="14.72.05.1002"
    )
    services.business_set_status(actor=None, business=far, status="closed")
    client = personas["officer"]
    assert "Bengkel Laut" not in _list(client, world, kecamatan="14.72.01").content.decode()
    assert "Bengkel Laut" in _list(client, world, kecamatan="14.72.05").content.decode()
    assert "Berkah" not in _list(client, world, kelurahan="14.72.05.1002").content.decode()
    body = _list(client, world, status="closed").content.decode()
    assert "Bengkel Laut" in body and "Berkah" not in body
    body = _list(client, world, category="C", size="mikro").content.decode()
    assert "Berkah" in body


def test_it_leaves_merged_away_businesses_out(personas, world, business) -> None:
    survivor = make_business(world, name="Berkah Jaya Baru", owner_nik="", phone="")
    Business.objects.filter(pk=business.pk).update(merged_into=survivor)
    body = _list(personas["officer"], world).content.decode()
    assert "Berkah Jaya Baru" in body
    assert reverse("umkm:business_detail", args=[business.pk]) not in body


def test_it_pages_without_counting_the_table(personas, world, django_assert_num_queries) -> None:
    for i in range(55):
        make_business(world, name=f"Batik {i:03d}", owner_nik="", phone="")
    client = personas["officer"]
    first = _list(client, world, q="batik").content.decode()
    assert "Batik 049" in first and "Batik 050" not in first
    assert "page=2" in first
    second = _list(client, world, q="batik", page=2).content.decode()
    assert "Batik 054" in second and "Batik 049" not in second
    assert "page=3" not in second
    # 5: the user, the second-factor device (django-otp reads it on every
    # request, as for every MFA role, issue 14), the roles, the region and the
    # page's rows; the session comes from the cache (cached_db, issue 15).
    with django_assert_num_queries(5) as captured:
        _list(client, world, q="batik")
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_it_returns_only_the_results_to_htmx(personas, world, business) -> None:
    response = personas["officer"].get(
        reverse("umkm:business_list", args=[world.region.code]), HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in response.content
    assert b"Toko Berkah Jaya" in response.content


# --- Detail --------------------------------------------------------------------------------


def test_it_shows_a_business_with_its_size_basis_and_names(personas, business) -> None:
    body = personas["admin"].get(reverse("umkm:business_detail", args=[business.pk])).content
    text = body.decode()
    assert "Mikro (dasar: hasil penjualan tahunan)" in text
    assert "Industri kecil" in text  # KBLI 10792 is manufacturing (C)
    assert "10792 (KBLI 2020) · C Industri Pengolahan" in text
    assert "Pangkalan Sesai" in text and "Dumai Barat" in text
    assert MASKED in text and NIK not in text and ADDRESS not in text
    assert "dibuat" in text  # the history


def test_it_offers_reveal_only_to_officers(personas, business) -> None:
    url = reverse("umkm:business_detail", args=[business.pk])
    reveal = reverse("umkm:business_reveal", args=[business.pk])
    assert reveal in personas["officer"].get(url).content.decode()
    assert reveal not in personas["admin"].get(url).content.decode()


# --- Create and edit -------------------------------------------------------------------------


FORM = {
    "name": "UD Sumber Rezeki",
    "owner_name": "Budi Santoso",
    "owner_nik": "1472010507900123",
    "kelurahan_code": "14.72.02.1003",
    "kbli_code": "47111",
    "kbli_version": "2020",
    "phone": "+62 812-3456-7000",
    "capital": "Rp 1.500.000",
    "annual_sales": "1,5 juta",
    "workers": "2",
    "year_started": "2018",
    "sells_online": "true",
    "uses_qris": "unknown",
}


def test_it_registers_a_business_from_the_form(personas, world) -> None:
    response = personas["officer"].post(
        reverse("umkm:business_create", args=[world.region.code]), FORM
    )
    business = Business.objects.get(name="UD Sumber Rezeki")
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:business_detail", args=[business.pk])
    assert business.capital == Decimal(1_500_000)
    assert business.annual_sales == Decimal(1_500_000)
    assert business.phone == "6281234567000"
    assert business.sells_online is True and business.uses_qris is None
    assert business.source == Business.Source.OFFICER
    assert business.kecamatan_code == "14.72.02"


def test_it_groups_the_kelurahan_by_kecamatan(personas, world) -> None:
    body = (
        personas["officer"]
        .get(reverse("umkm:business_create", args=[world.region.code]))
        .content.decode()
    )
    assert '<optgroup label="Dumai Barat">' in body
    assert "14.72.01.1003" in body and "14.71." not in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("owner_nik", "1472010507900000", "tidak boleh 0000"),
        ("owner_nik", "1472013207900123", "bukan tanggal lahir"),
        ("phone", "12345", "Nomor telepon tidak dikenali"),
        ("capital", "sejuta", "Nilai Rupiah tidak dapat dibaca"),
        ("kbli_code", "04111", "tidak ada dalam KBLI"),
        ("nib", "123", "NIB harus 13 digit"),
    ],
)
def test_it_explains_each_invalid_field_in_indonesian(
    personas, world, field: str, value: str, message: str
) -> None:
    response = personas["officer"].post(
        reverse("umkm:business_create", args=[world.region.code]), {**FORM, field: value}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Business.objects.exists()


def test_the_edit_form_never_shows_stored_personal_data(personas, business) -> None:
    body = personas["officer"].get(reverse("umkm:business_edit", args=[business.pk])).content
    text = body.decode()
    assert NIK not in text and ADDRESS not in text and "Siti Aminah" not in text
    assert MASKED in text  # as the placeholder
    assert "Toko Berkah Jaya" in text


def test_empty_personal_fields_keep_the_stored_values(personas, business) -> None:
    data = {**FORM, "name": "Toko Berkah Jaya Abadi", "kelurahan_code": business.kelurahan_code}
    for name in ("owner_name", "owner_nik", "phone", "capital", "annual_sales"):
        data[name] = ""
    response = personas["admin"].post(reverse("umkm:business_edit", args=[business.pk]), data)
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name == "Toko Berkah Jaya Abadi"
    assert business.owner_nik == NIK and business.owner_name == "Siti Aminah"
    assert business.address == ADDRESS and business.capital == Decimal(50_000_000)


def test_editing_keeps_the_yes_no_answers(personas, business) -> None:
    services.business_update(actor=None, business=business, data={"sells_online": True})
    form = (
        personas["officer"].get(reverse("umkm:business_edit", args=[business.pk])).context["form"]
    )
    assert '<option value="true" selected>' in str(form["sells_online"])
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(sells_online="true", uses_qris="unknown")
    response = personas["officer"].post(reverse("umkm:business_edit", args=[business.pk]), data)
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.sells_online is True and business.uses_qris is None


def test_a_typed_personal_value_replaces_the_stored_one(personas, business) -> None:
    data = {**FORM, "name": business.name, "kelurahan_code": business.kelurahan_code}
    data.update(owner_nik="", owner_name="", capital="", annual_sales="", phone="0813 1111 2222")
    personas["admin"].post(reverse("umkm:business_edit", args=[business.pk]), data)
    business.refresh_from_db()
    assert business.phone == "6281311112222"
    assert business.owner_nik == NIK


# --- Verification and status ----------------------------------------------------------------


def test_the_queue_lists_pending_registrations_and_verifies_them(personas, world) -> None:
    pending = services.business_create(
        actor=None,
        region=world.region,
        data={"name": "Kue Bu Ani", "kelurahan_code": "14.72.06.1001"},
        source=Business.Source.FORM,
        verification=Business.Verification.PENDING,
    )
    client = personas["officer"]
    queue = client.get(reverse("umkm:verification_queue", args=[world.region.code]))
    assert "Kue Bu Ani" in queue.content.decode()
    response = client.post(
        reverse("umkm:business_verify", args=[pending.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification == Business.Verification.VERIFIED
    queue = client.get(reverse("umkm:verification_queue", args=[world.region.code]))
    assert reverse("umkm:business_detail", args=[pending.pk]) not in queue.content.decode()


def test_an_officer_may_reject_a_registration(personas, world) -> None:
    pending = services.business_create(
        actor=None,
        region=world.region,
        data={"name": "Iseng", "kelurahan_code": "14.72.06.1001"},
        source=Business.Source.FORM,
        verification=Business.Verification.PENDING,
    )
    personas["admin"].post(
        reverse("umkm:business_verify", args=[pending.pk]), {"decision": "reject"}
    )
    pending.refresh_from_db()
    assert pending.verification == Business.Verification.REJECTED


def test_closing_a_business_records_when(personas, business) -> None:
    personas["officer"].post(
        reverse("umkm:business_status", args=[business.pk]), {"status": "closed"}
    )
    business.refresh_from_db()
    assert business.status == "closed" and business.closed_at is not None
    personas["officer"].post(
        reverse("umkm:business_status", args=[business.pk]), {"status": "active"}
    )
    business.refresh_from_db()
    assert business.status == "active" and business.closed_at is None


def test_it_hides_other_regions_registries(personas, world, business) -> None:
    from tests.factories import RegionFactory

    other = RegionFactory(code="14.71", name="Kota Pekanbaru")
    kelurahan = kelurahan_of("14.71")[0].code
    foreign = make_business(
        other, name="Toko Pekanbaru", owner_nik="", phone="", kelurahan_code=kelurahan
    )
    client = personas["officer"]
    assert client.get(reverse("umkm:business_list", args=[other.code])).status_code == 404
    assert client.get(reverse("umkm:business_detail", args=[foreign.pk])).status_code == 404


# --- Public self-registration ------------------------------------------------------------------


REGISTRATION = {
    "name": "Keripik Nenas Mak Ijah",
    "owner_name": "Ijah Rahmawati",
    "owner_nik": "1472034101850007",
    "phone": "0852 7777 1234",
    "address": "Jl. Nenas 3",
    "kelurahan_code": "14.72.03.1001",
    "kbli_code": "",
    "workers": "4",
    "year_started": "2020",
    "capital": "",
    "annual_sales": "120 juta",
    "sells_online": "on",
    "consent": "on",
    "website": "",
}


def test_the_public_registers_a_business_with_consent(client, world) -> None:
    response = client.post(reverse("umkm:register", args=[world.region.code]), REGISTRATION)
    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:register_done", args=[world.region.code])
    business = Business.objects.get()
    assert business.source == Business.Source.FORM
    assert business.verification == Business.Verification.PENDING
    assert business.legal_basis == Business.LegalBasis.CONSENT
    assert business.consent_at is not None
    assert business.annual_sales == Decimal(120_000_000)
    assert business.sells_online is True and business.uses_qris is False
    done = client.get(response["Location"]).content.decode()
    assert "1472034101850007" not in done and "Ijah" not in done


def test_the_registration_page_explains_the_processing(client, world) -> None:
    body = client.get(reverse("umkm:register", args=[world.region.code])).content.decode()
    for words in ("Nomor 27 Tahun 2022", "Masa simpan", "Hak Anda", "Kontak"):
        assert words in body


def test_registration_needs_consent(client, world) -> None:
    data = {**REGISTRATION, "consent": ""}
    response = client.post(reverse("umkm:register", args=[world.region.code]), data)
    assert response.status_code == 400
    assert "persetujuan Anda" in response.content.decode()
    assert not Business.objects.exists()


def test_a_bot_filling_the_hidden_field_stores_nothing(client, world) -> None:
    data = {**REGISTRATION, "website": "http://spam.example"}
    response = client.post(reverse("umkm:register", args=[world.region.code]), data)
    assert response.status_code == 302
    assert not Business.objects.exists()


def test_registrations_are_limited_per_owner_and_keep_what_was_typed(world) -> None:
    """Issue 14: 29 anonymous registrations went through in 1,4 seconds."""
    from django.test import Client

    from kotacerdas.umkm.registry.views import REGISTER_PER_OWNER

    url = reverse("umkm:register", args=[world.region.code])
    answers = [
        Client()
        .post(url, {**REGISTRATION, "name": f"Usaha {index}"}, REMOTE_ADDR=f"10.1.0.{index}")
        .status_code
        for index in range(REGISTER_PER_OWNER.count)
    ]
    refused = Client().post(url, {**REGISTRATION, "name": "Usaha lagi"}, REMOTE_ADDR="10.1.1.1")

    assert answers == [302] * REGISTER_PER_OWNER.count
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Terlalu banyak pendaftaran" in body
    assert 'value="Usaha lagi"' in body  # nothing typed is lost
    assert Business.objects.count() == REGISTER_PER_OWNER.count


def test_registrations_are_limited_per_client_address(world, monkeypatch) -> None:
    from django.test import Client

    from kotacerdas.core.ratelimit import Limit
    from kotacerdas.umkm.registry import views

    monkeypatch.setattr(views, "REGISTER_PER_CLIENT", Limit("uji", count=2, seconds=3600))
    url = reverse("umkm:register", args=[world.region.code])
    client = Client()
    niks = ["1472034101850007", "1472034101850008", "1472034101850009"]
    answers = [
        client.post(url, {**REGISTRATION, "owner_nik": nik, "name": nik}).status_code
        for nik in niks
    ]

    assert answers == [302, 302, 429]
    assert Business.objects.count() == 2


def test_registration_is_only_for_existing_regions(client, world) -> None:
    assert client.get(reverse("umkm:register", args=["99.99"])).status_code == 404
