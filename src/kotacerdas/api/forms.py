from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.api.models import ApiToken

VALIDITY_CHOICES = [
    ("30", _("30 hari")),
    ("90", _("90 hari")),
    ("365", _("1 tahun")),
    ("", _("Tanpa batas (cabut sendiri bila tidak dipakai)")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_('Untuk mengenali pemakaiannya, mis. "Sinkronisasi Satu Data".'),
    )
    scope = forms.ChoiceField(
        label=_("Cakupan"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_("Token baca tidak dapat mengirim laporan atau mengubah data."),
    )
    validity = forms.ChoiceField(
        label=_("Masa berlaku"), choices=VALIDITY_CHOICES, initial="90", required=False
    )
