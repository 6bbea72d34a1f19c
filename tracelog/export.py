"""The filing statistics as an Excel workbook, with Chinese headers."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from appraisal.xlsx import append_row

from . import selectors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def _percent(value) -> float | None:
    # Excel shows the number with a percent format; the value itself is the rounded percentage / 100.
    return None if value is None else float(value) / 100


def _sheet(workbook, title: str, leading: list[str], rows, year: int, month_numbers):
    sheet = workbook.create_sheet(title)
    headers = [*leading, "年度", "月份", "应报数", "已报数", "按时数", "逾期数", "缺报数", "报送率", "按时率"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row, values in rows:
        periods = [(f"{month}月", row.months[month]) for month in month_numbers if month in row.months]
        periods.append(("累计", row.total))
        for label, count in periods:
            append_row(sheet, [*values, year, label, count.due, count.filed, count.on_time, count.late, count.missing,
                          _percent(selectors.rate(count.filed, count.due)),
                          _percent(selectors.rate(count.on_time, count.due))])
    for line in sheet.iter_rows(min_row=2, min_col=len(headers) - 1, max_col=len(headers)):
        for cell in line:
            cell.number_format = "0.0%"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"


def statistics_workbook(stats: selectors.Statistics) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "部门", ["部门编码", "部门名称"],
           [(row, [row.code, row.label]) for row in stats.departments], stats.year, stats.month_numbers)
    _sheet(workbook, "人员", ["工号", "姓名", "部门"],
           [(row, [row.code, row.label, row.department.name]) for row in stats.people], stats.year,
           stats.month_numbers)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
