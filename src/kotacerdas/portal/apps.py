from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kotacerdas.portal"
    label = "portal"
    verbose_name = _("Portal publik")

    def ready(self) -> None:
        from kotacerdas.portal import caching

        caching.connect_signals()
