from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracelogConfig(AppConfig):
    name = "tracelog"
    verbose_name = _("过程留痕")

    def ready(self):
        from appraisal.demo import register_demo_step

        from . import signals  # noqa: F401  (account notices become in-app notifications)
        from .demo import demo_step_tracelog

        register_demo_step(400, demo_step_tracelog)
