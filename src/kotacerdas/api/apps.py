from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kotacerdas.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from kotacerdas.api import signals  # noqa: F401  (connects the receivers)
