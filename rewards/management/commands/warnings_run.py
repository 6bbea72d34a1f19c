"""python manage.py warnings_run ORG_CODE YEAR MONTH [--dry-run]: the pre-appraisal of a warning month,
as the office's page runs it (drafts 待签发 warnings for review), or only lists them with --dry-run."""
from django.core.management.base import CommandError

from appraisal.management.base import AuditedCommand
from appraisal.errors import ApplicationError
from appraisal.models import AssessmentYear
from rewards.prewarnings import warnings_run


class Command(AuditedCommand):
    help = "预考核：按考核方案的预警阈值生成某月的待签发预警（--dry-run 只列出，不写入）。"

    def add_arguments(self, parser):
        parser.add_argument("org_code")
        parser.add_argument("year", type=int)
        parser.add_argument("month", type=int)
        parser.add_argument("--dry-run", action="store_true", help="只列出将生成的预警，不写入数据库")

    def handle(self, org_code, year, month, dry_run=False, **options):
        assessment_year = AssessmentYear.objects.filter(organisation__code=org_code, year=year).first()
        if assessment_year is None:
            raise CommandError(f"找不到单位 {org_code} 的 {year} 考核年度。")
        try:
            report = warnings_run(user=None, assessment_year=assessment_year, month=month, dry_run=dry_run)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        for c in report.candidates:
            progress = f" 进度 {c.progress}%（阶段目标 {c.stage_target}%）" if c.progress is not None else ""
            extra = f" 共享指标“{c.indicator.shared}”第 {c.shared_rank}/{c.shared_count} 名" if c.shared_rank else ""
            self.stdout.write(f"{c.level:<4} {c.indicator.department.name} {c.indicator.code} {c.indicator.name} "
                              f"得分率 {c.rate}%{progress}{extra}{'（后三名）' if c.bottom_three else ''}")
        if dry_run:
            self.stdout.write(f"{month} 月预考核（试运行）：{len(report.candidates)} 条预警，未写入。")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{month} 月预考核：新生成 {report.created} 条、更新 {report.refreshed} 条待签发预警，"
                f"已下发的 {report.kept} 条不变。"))
