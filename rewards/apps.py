from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("结果运用")

    def ready(self):
        from appraisal.demo import register_demo_step

        from .demo import demo_step_window

        # after the results (300) and trace logs (400): a year of 绩效之窗 days and the warnings
        register_demo_step(500, demo_step_window)

        # the results workbook is produced by a background job (issue 16)
        from scoring.job_kinds import register
        from scoring.models import ScoringJob

        from .exports import may_download_results, run_results_export

        register(ScoringJob.Kind.EXPORT_RESULTS, run_results_export, may_download=may_download_results)
