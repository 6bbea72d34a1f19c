import sys

from appraisal.management.base import AuditedCommand
from appraisal.errors import ApplicationError
from appraisal.exchange.importer import year_import
from appraisal.exchange.reader import read_workbook


class Command(AuditedCommand):
    help = "导入年度工作簿（全部校验通过才写入；有问题时列出全部问题并以状态 1 退出）。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--wait", type=float, default=20.0,
                            help="同一单位年度正在由另一个导入或成绩计算写入时，最多等待的秒数（默认 20；超时则提示并以状态 1 退出）")

    def handle(self, *args, path, dry_run=False, wait=20.0, **options):
        result = read_workbook(path)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stderr.write(f"发现 {len(result.errors)} 处问题，未导入任何数据。")
            sys.exit(1)
        data = result.data
        if dry_run:
            self.stdout.write(f"校验通过：{data.org_code} {data.year} 年度，{len(data.departments)} 个部门，"
                              f"{len(data.persons)} 人，{len(data.indicators)} 个指标（未写入）。")
            return
        try:
            summary = year_import(data=data, lock_wait=wait)
        except ApplicationError as error:
            self.stderr.write(error.message)
            sys.exit(1)
        self.stdout.write(summary.line())
