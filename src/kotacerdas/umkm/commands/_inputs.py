"""What the registry's commands take from the command line, checked the same
way by each: the region (with the way to add it when it is missing), the
acting user, the file. Each refusal is a ``CommandError`` whose message says
what to do, Indonesian first. (A helper of the actions, not an action: the
leading underscore keeps it out of ``kotacerdas umkm``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from kotacerdas.core.regions import region_reference_check
from kotacerdas.regions.models import Region


def missing_region_message(code: str) -> str:
    """What to do when the region is not in this deployment: the command that
    adds it (when the code is a kab/kota of the reference), else why the code
    is not one."""
    try:
        area = region_reference_check(code)
    except ValidationError as error:
        return (
            f"Wilayah {code} belum ada di KotaCerdas ini, dan tidak dapat ditambahkan: "
            + " ".join(error.messages)
            + f" / Region {code} does not exist here and is not a kab/kota code of the "
            "Kemendagri reference; see docs/operations.md, section Adding a region."
        )
    return (
        f"Wilayah {code} ({area.name}) belum ada di KotaCerdas ini. Tambahkan dari referensi "
        f"Kemendagri dengan `kotacerdas region add {code}` (atau admin deployment: Admin → "
        "Wilayah → Tambah), lalu ulangi perintah ini; lihat docs/operations.md, bagian "
        f"Menambah wilayah. / Region {code} ({area.name}) does not exist here yet. Add it with "
        f"`kotacerdas region add {code}` (or the deployment admin: Admin → Wilayah → Add), then "
        "run this command again; see docs/operations.md, section Adding a region."
    )


def command_region(code: str) -> Region:
    code = code.strip()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise CommandError(missing_region_message(code))
    return region


def command_actor(username: str | None) -> Any:
    """The user named by ``--actor``, or None (the system) when none is named."""
    if not username:
        return None
    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        raise CommandError(f"Pengguna {username} tidak ada. / User {username} does not exist.")
    return actor


def command_file(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"Berkas {path} tidak ada. / File {path} does not exist.")
    return path
