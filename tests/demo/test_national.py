"""The demo feeds the national systems (issue 20): a sentra IKM, the IKM's
production capacity, the year's SIINas target with its count, an OSS-RBA NIB
list matched with pairs to review, and a SIDT-KUMKM export with rows — all
made through the services, once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.models import AuditEvent
from kotacerdas.demo.loader import demo_load
from kotacerdas.demo.national import (
    SENTRA_BUSINESSES,
    SENTRA_KBLI,
    SENTRA_KELURAHAN,
    SIINAS_TARGET,
)
from kotacerdas.regions.models import Region
from kotacerdas.umkm.models import Business, ExportJob
from kotacerdas.umkm.national import selectors, sidt
from kotacerdas.umkm.national.models import SiinasTarget
from kotacerdas.umkm.oss.models import OssImport, OssRow
from tests.logins import login_verified

pytestmark = pytest.mark.django_db
CODE = "14.72"


def region() -> Region:
    return Region.objects.get(code=CODE)


def officer() -> Client:
    return login_verified(Client(), get_user_model().objects.get(username="umkm"))


def this_year() -> int:
    return timezone.localtime(timezone.now(), region().tzinfo).year


def test_the_demo_has_a_sentra_ikm_of_fish_salters_in_pangkalan_sesai(dumai):
    sentra = selectors.sentra_ikm(region=region())

    found = [
        s for s in sentra if (s.kelurahan_code, s.kbli_code) == (SENTRA_KELURAHAN, SENTRA_KBLI)
    ]
    assert len(found) == 1
    assert found[0].units >= len(SENTRA_BUSINESSES) >= selectors.SENTRA_MIN_UNITS
    assert found[0].kelurahan == "Pangkalan Sesai"
    made = Business.objects.filter(region__code=CODE, name=SENTRA_BUSINESSES[0][0]).get()
    assert made.is_ikm and made.production_capacity is not None
    # Registered by the officer, through the service (its audit event).
    create = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE,
        object_id=str(made.pk),
        content_type__model="business",
    )
    assert create.actor is not None and create.actor.get_username() == "umkm"


def test_every_counted_ikm_of_the_demo_states_its_production_capacity(dumai):
    ikm = selectors.counted_ikm(region())

    assert ikm.count() > 100
    assert not ikm.filter(production_capacity__isnull=True).exists()
    assert not ikm.filter(production_capacity_unit="").exists()


def test_the_years_siinas_target_is_set_and_the_ikm_count_toward_it(dumai):
    progress = selectors.siinas_target_progress(region=region(), year=this_year())

    assert progress.target == SIINAS_TARGET
    assert 0 < progress.registered <= progress.ikm_total
    assert progress.percent is not None and progress.percent > 0
    page = officer().get(reverse("umkm:siinas", args=[CODE]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pangkalan Sesai" in text
    assert str(SIINAS_TARGET) in text


def test_the_nib_list_is_matched_with_every_outcome_and_pairs_to_review(dumai):
    job = OssImport.objects.get(region__code=CODE)

    assert job.state == OssImport.State.DONE and job.created_by.get_username() == "umkm"
    assert (job.matched_nib, job.matched_nik_name, job.matched_name_address) == (0, 4, 2)
    assert (job.to_review, job.conflicts, job.unmatched) == (3, 1, 3)
    assert (job.repeated, job.rejected, job.filled) == (1, 1, 6)
    assert job.rows == 15
    assert not job.stored_name  # the file is deleted once matched
    # Waiting rows keep the NIK and address for the officer; matched ones do not.
    waiting = OssRow.objects.filter(job=job, outcome__in=["review", "conflict", "unmatched"])
    assert waiting.count() == 7 and not waiting.filter(owner_nik="", address="").exists()
    assert not OssRow.objects.filter(job=job, outcome="matched").exclude(owner_nik="").exists()
    filled = Business.objects.filter(region__code=CODE).exclude(nib="")
    assert filled.count() == 6

    review = officer().get(reverse("umkm:oss_review", args=[job.pk]))
    assert review.status_code == 200
    assert review.content.decode().count('data-testid="oss-pair"') == 4  # 3 to review, 1 conflict


def test_the_sidt_export_of_the_demo_has_rows_with_nib_and_capacity(dumai):
    # The export job refuses to read inside a transaction (the demo fixture
    # holds one): the rows it would write, from the same two functions.
    job = ExportJob(
        region=region(),
        created_by=get_user_model().objects.get(username="umkm"),
        personal=True,
        layout=ExportJob.Layout.SIDT_KUMKM,
    )
    header = list(sidt.HEADER)
    rows = [
        dict(zip(header, sidt.sidt_row(b, since=None, zone=region().tzinfo), strict=True))
        for b in sidt.sidt_businesses(job)
    ]

    verified = Business.objects.filter(
        region__code=CODE, verification="verified", merged_into__isnull=True
    )
    assert len(rows) == verified.count() > 200
    assert sum(1 for row in rows if row["nib"]) == 6
    assert any(row["kapasitas_produksi"] for row in rows)


def test_loading_again_adds_no_target_nib_list_or_sentra_business(dumai):
    before = (
        SiinasTarget.objects.count(),
        OssImport.objects.count(),
        OssRow.objects.count(),
        Business.objects.count(),
    )

    result = demo_load()

    assert not result.changed
    after = (
        SiinasTarget.objects.count(),
        OssImport.objects.count(),
        OssRow.objects.count(),
        Business.objects.count(),
    )
    assert after == before
