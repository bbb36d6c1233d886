from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kotacerdas.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from django.core.signals import request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from kotacerdas.core import (
            caching,
            checks,  # noqa: F401  (registers the system checks)
            timezones,
        )
        from kotacerdas.core.models import DeploymentRole, Membership
        from kotacerdas.core.storage import (
            sqlite_connections_check,
            sqlite_file_remember,
            sqlite_files_tighten,
        )
        from kotacerdas.regions.models import Region

        def forget_zone(sender: type[Region], instance: Region, **kwargs: object) -> None:
            timezones.forget(instance)

        post_save.connect(forget_zone, sender=Region, dispatch_uid="core.forget_region_zone")
        post_delete.connect(forget_zone, sender=Region, dispatch_uid="core.forget_region_zone_del")
        caching.watch_live()
        caching.watch_roles(Membership)
        caching.watch_roles(DeploymentRole)
        connection_created.connect(sqlite_files_tighten, dispatch_uid="core_sqlite_modes")
        # SQLite connections are kept open between requests (settings): one
        # whose file was moved or replaced is closed before it is used again.
        connection_created.connect(sqlite_file_remember, dispatch_uid="core_sqlite_file")
        request_started.connect(sqlite_connections_check, dispatch_uid="core_sqlite_file_check")
