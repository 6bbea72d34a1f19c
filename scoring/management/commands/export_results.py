import sys

from django.core.management.base import BaseCommand

from appraisal.exchange.sheets import EXCEL_MAX_ROWS
from appraisal.exchange.writer import write_results
from appraisal.models import AssessmentYear
from scoring.results import stored_results


class Command(BaseCommand):
    help = "导出单位某年度的成绩工作簿。"

    def add_arguments(self, parser):
        parser.add_argument("org_code")
        parser.add_argument("year", type=int)
        parser.add_argument("out")
        parser.add_argument("--max-rows", type=int, default=EXCEL_MAX_ROWS,
                            help="每个工作表最多行数（含表头），超出的部分写入续表“名称2”“名称3”…")

    def handle(self, *args, org_code, year, out, max_rows=EXCEL_MAX_ROWS, **options):
        assessment_year = AssessmentYear.objects.filter(organisation__code=org_code, year=year).first()
        if assessment_year is None:
            self.stderr.write(f"没有单位“{org_code}”的 {year} 年度数据。")
            sys.exit(1)
        result = stored_results(assessment_year)
        write_results(result, out, max_rows=max_rows)
        self.stdout.write(f"已导出 {org_code} {year} 年度成绩到 {out}：月度 {len(result.monthly)} 行，"
                          f"年度 {len(result.annual)} 行，部门 {len(result.department_annual)} 行，"
                          f"奖励 {len(result.rewards)} 行。")
