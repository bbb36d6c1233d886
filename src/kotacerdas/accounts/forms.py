from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import AGENCY_ROLES, REGION_STAFF_ROLES
from kotacerdas.masterplan.models import Agency
from kotacerdas.regions.models import Region


class OTPForm(forms.Form):
    token = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=32,
        help_text=_("Enam angka dari aplikasi autentikator, atau satu kode pemulihan."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Kode dari aplikasi"),
        max_length=12,
        help_text=_("Enam angka yang tampil di aplikasi autentikator setelah memindai kode QR."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class StaffAddForm(forms.Form):
    """A person and the role a region admin gives them in the region."""

    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        help_text=_("Akun yang sudah ada dipakai; yang belum ada dibuat."),
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Surel"),
        required=False,
        help_text=_(
            "Wajib untuk akun baru: pemiliknya mengatur kata sandi lewat “Lupa kata sandi”."
        ),
    )
    role = forms.ChoiceField(label=_("Peran"))
    agency = forms.ModelChoiceField(
        label=_("Perangkat daerah"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Wajib untuk editor dan kepala perangkat daerah; kosongkan untuk peran lain."),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r.value, r.label) for r in REGION_STAFF_ROLES]
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = Agency.objects.filter(region=region).order_by("short_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, agency = data.get("role"), data.get("agency")
        if role in AGENCY_ROLES and agency is None:
            self.add_error("agency", _("Pilih perangkat daerah untuk peran ini."))
        if role and role not in AGENCY_ROLES and agency is not None:
            self.add_error("agency", _("Peran ini tidak terikat pada perangkat daerah."))
        return data


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ("short_name", "name", "head")


class RegionAddForm(forms.Form):
    """A region from the Kemendagri reference and its first admin."""

    code = forms.CharField(
        label=_("Kode Kemendagri"),
        # Longer than a region's code: a kecamatan's code gets its explanation.
        max_length=20,
        help_text=_("Kab/kota PP.KK (mis. 14.72) atau provinsi PP (mis. 14)."),
    )
    admin = forms.CharField(
        label=_("Admin wilayah (nama pengguna)"),
        max_length=150,
        required=False,
        help_text=_("Akun yang sudah ada; boleh dikosongkan dan diangkat nanti."),
    )
