from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kotacerdas.accounts"
    label = "accounts"
    verbose_name = _("Akun dan sesi")

    def ready(self) -> None:
        from kotacerdas.accounts import signals  # noqa: F401  (connects the receivers)
