from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("考核计分")

    def ready(self):
        from appraisal import access
        from appraisal.demo import register_demo_step

        from .access_rules import RULES

        access.register_rules(RULES)

        from . import signals  # noqa: F401  (a period entering publicity queues the pipeline)
        from .demo import demo_step_ballots, demo_step_results

        register_demo_step(200, demo_step_ballots)
        register_demo_step(300, demo_step_results)
        from .leadership.demo import demo_step_leadership

        register_demo_step(350, demo_step_leadership)
        from .routine.demo import demo_step_routine

        register_demo_step(360, demo_step_routine)
        from .routine import facts as routine_facts

        routine_facts.register()

        # the year workbook's jobs (issue 16) run on the scoring jobs' mechanism
        from appraisal.exchange import jobs as exchange_jobs

        from .job_kinds import register
        from .models import ScoringJob

        register(ScoringJob.Kind.VALIDATE, exchange_jobs.run_validate)
        register(ScoringJob.Kind.IMPORT, exchange_jobs.run_import)
        register(ScoringJob.Kind.EXPORT_INPUT, exchange_jobs.run_export_input,
                 may_download=exchange_jobs.may_download_input)
