from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    """Periods an office can trust (DOMAIN.md §8): the facts behind the checklist of every move,
    objections during publicity, the automatic lock and the scripted moves."""

    name = "periods"
    verbose_name = _("周期与公示")

    def ready(self) -> None:
        from appraisal import period_guards
        from appraisal.events import period_state_changed

        from . import facts, services

        for provider in facts.PROVIDERS:
            period_guards.register_facts(provider)
        # when a year locks, its grades and ranks become history (DOMAIN.md §8)
        period_state_changed.connect(services.on_period_state_changed, dispatch_uid="periods.history")
