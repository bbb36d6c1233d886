from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "kotacerdas.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from kotacerdas.core.extensions import panel_register
        from kotacerdas.monitoring.panels import ACTION_PLAN_SLOT, action_plan_progress

        panel_register(ACTION_PLAN_SLOT, action_plan_progress)
