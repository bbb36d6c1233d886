"""Forms of the registry pages. Values are read with the same ``clean_*``
functions the import uses (:mod:`kotacerdas.umkm.identifiers`), so "Rp
1.500.000", "1,5 juta" and "0812-3456-789" mean the same everywhere; the
model's ``clean()`` (through the services) has the last word and its messages
land on the fields.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.forms import CountField, NameField
from kotacerdas.regions.models import Region
from kotacerdas.umkm import identifiers, kbli
from kotacerdas.umkm.national.capacity import read_capacity
from kotacerdas.umkm.registry.models import PERSONAL_FIELDS, Business, KbliVersion, SizeClass
from kotacerdas.umkm.registry.selectors import AreaNames, area_names


class RupiahField(forms.CharField):
    """Whole Rupiah written any way a clerk writes it ("Rp 1.500.000", "1,5 juta")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Contoh: Rp 1.500.000 atau 1,5 juta."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        try:
            return identifiers.clean_amount(text or None)
        except identifiers.Invalid as exc:
            raise ValidationError(exc.message, code=exc.code) from None


class CapacityField(forms.CharField):
    """A production capacity: the number as people write it (core.numbers)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("Contoh: 500, 1.500 atau 2,5."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        try:
            return read_capacity(text or None)
        except identifiers.Invalid as exc:
            raise ValidationError(exc.message, code=exc.code) from None


class CoordinateField(forms.CharField):
    def __init__(self, *, latitude: bool, **kwargs: Any) -> None:
        self.latitude = latitude
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        try:
            return identifiers.clean_coordinate(text, latitude=self.latitude)
        except identifiers.Invalid as exc:
            raise ValidationError(exc.message, code=exc.code) from None


def kelurahan_choices(names: AreaNames) -> list[Any]:
    """The region's kelurahan/desa, grouped by kecamatan (``<optgroup>``)."""
    return [("", _("— pilih kelurahan/desa —"))] + [
        (kecamatan, items) for kecamatan, items in names.grouped_kelurahan()
    ]


def category_choices() -> list[tuple[str, Any]]:
    names = {**kbli.CATEGORY_NAMES["2020"], **kbli.CATEGORY_NAMES["2025"]}
    return [("", _("Semua kategori"))] + [(c, f"{c} · {names[c]}") for c in sorted(names)]


def _choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class BusinessFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari nama usaha atau NIB"), required=False, max_length=100)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    kelurahan = forms.ChoiceField(label=_("Kelurahan/desa"), required=False)
    category = forms.ChoiceField(label=_("Kategori KBLI"), required=False)
    size = forms.ChoiceField(
        label=_("Skala"), required=False, choices=[("", _("Semua skala")), *SizeClass.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status")), *Business.Status.choices],
    )
    verification = forms.ChoiceField(
        label=_("Verifikasi"),
        required=False,
        choices=[("", _("Semua")), *Business.Verification.choices],
    )
    source = forms.ChoiceField(
        label=_("Sumber"),
        required=False,
        choices=[("", _("Semua sumber")), *Business.Source.choices],
    )
    ikm = forms.ChoiceField(
        label=_("IKM (SIINas)"),
        required=False,
        choices=[("", _("Semua")), ("ya", _("IKM (KBLI kategori C)")), ("tidak", _("Bukan IKM"))],
    )

    def __init__(self, *args: Any, names: AreaNames, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "kecamatan", [("", _("Semua kecamatan")), *names.kecamatan.items()])
        _choices(self, "kelurahan", [("", _("Semua kelurahan")), *names.grouped_kelurahan()])
        _choices(self, "category", category_choices())


class YesNoUnknown(forms.NullBooleanSelect):
    """ya / tidak / tidak diketahui, with the stored True/False selected on edit."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("tidak diketahui")),
            ("true", _("ya")),
            ("false", _("tidak")),
        ]


def _yes_no(label: Any) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, required=False, widget=YesNoUnknown())


class BusinessForm(forms.Form):
    """Register or edit a business (officers and admins).

    Personal data on the edit form: the stored owner name, NIK, phone,
    address and amounts are never put into the form. Each personal field
    starts empty with the masked value as its placeholder, and an empty field
    keeps what is stored; typing a value replaces it. So the edit page shows
    no personal data and needs no reveal record, admins (who may change but
    not reveal) can still correct a phone number an owner called in, and
    whoever needs the current value reveals it first, which is recorded.
    Clearing personal data is not done here: that is anonymisation at the end
    of retention (or a deletion request handled by the data protection
    officer)."""

    name = NameField(label=_("Nama usaha"), max_length=200)
    owner_name = NameField(label=_("Nama pemilik"), max_length=150, required=False)
    owner_nik = forms.CharField(
        label=_("NIK pemilik"),
        max_length=30,
        required=False,
        help_text=_("16 digit sesuai KTP."),
    )
    nib = forms.CharField(label=_("NIB"), max_length=20, required=False)
    npwp = forms.CharField(label=_("NPWP"), max_length=25, required=False)
    kbli_code = forms.CharField(label=_("Kode KBLI"), max_length=8, required=False)
    kbli_version = forms.ChoiceField(
        label=_("Versi KBLI"), choices=KbliVersion.choices, initial=kbli.DEFAULT_VERSION
    )
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    kelurahan_code = forms.ChoiceField(label=_("Kelurahan/desa"))
    latitude = CoordinateField(label=_("Lintang"), latitude=True)
    longitude = CoordinateField(label=_("Bujur"), latitude=False)
    phone = forms.CharField(
        label=_("Telepon"),
        max_length=30,
        required=False,
        help_text=_("Bentuk apa pun: 0812…, 62812…, +62 812…"),
    )
    workers = CountField(label=_("Jumlah tenaga kerja"), min_value=0, required=False)
    year_started = forms.IntegerField(
        label=_("Tahun mulai usaha"),
        required=False,
        validators=[identifiers.validate_year_started],
    )
    capital = RupiahField(label=_("Modal usaha (Rp)"))
    annual_sales = RupiahField(label=_("Omzet tahunan (Rp)"))
    halal_number = forms.CharField(label=_("Nomor sertifikat halal"), max_length=40, required=False)
    pirt_number = forms.CharField(label=_("Nomor P-IRT"), max_length=20, required=False)
    sells_online = _yes_no(_("Berjualan daring"))
    uses_qris = _yes_no(_("Menerima QRIS"))
    production_capacity = CapacityField(label=_("Kapasitas produksi (IKM)"))
    production_capacity_unit = forms.CharField(
        label=_("Satuan kapasitas produksi"),
        max_length=40,
        required=False,
        help_text=_("Mis. kg/bulan, pcs/tahun, liter/hari."),
    )

    def __init__(
        self,
        *args: Any,
        region: Region,
        instance: Business | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in self.base_fields
                if name not in PERSONAL_FIELDS
            }
        super().__init__(*args, **kwargs)
        self.region = region
        self.instance = instance
        _choices(self, "kelurahan_code", kelurahan_choices(area_names(region)))
        if instance is not None:
            masked = {
                "owner_name": _("(tersimpan; kosongkan bila tidak diubah)")
                if instance.owner_name
                else "",
                "owner_nik": instance.masked_nik,
                "phone": instance.masked_phone,
                "address": _("(tersimpan; kosongkan bila tidak diubah)")
                if instance.address
                else "",
                "capital": "Rp ********" if instance.capital is not None else "",
                "annual_sales": "Rp ********" if instance.annual_sales is not None else "",
            }
            for name, placeholder in masked.items():
                if placeholder:
                    self.fields[name].widget.attrs["placeholder"] = placeholder
                    self.fields[name].help_text = _(
                        "Data pribadi tersimpan tidak ditampilkan; kosongkan untuk tetap memakai "
                        "nilai tersimpan, atau isi untuk menggantinya."
                    )

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned values for ``business_create``/``business_update``;
        on edit, empty personal fields are left out (unchanged)."""
        data = {name: value for name, value in self.cleaned_data.items()}
        for name in (
            *("owner_name", "address", "halal_number", "pirt_number", "nib", "npwp"),
            "production_capacity_unit",
        ):
            data[name] = identifiers.normalise_space(data.get(name))
        if self.instance is not None:
            for name in PERSONAL_FIELDS:
                if data.get(name) in (None, ""):
                    data.pop(name, None)
        return data


class RegistrationForm(forms.Form):
    """The public self-registration form (no login)."""

    name = NameField(label=_("Nama usaha"), max_length=200)
    owner_name = NameField(label=_("Nama pemilik (sesuai KTP)"), max_length=150)
    owner_nik = forms.CharField(
        label=_("NIK pemilik"), max_length=30, help_text=_("16 digit sesuai KTP.")
    )
    phone = forms.CharField(
        label=_("Nomor telepon/WhatsApp"), max_length=30, help_text=_("Contoh: 0812-3456-7890")
    )
    address = forms.CharField(label=_("Alamat usaha"), max_length=300)
    kelurahan_code = forms.ChoiceField(label=_("Kelurahan/desa"))
    kbli_code = forms.CharField(
        label=_("Kode KBLI (bila tahu)"),
        max_length=8,
        required=False,
        help_text=_("5 digit, KBLI 2020. Boleh dikosongkan; petugas akan melengkapinya."),
    )
    workers = CountField(label=_("Jumlah tenaga kerja"), min_value=0, required=False)
    year_started = forms.IntegerField(
        label=_("Tahun mulai usaha"),
        required=False,
        validators=[identifiers.validate_year_started],
    )
    capital = RupiahField(label=_("Modal usaha (Rp, tidak wajib)"))
    annual_sales = RupiahField(label=_("Omzet tahunan (Rp, tidak wajib)"))
    sells_online = forms.BooleanField(label=_("Saya berjualan secara daring"), required=False)
    uses_qris = forms.BooleanField(label=_("Saya menerima pembayaran QRIS"), required=False)
    consent = forms.BooleanField(
        label=_(
            "Saya telah membaca pernyataan di atas dan menyetujui pemrosesan data pribadi "
            "saya untuk pendataan dan pemberdayaan UMKM."
        ),
        error_messages={"required": _("Pendaftaran hanya dapat diproses dengan persetujuan Anda.")},
    )
    # Honeypot: hidden from people by CSS; bots fill every field they find.
    website = forms.CharField(label=_("Situs web"), required=False, max_length=200)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "kelurahan_code", kelurahan_choices(area_names(region)))
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("consent", None)
        data.pop("website", None)
        data["owner_name"] = identifiers.normalise_space(data["owner_name"])
        data["address"] = identifiers.normalise_space(data["address"])
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Business.Status.choices)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Terima")), ("reject", _("Tolak"))])
