"""Adding a region to a deployment from the bundled Kemendagri reference
(``kotacerdas region add CODE [--admin USERNAME]``, the deployment admin's
page, docs/operations.md "Menambah wilayah"): a kab/kota (``14.72``) or a
province (``14``, a Smart Province with its own masterplan).

A region is one row; its kecamatan and kelurahan/desa are not copied into
the database: every reader (the registry's place list, the survey import's
place matching) takes them from :mod:`kotacerdas.regions.reference`, which
ships with the package. So adding a region is the row, its official name
from the reference, and an audit event — the same whether the command or
the Django admin adds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kotacerdas.core.audit import Actor
from kotacerdas.core.models import Membership, Role
from kotacerdas.core.services import membership_grant, model_create
from kotacerdas.regions import reference
from kotacerdas.regions.models import Region

AUDIT_FIELDS = ("code", "name", "time_zone")


@dataclass(frozen=True)
class RegionAdded:
    region: Region
    created: bool
    kecamatan: int
    kelurahan: int


def region_name(area: reference.Area) -> str:
    """The region's name as the deployment shows it: the reference's for a
    kab/kota ("Kota Dumai"); "Provinsi Riau" for a province, which the
    reference names bare ("Riau"), except the two "Daerah ..." whose name
    already says what they are."""
    if area.level != reference.LEVEL_PROVINCE or area.name.startswith(("Provinsi", "Daerah")):
        return area.name
    return f"Provinsi {area.name}"


def region_reference_check(code: str, *, provinces: bool = False) -> reference.Area:
    """The kab/kota (or, with ``provinces``, the province) of the
    reference with this code, or a ValidationError that says what the code
    is instead and what to type."""
    # "1472" is not read as 14.72: four digits are as often a BPS code
    # (Kota Dumai is 1473 there), and a wrong region is worse than a refusal.
    code = code.strip()
    area = reference.get_area(code)
    if area is not None and area.level == reference.LEVEL_REGENCY:
        return area
    if area is not None and area.level == reference.LEVEL_PROVINCE and provinces:
        return area
    if area is not None and area.level == reference.LEVEL_PROVINCE:
        examples = ", ".join(f"{a.code} {a.name}" for a in reference.children(area.code)[:2])
        raise ValidationError(
            _(
                "%(code)s adalah kode provinsi %(name)s, bukan kab/kota. Registri UMKM dipakai "
                "per kab/kota: pakai kab/kotanya, mis. %(examples)s."
            )
            % {"code": code, "name": area.name, "examples": examples}
        )
    if area is not None:
        parent = reference.get_area(code[:5])
        raise ValidationError(
            _(
                "%(code)s adalah %(kind)s %(name)s, bukan kab/kota. Tambahkan kab/kota "
                "tempatnya: %(parent)s."
            )
            % {
                "code": code,
                "kind": area.kind,
                "name": area.name,
                "parent": f"{parent.code} {parent.name}" if parent else code[:5],
            }
        )
    raise ValidationError(
        _(
            "Kode %(code)s tidak ada dalam referensi wilayah Kemendagri yang dibawa KotaCerdas. "
            "Tulis kode kab/kota Kemendagri dengan titik, mis. 14.72 (Kota Dumai), atau kode "
            "provinsi dua angka, mis. 14 (Riau); kode BPS tidak diterima."
        )
        % {"code": code}
    )


def region_add(*, actor: Actor, code: str) -> RegionAdded:
    """Add the kab/kota or province ``code`` of the reference, named as the
    reference names it (:func:`region_name`); an existing region is left as
    it is (idempotent: no second row, no second audit event). A province
    has no kecamatan or kelurahan of its own (its kab/kota have them): 0."""
    area = region_reference_check(code, provinces=True)
    if area.level == reference.LEVEL_PROVINCE:
        kecamatan: list[reference.Area] = []
        kelurahan: list[reference.Area] = []
    else:
        kecamatan = reference.kecamatan_of(area.code)
        kelurahan = reference.kelurahan_of(area.code)
    existing = Region.objects.filter(code=area.code).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = model_create(
                    actor=actor,
                    instance=Region(),
                    data={"code": area.code, "name": region_name(area)},
                    audit_fields=AUDIT_FIELDS,
                    region_code=area.code,
                )
        except (IntegrityError, ValidationError):
            # Added meanwhile by someone else (the admin, a second command).
            found = Region.objects.filter(code=area.code).first()
            if found is None:
                raise
            return RegionAdded(found, False, len(kecamatan), len(kelurahan))
        return RegionAdded(existing, True, len(kecamatan), len(kelurahan))
    return RegionAdded(existing, False, len(kecamatan), len(kelurahan))


def region_admin_appoint(*, actor: Actor, region: Region, user: Any) -> tuple[Membership, bool]:
    """Make ``user`` an admin (smart city team) of ``region``, audited.
    Returns the membership and whether it is new (appointing twice changes
    nothing). An inactive account is refused: it could not act."""
    if not user.is_active:
        raise ValidationError(
            _("Akun %(username)s tidak aktif; aktifkan dulu sebelum diangkat.")
            % {"username": user.get_username()}
        )
    if getattr(actor, "pk", None) == user.pk and not getattr(actor, "is_superuser", False):
        # A deployment admin opens no region's data by that role: appointing
        # oneself would (issue 16). The command line's actor is the system.
        raise ValidationError(
            _(
                "Anda tidak dapat mengangkat diri sendiri sebagai admin wilayah; minta admin "
                "deployment lain atau superuser."
            )
        )
    existing = Membership.objects.filter(
        user_id=user.pk, region=region, role=Role.ADMIN, agency__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    return membership_grant(actor=actor, user=user, region=region, role=Role.ADMIN), True
