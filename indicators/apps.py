from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("指标体系")

    def ready(self):
        from appraisal.demo import register_demo_step

        from .demo import demo_step_plan

        register_demo_step(100, demo_step_plan)
