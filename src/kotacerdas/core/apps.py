from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kotacerdas.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from kotacerdas.core import checks  # noqa: F401  (registers the system checks)
        from kotacerdas.core.storage import sqlite_files_tighten

        connection_created.connect(sqlite_files_tighten, dispatch_uid="core_sqlite_modes")
