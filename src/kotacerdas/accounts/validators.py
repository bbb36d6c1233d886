"""Optional password rules of BSSN Regulation 4/2021, switched on by the
operator (``KOTACERDAS_PASSWORD_COMPOSITION``). Length and common-password
checks are Django's validators, always on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


class CompositionValidator:
    """The password must hold a lowercase and an uppercase letter, a digit and
    a symbol."""

    def validate(self, password: str, user: Any = None) -> None:
        missing = [name for name, test in CLASSES if not any(test(c) for c in password)]
        if missing:
            raise ValidationError(self._message(missing), code="password_composition")

    @staticmethod
    def _message(missing: list[str]) -> str:
        names = {
            "lower": _("huruf kecil"),
            "upper": _("huruf besar"),
            "digit": _("angka"),
            "symbol": _("simbol (misalnya ! ? # -)"),
        }
        return _("Kata sandi harus memuat juga: %(missing)s.") % {
            "missing": ", ".join(names[name] for name in missing)
        }

    def get_help_text(self) -> str:
        return _("Kata sandi harus memuat huruf kecil, huruf besar, angka dan simbol.")
