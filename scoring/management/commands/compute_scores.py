import sys
import time

from django.conf import settings

from appraisal.management.base import AuditedCommand
from appraisal.errors import ApplicationError
from appraisal.models import AssessmentYear
from scoring.jobs import job_request
from scoring.models import ScoringJob


class Command(AuditedCommand):
    help = ("计算单位某年度的全部成绩（与网页相同的 Celery 任务；未配置 Redis 时在本进程内执行）。"
            "任务失败时打印原因并以状态 1 退出。")

    def add_arguments(self, parser):
        parser.add_argument("org_code")
        parser.add_argument("year", type=int)
        parser.add_argument("--timeout", type=float, default=1800.0,
                            help="等待计算进程完成的最长秒数（默认 1800；已失败的任务立即返回）")

    def handle(self, *args, org_code, year, timeout, **options):
        assessment_year = (AssessmentYear.objects.select_related("organisation")
                           .filter(organisation__code=org_code, year=year).first())
        if assessment_year is None:
            self.stderr.write(f"没有单位“{org_code}”的 {year} 年度数据。")
            sys.exit(1)
        try:
            ticket = job_request(user=None, assessment_year=assessment_year)
        except ApplicationError as error:
            self.stderr.write(error.message)
            sys.exit(1)
        if ticket.joined:
            self.stdout.write(ticket.message())
        job = _wait(ticket.job, timeout)
        if job.state != ScoringJob.State.DONE:
            if job.state == ScoringJob.State.FAILED:
                self.stderr.write(f"计算失败（任务 #{job.pk}）：{job.message}")
            else:
                self.stderr.write(f"任务 #{job.pk} 在 {timeout:.0f} 秒内未完成（{job.get_state_display()}"
                                  f"{'，' + job.message if job.message else ''}）。")
            sys.exit(1)
        self.stdout.write(f"{org_code} {year} 年度计算完成（任务 #{job.pk}）：{job.message}")


def _wait(job: ScoringJob, timeout: float) -> ScoringJob:
    """Eager Celery has finished by now; with a worker, follow the job until it is done or failed
    (a failure returns at once, whatever the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if not job.active or settings.CELERY_TASK_ALWAYS_EAGER or time.monotonic() > deadline:
            return job
        time.sleep(0.5)
