from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "kotacerdas.national"
    label = "national"
    verbose_name = _("Perbandingan wilayah")

    def ready(self) -> None:
        from kotacerdas.core.extensions import panel_register
        from kotacerdas.national import caching, panels

        panel_register("region_picker", panels.picker_panel)
        caching.connect_signals()
