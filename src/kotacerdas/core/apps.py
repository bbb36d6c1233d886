from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kotacerdas.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from kotacerdas.core import checks  # noqa: F401  (registers the system checks)
