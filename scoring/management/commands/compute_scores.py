import sys

from django.core.management.base import BaseCommand

from appraisal.models import AssessmentYear
from scoring.models import ScoringJob
from scoring.services import job_request


class Command(BaseCommand):
    help = "计算单位某年度的全部成绩（与网页相同的 Celery 任务；未配置 Redis 时在本进程内执行）。"

    def add_arguments(self, parser):
        parser.add_argument("org_code")
        parser.add_argument("year", type=int)

    def handle(self, *args, org_code, year, **options):
        from appraisal.errors import ApplicationError

        assessment_year = (AssessmentYear.objects.select_related("organisation")
                           .filter(organisation__code=org_code, year=year).first())
        if assessment_year is None:
            self.stderr.write(f"没有单位“{org_code}”的 {year} 年度数据。")
            sys.exit(1)
        try:
            job = job_request(user=None, assessment_year=assessment_year)
        except ApplicationError as error:
            self.stderr.write(error.message)
            sys.exit(1)
        job = _wait(job)
        if job.state != ScoringJob.State.DONE:
            self.stderr.write(job.message or "计算未完成。")
            sys.exit(1)
        self.stdout.write(f"{org_code} {year} 年度计算完成：{job.message}")


def _wait(job, timeout: float = 600.0):
    """Eager Celery has finished by now; with a worker, wait for it."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.state in (ScoringJob.State.DONE, ScoringJob.State.FAILED) or time.monotonic() > deadline:
            return job
        time.sleep(0.5)
