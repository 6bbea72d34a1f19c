"""bench_scale prints its figures (timings are measured, never asserted); the synthetic workbook it
builds is a valid year workbook, continued past the row limit."""
import io

import openpyxl
import pytest
from django.core.management import call_command

from appraisal.exchange.reader import read_workbook
from appraisal.exchange.synthetic import write_synthetic_year


def test_synthetic_year_is_valid_and_continues_long_sheets(tmp_path):
    path = tmp_path / "year.xlsx"
    counts = write_synthetic_year(path, 40, max_rows=500)
    assert counts["民主测评"] > 1000
    assert "民主测评3" in openpyxl.load_workbook(path, read_only=True).sheetnames
    result = read_workbook(path)
    assert result.errors == []
    assert len(result.data.persons) == 40 and len(result.data.peer_ratings) == counts["民主测评"]


@pytest.mark.django_db(transaction=True)
def test_bench_scale_prints_the_ratios():
    out = io.StringIO()
    call_command("bench_scale", "--persons", "30", stdout=out)
    text = out.getvalue()
    assert "导入比值" in text and "导出比值" in text and "峰值内存" in text and "次查询" in text
