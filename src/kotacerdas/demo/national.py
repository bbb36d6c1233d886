"""The national systems on the Dumai demo (issue 20): a sentra IKM, the
year's SIINas target with its count, and an OSS-RBA NIB list already matched
with pairs left to review.

- **Sentra IKM**: six fish-salting businesses (KBLI 10213) in Pangkalan
  Sesai, the fishing kelurahan of Dumai Barat, registered by the demo's
  registry officer with their production capacity. The demo's other IKM
  carry a capacity too (:data:`kotacerdas.demo.registry.CAPACITY`).
- **SIINas target** of the current year (in the region's time), entered by
  the smart city team: the statistics and SIINas pages show the count toward
  it.
- **NIB list**: a file in the layout regions publish from OSS-RBA, made from
  the demo registry itself (so the rules have something to find): certain
  matches by NIK + name and by name + address, a repeated NIB (a second
  KBLI), a second NIB for a shop already given one (a conflict), uncertain
  pairs, licensed businesses the registry does not know yet and one NIB
  typed short (rejected). Uploaded and matched by the officer through the
  same services as the web page.

Every name, NIK and NIB here is synthetic. Each piece is made once, when
missing: a second ``kotacerdas demo`` changes nothing.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kotacerdas.regions.models import Region
from kotacerdas.regions.reference import get_area
from kotacerdas.umkm.registry.models import Business

SENTRA_KELURAHAN = "14.72.01.1003"  # Pangkalan Sesai, Dumai Barat
SENTRA_KBLI = "10213"  # industri penggaraman/pengeringan ikan
SENTRA_BUSINESSES: tuple[tuple[str, str, int, int], ...] = (
    # (name, owner, workers, capacity in kg/month)
    ("Ikan Asin Sesai Bahari", "Syamsul Bahri", 6, 2400),
    ("Ikan Salai Pak Usman", "Usman Hasan", 4, 1500),
    ("Ikan Asin Bu Rohani", "Rohani", 3, 900),
    ("Teri Kering Pantai Sesai", "Junaidi", 5, 1800),
    ("Ikan Asin Nelayan Jaya", "Abdul Rahman", 8, 3000),
    ("Ikan Asin Kampung Nelayan", "Maimunah", 2, 600),
)
SIINAS_TARGET = 180
OSS_FILE = "daftar-nib-oss-dumai.csv"
OSS_HEADER = (
    "nib",
    "tanggal_terbit_oss",
    "nama_perusahaan",
    "nomor_identitas",
    "kbli",
    "judul_kbli",
    "uraian_skala_usaha",
    "uraian_risiko_proyek",
    "alamat_usaha",
    "kelurahan_usaha",
    "kecamatan_usaha",
)
# Licensed in OSS, not in the registry yet: (name, KBLI, title, address, kelurahan).
OSS_NEW: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Roti Bakar Pelabuhan",
        "10710",
        "Industri Produk Roti dan Kue",
        "Jl. Datuk Laksamana No. 41",
        "14.72.06.1001",
    ),
    (
        "Bengkel Las Sinar Bahari",
        "25119",
        "Industri Barang dari Logam Siap Pasang untuk Bangunan Lainnya",
        "Jl. Soekarno-Hatta No. 77",
        "14.72.07.1002",
    ),
    (
        "Kerupuk Ikan Tenggiri Bu Sari",
        "10794",
        "Industri Kerupuk, Keripik, Peyek dan Sejenisnya",
        "Jl. Nelayan Laut No. 9",
        "14.72.01.1006",
    ),
)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _nik(rng: random.Random, kelurahan_code: str) -> str:
    prefix = kelurahan_code[:8].replace(".", "")
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    month, year, serial = rng.randint(1, 12), rng.randint(60, 99), rng.randint(1, 9999)
    return f"{prefix}{day:02d}{month:02d}{year:02d}{serial:04d}"


def national_demo_load(*, region: Region, result: Any) -> None:
    officer, admin = _user("umkm"), _user("admin")
    if officer is None or admin is None:
        return
    _sentra(region=region, officer=officer, result=result)
    _target(region=region, admin=admin, result=result)
    _nib_list(region=region, officer=officer, result=result)


def _sentra(*, region: Region, officer: Any, result: Any) -> None:
    from kotacerdas.umkm.registry import services as registry

    area = get_area(SENTRA_KELURAHAN)
    if (
        area is None
        or Business.objects.filter(region=region, name=SENTRA_BUSINESSES[0][0]).exists()
    ):
        return
    rng = random.Random(2018)  # noqa: S311 - synthetic demo data (PP 29/2018)
    for number, (name, owner, workers, capacity) in enumerate(SENTRA_BUSINESSES, start=1):
        sales = Decimal(workers * rng.randint(60, 90)) * 1_000_000
        registry.business_create(
            actor=officer,
            region=region,
            data={
                "name": name,
                "owner_name": owner,
                "owner_nik": _nik(rng, SENTRA_KELURAHAN),
                "kbli_code": SENTRA_KBLI,
                "address": f"Jl. Nelayan No. {number * 7}, {area.name}",
                "kelurahan_code": SENTRA_KELURAHAN,
                "phone": f"0813{rng.randint(10_000_000, 99_999_999)}",
                "workers": workers,
                "year_started": rng.randint(1998, 2019),
                "capital": Decimal(workers * rng.randint(15, 30)) * 1_000_000,
                "annual_sales": sales,
                "production_capacity": Decimal(capacity),
                "production_capacity_unit": "kg/bulan",
            },
        )
        result.count(result.created, "business")


def _target(*, region: Region, admin: Any, result: Any) -> None:
    from kotacerdas.umkm.national.models import SiinasTarget
    from kotacerdas.umkm.national.services import siinas_target_set

    year = timezone.localtime(timezone.now(), region.tzinfo).year
    if SiinasTarget.objects.filter(region=region, year=year).exists():
        return
    siinas_target_set(actor=admin, region=region, year=year, target=SIINAS_TARGET)
    result.count(result.created, "siinas_target")


def _place(code: str) -> tuple[str, str]:
    kelurahan, kecamatan = get_area(code), get_area(code[:8])
    return (kelurahan.name if kelurahan else "", kecamatan.name if kecamatan else "")


def _nib(number: int) -> str:
    return f"912030{number:07d}"


def nib_list_rows(region: Region) -> list[list[str]]:
    """The demo's NIB list as OSS-RBA would list the region (see the module
    docstring), made from the registry as it is now."""
    live = list(
        Business.objects.filter(
            region=region,
            merged_into__isnull=True,
            verification=Business.Verification.VERIFIED,
            status=Business.Status.ACTIVE,
            nib="",
        )
        .exclude(owner_nik="")
        .order_by("id")
    )
    niks = Counter(b.owner_nik for b in live)
    keys = Counter(b.name_key for b in live)
    # One business per owner and per name: each rule finds what it is shown.
    usable = [b for b in live if niks[b.owner_nik] == 1 and keys[b.name_key] == 1]
    picks = usable[::9][:11]
    if len(picks) < 11:
        return []
    rows: list[list[str]] = []

    def add(nib: str, b: Business | None, **over: str) -> None:
        values = {
            "name": b.name.upper() if b else "",
            "nik": b.owner_nik if b else "",
            "kbli": b.kbli_code if b else "",
            "title": "",
            "address": b.address if b else "",
            "kelurahan": b.kelurahan_code if b else "",
        }
        values.update(over)
        kelurahan, kecamatan = _place(values["kelurahan"])
        rows.append(
            [
                nib,
                f"{(len(rows) % 27) + 1:02d}/0{(len(rows) % 9) + 1}/2024",
                values["name"],
                values["nik"],
                values["kbli"],
                values["title"],
                "Usaha Mikro",
                "Rendah",
                values["address"],
                kelurahan,
                kecamatan,
            ]
        )

    # Certain: the owner's NIK and the same name (the NIB is filled).
    for number, b in enumerate(picks[:4], start=1):
        add(_nib(number), b)
    # OSS lists one row per KBLI: the first business again, a second activity.
    add(_nib(1), picks[0], kbli="47111", title="Perdagangan Eceran Berbagai Macam Barang")
    # Certain: no NIK in the list, the same name and address.
    for number, b in enumerate(picks[4:6], start=5):
        add(_nib(number), b, nik="")
    # A second NIB for the second shop, which the list just gave one: a
    # conflict, never overwritten without an officer.
    add(_nib(7), picks[1])
    # Uncertain: the same owner with the name written longer; the same name
    # with another street number and no NIK.
    add(_nib(8), picks[6], name=f"{picks[6].name} Jaya")
    add(_nib(9), picks[7], name=f"{picks[7].name} Dumai")
    add(_nib(10), picks[8], nik="", address=picks[8].address.replace("No. ", "No. 1"))
    # Licensed, not in the registry yet.
    rng = random.Random(2024)  # noqa: S311 - synthetic demo data
    for number, (name, kbli_code, title, address, code) in enumerate(OSS_NEW, start=11):
        add(
            _nib(number),
            None,
            name=name.upper(),
            nik=_nik(rng, code),
            kbli=kbli_code,
            title=title,
            address=address,
            kelurahan=code,
        )
    # A NIB typed two digits short: rejected with its reason.
    add(_nib(14)[:11], picks[9])
    return rows


def _nib_list(*, region: Region, officer: Any, result: Any) -> None:
    from kotacerdas.core.uploads import SPREADSHEET_KINDS, validate_upload
    from kotacerdas.umkm.oss import services as oss
    from kotacerdas.umkm.oss.models import OssImport

    if OssImport.objects.filter(region=region).exists():
        return
    rows = nib_list_rows(region)
    if not rows:
        return
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(OSS_HEADER)
    writer.writerows(rows)
    upload = SimpleUploadedFile(OSS_FILE, text.getvalue().encode(), content_type="text/csv")
    checked = validate_upload(upload, kinds=SPREADSHEET_KINDS)
    job = oss.oss_job_create(
        actor=officer, region=region, upload=upload, checked=checked, inline=True
    )
    oss.oss_job_run(job_id=job.pk, actor=officer)
    result.count(result.created, "oss_import")
