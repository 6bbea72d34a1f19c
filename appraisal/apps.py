from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("组织与考核周期")

    def ready(self):
        from . import choices, lookups, signals  # noqa: F401  (signals: audit of logins, logouts, failures, lockouts)

        lookups.register()
        choices.install()
