from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("指标体系")

    def ready(self):
        from appraisal.demo import register_demo_step

        from .demo import demo_step_plan

        register_demo_step(100, demo_step_plan)

        # Publicity guard: scores entered but not approved count as missing (named check of the checklist).
        from appraisal import period_guards
        from appraisal.models import PeriodState

        period_guards.register_facts(_unapproved_facts)
        period_guards.register_check(period_guards.Check(
            "leaves_approved", _("未审定的得分按未评分计：本期得分均已审定"), PeriodState.PUBLICITY,
            lambda facts: list(facts.get("unapproved", ()))))


def _unapproved_facts(period, to_state, facts) -> None:
    from appraisal.models import PeriodState

    from .assessing import unapproved_items

    if to_state == PeriodState.PUBLICITY:
        facts["unapproved"] = unapproved_items(period)
