from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.core import numbers
from kotacerdas.core.text import name_clean


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field when the form
    has it, otherwise at the top of the form. Never raises."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah. Perhatikan huruf besar/kecil."),
        "inactive": _("Akun ini tidak aktif. Hubungi tim smart city."),
    }


# --- Names as people type them -----------------------------------------------------------


class NameField(forms.CharField):
    """A name (kotacerdas.core.text): NFC, bidirectional-control and
    zero-width characters removed, single spaces. ``removed`` holds how many
    invisible characters the last clean took out, so the page can say so
    (:func:`invisible_removed`)."""

    removed = 0

    def to_python(self, value: Any) -> str | None:
        cleaned = name_clean(value)
        self.removed = cleaned.removed
        return cleaned.text or self.empty_value


def invisible_removed(form: forms.BaseForm) -> list[str]:
    """Labels of the form's name fields from which invisible characters were removed."""
    return [
        str(field.label or name)
        for name, field in form.fields.items()
        if isinstance(field, NameField) and field.removed
    ]


# --- Numbers as people type them ----------------------------------------------------------
#
# Text inputs read by kotacerdas.core.numbers, so a form takes what the
# workbooks and imports take ("250.000.000", "Rp 1.500.000,-", "1,5 juta",
# "3 orang"). Digits, decimals and the minimum are then checked by Django's
# validators (and the model's), so a negative amount gets the same message as
# any other value below the minimum. For a model field:
# ``Meta.field_classes = {"budget_ceiling": AmountField}``.


class AmountField(forms.DecimalField):
    """Rupiah (:func:`kotacerdas.core.numbers.parse`, amounts)."""

    widget = forms.TextInput
    kind: numbers.Kind = "amount"
    default_error_messages = {
        "invalid": _("Tulis angka Rupiah, mis. 1.500.000, Rp 1.500.000,- atau 1,5 juta."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    # django-stubs types DecimalField.to_python as IntegerField's (int).
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            return numbers.parse(value, self.kind)
        except numbers.NumberError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class PercentField(AmountField):
    """A percentage: ``45,5``, ``45.5`` or ``45,5%``."""

    kind: numbers.Kind = "percent"
    default_error_messages = {"invalid": _("Tulis angka persen, mis. 45 atau 45,5.")}


class CountField(forms.IntegerField):
    """A count: ``3``, ``3 orang``, ``3 TK``, ``1.500``."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Tulis bilangan bulat, mis. 3 atau 3 orang."),
        "range": _("Tulis satu bilangan, bukan rentang (mis. 3, bukan 2-3)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            number = numbers.parse(value, "count")
        except numbers.NumberError as error:
            code = "range" if error.code == "range" else "invalid"
            raise ValidationError(self.error_messages[code], code=code) from None
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)
