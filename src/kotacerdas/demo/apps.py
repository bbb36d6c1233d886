from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The Kota Dumai demo: above every app, it loads each app's demo data
    and tells ``serve`` which logins to print."""

    name = "kotacerdas.demo"
    label = "demo"
    verbose_name = _("Demo Kota Dumai")

    def ready(self) -> None:
        from kotacerdas.core.extensions import note_register
        from kotacerdas.demo.loader import serve_notes

        note_register("core.serve", serve_notes)
