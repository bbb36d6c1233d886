"""``kotacerdas umkm oss``: the same matching as the web upload, from the
command line, with plain errors for a missing region or file."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kotacerdas.umkm.models import Business
from kotacerdas.umkm.oss.models import OssImport
from tests.permissions.rows_umkm_duplicates import make_business
from tests.umkm.oss.files import write_xlsx

ENTRIES = [
    ("1234567890123", "Kopi Tiam Ahok", "", "56303", "", "", ""),
    ("2234567890123", "Usaha Baru Sekali", "", "", "", "", ""),
]


def test_it_matches_a_list_and_prints_the_counts(world, tmp_path):
    shop = make_business(world.region, name="Kopi Tiam Ahok", nib="1234567890123")
    out = StringIO()
    call_command(
        "umkm",
        "oss",
        str(write_xlsx(tmp_path / "nib.xlsx", ENTRIES)),
        "--region",
        "14.72",
        "--json",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert (summary["rows"], summary["matched_nib"], summary["unmatched"]) == (2, 1, 1)
    assert summary["state"] == OssImport.State.DONE
    assert Business.objects.get(pk=shop.pk).kbli_code == "56303"
    assert OssImport.objects.get(pk=summary["job"]).stored_name == ""


def test_it_says_plainly_when_the_region_or_file_is_missing(world, tmp_path):
    with pytest.raises(CommandError, match=r"Wilayah 99\.99 belum ada"):
        call_command("umkm", "oss", str(tmp_path / "nib.xlsx"), "--region", "99.99")
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("umkm", "oss", str(tmp_path / "tidak-ada.xlsx"), "--region", "14.72")
