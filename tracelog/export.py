"""The filing statistics as an Excel workbook, with Chinese headers."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from appraisal.exchange.sheets import ContinuedSheet

from . import selectors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def _percent(value) -> float | None:
    # Excel shows the number with a percent format; the value itself is the rounded percentage / 100.
    return None if value is None else float(value) / 100


def _sheet(workbook, title: str, leading: list[str], rows, year: int, month_numbers):
    headers = [*leading, "年度", "月份", "应报数", "已报数", "按时数", "逾期数", "缺报数", "报送率", "按时率"]
    sheet = ContinuedSheet(workbook, title, headers, formats=[None] * (len(headers) - 2) + ["0.0%", "0.0%"],
                           widths=[max(10, len(header) * 2 + 4) for header in headers],
                           header_fill=HEADER_FILL, header_alignment=Alignment(horizontal="center"))
    for row, values in rows:
        periods = [(f"{month}月", row.months[month]) for month in month_numbers if month in row.months]
        periods.append(("累计", row.total))
        for label, count in periods:
            sheet.append([*values, year, label, count.due, count.filed, count.on_time, count.late, count.missing,
                          _percent(selectors.rate(count.filed, count.due)),
                          _percent(selectors.rate(count.on_time, count.due))])


def statistics_workbook(stats: selectors.Statistics) -> bytes:
    """A write-only workbook (a row per person and month: 130,000 rows at 10,000 persons), streamed."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, "部门", ["部门编码", "部门名称"],
           [(row, [row.code, row.label]) for row in stats.departments], stats.year, stats.month_numbers)
    _sheet(workbook, "人员", ["工号", "姓名", "部门"],
           [(row, [row.code, row.label, row.department.name]) for row in stats.people], stats.year,
           stats.month_numbers)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
