"""bench_scale: a synthetic organisation-year of N persons as a year workbook, then import, compute and
export through the product's own code, with the two ratios of issue 16 (a benchmark: it prints
figures and asserts nothing).

    import ratio = (read and validate + import) / a plain openpyxl read-only read of the same file
    export ratio = export_results' write / a plain write-only write of the same rows
"""
import resource
import tempfile
import time
from pathlib import Path

import openpyxl
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.exchange.importer import year_import
from appraisal.exchange.reader import read_workbook
from appraisal.exchange.synthetic import write_synthetic_year
from appraisal.exchange.writer import RESULT_SHEETS, write_results
from appraisal.models import AssessmentYear
from scoring.results import stored_results
from scoring.services import year_compute


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Command(BaseCommand):
    help = "合成 N 人的年度工作簿，测量导入、计算、导出的耗时、峰值内存、查询数及两个比值。"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--org", default="SYN")
        parser.add_argument("--keep", default="", help="把合成的工作簿保存到此路径（默认临时目录）")

    def handle(self, *args, persons, org, keep="", **options):
        with tempfile.TemporaryDirectory() as directory:
            source = Path(keep) if keep else Path(directory) / "year.xlsx"
            started = time.perf_counter()
            counts = write_synthetic_year(source, persons, org_code=org)
            self.line("合成工作簿", time.perf_counter() - started, None,
                      f"{sum(counts.values())} 行，其中民主测评 {counts['民主测评']} 行")

            started = time.perf_counter()
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
            rows = sum(1 for worksheet in workbook.worksheets for _row in worksheet.iter_rows(values_only=True))
            workbook.close()
            plain_read = time.perf_counter() - started
            self.line("openpyxl 只读读取（基准）", plain_read, None, f"{rows} 行")

            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = read_workbook(source)
                reading = time.perf_counter() - started
                if result.errors:
                    for error in result.errors[:20]:
                        self.stderr.write(str(error))
                    raise SystemExit(1)
                year_import(data=result.data)
                importing = time.perf_counter() - started
            del result
            self.line("读取校验", reading, None, "")
            self.line("读取校验 + 导入", importing, len(queries), f"峰值内存 {_peak_mb():.0f} MB")

            year = AssessmentYear.objects.get(organisation__code=org, year=2025)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                year_compute(assessment_year=year)
                computing = time.perf_counter() - started
            self.line("计分（year_compute）", computing, len(queries), "")

            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                results = stored_results(year)
                loading = time.perf_counter() - started
                target = Path(directory) / "results.xlsx"
                started = time.perf_counter()
                write_results(results, target)
                exporting = time.perf_counter() - started
            self.line("读取结果（stored_results）", loading, len(queries), "")
            self.line("导出写入（write_results）", exporting, None, f"{len(results.monthly)} 行月度成绩")

            started = time.perf_counter()
            plain = openpyxl.Workbook(write_only=True)
            for sheet in RESULT_SHEETS:
                worksheet = plain.create_sheet(sheet.name)
                worksheet.append(list(sheet.headers))
                for record in sheet.rows(results):
                    worksheet.append([column.value(record) for column in sheet.columns])
            plain.save(Path(directory) / "plain.xlsx")
            plain_write = time.perf_counter() - started
            self.line("openpyxl 只写写入（基准）", plain_write, None, "")

            self.stdout.write(f"导入比值（读取校验+导入 / 只读读取）：{importing / plain_read:.2f}")
            self.stdout.write(f"导出比值（导出写入 / 只写写入）：{exporting / plain_write:.2f}")
            self.stdout.write(f"计分耗时：{computing:.1f} s；峰值内存（进程）：{_peak_mb():.0f} MB")

    def line(self, label, seconds, queries, note):
        query_text = "" if queries is None else f"{queries:>6} 次查询"
        self.stdout.write(f"{label:<28}{seconds:>9.2f} s {query_text:>12}  {note}")
