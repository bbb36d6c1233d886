from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UmkmConfig(AppConfig):
    name = "kotacerdas.umkm"
    label = "umkm"
    verbose_name = _("Registri UMKM/IKM")

    def ready(self) -> None:
        from kotacerdas.core.extensions import panel_register
        from kotacerdas.umkm.panels import programme_output

        panel_register("masterplan.programme_detail", programme_output)
