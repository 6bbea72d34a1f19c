from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracelogConfig(AppConfig):
    name = "tracelog"
    verbose_name = _("过程留痕")
