from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UmkmConfig(AppConfig):
    name = "kotacerdas.umkm"
    label = "umkm"
    verbose_name = _("Registri UMKM/IKM")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from kotacerdas.core.extensions import panel_register, personal_data_register
        from kotacerdas.regions.models import Region
        from kotacerdas.umkm.caching import watch_registry
        from kotacerdas.umkm.duplicates.services import after_business_saved
        from kotacerdas.umkm.imports.selectors import personal_data_kept
        from kotacerdas.umkm.national.panels import siinas_statistics
        from kotacerdas.umkm.panels import programme_output
        from kotacerdas.umkm.registry.services import after_save_register
        from kotacerdas.umkm.statistics.services import region_zone_follow, region_zone_remember

        panel_register("masterplan.programme_detail", programme_output)
        panel_register("umkm.statistics", siinas_statistics)
        # Every new or changed business is checked for duplicates.
        after_save_register(after_business_saved)
        # What backups say they hold (core/backup.py, the manifest).
        personal_data_register(personal_data_kept)
        # A region's new time zone moves the registered year of businesses
        # registered around New Year (statistics/services.py).
        pre_save.connect(region_zone_remember, sender=Region, dispatch_uid="umkm.zone_remember")
        post_save.connect(region_zone_follow, sender=Region, dispatch_uid="umkm.zone_follow")
        # The cached list and statistics pages go stale with the region's rows.
        watch_registry()
