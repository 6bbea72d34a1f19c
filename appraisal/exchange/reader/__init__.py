"""Read and validate the year workbook of EXCHANGE.md "Input workbook" into a ``YearInput``.

Pure Python (openpyxl), no Django. Every problem is collected, not only the first, with the sheet
(a continuation sheet such as 民主测评2 by its own name), the Excel row number and the column header,
in Chinese for the assessment office. When anything is wrong ``data`` is None: the caller imports nothing.

The workbook is streamed: read-only worksheets, rows as tuples, the header mapped once per worksheet.

Adding a sheet: write a module next to these with its ``SheetSpec`` and a ``read(ctx)`` function that
walks ``ctx.rows(spec)`` and returns the ``YearInput`` fields it fills, then put its ``Sheet`` into
``SHEETS`` below after the sheets it refers to (persons, indicators …). The template and the
error order follow ``SHEETS``. Adding a column to a sheet: add it to the spec and unpack it in that
sheet's ``read``.
"""
from __future__ import annotations

import zipfile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from appraisal.scheme import merge_scheme
from scoring.yeardata import YearInput

from . import ballots, indicators, leadership, optional, organisation, scores
from .base import INVALID, Context, ReadResult, Sheet, SheetSpec, WorkbookError

# The sheets in reading order (each may refer to the ones before it); also the template's order.
SHEETS: tuple[Sheet, ...] = (
    *organisation.SHEETS,  # 方案参数, 单位, 部门, 人员
    *indicators.SHEETS,  # 指标, 责任比重
    scores.SHEETS[0],  # 月度指标得分
    ballots.SHEETS[0],  # 民主测评
    ballots.SHEETS[1],  # 工作量系数
    scores.SHEETS[1],  # 半年指标得分
    ballots.SHEETS[2],  # 满意度测评
    scores.SHEETS[2],  # 共同类得分
    *optional.SHEETS,  # 历史等次
    *leadership.SHEETS,  # 班子成员, 班子测评, 班子实绩 (DOMAIN.md §7.4)
)
SHEET_SPECS: tuple[SheetSpec, ...] = tuple(sheet.spec for sheet in SHEETS)
SPEC_BY_NAME = {spec.name: spec for spec in SHEET_SPECS}
SHEET_ORDER = {spec.name: index for index, spec in enumerate(SHEET_SPECS)}

__all__ = ["INVALID", "ReadResult", "SHEETS", "SHEET_SPECS", "Sheet", "SheetSpec", "WorkbookError",
           "read_workbook", "write_template"]


def read_workbook(path_or_filelike, progress=None) -> ReadResult:
    """Read and validate a year workbook (a path or a binary file object). ``progress(rows_read,
    rows_total, sheets_checked, sheets_total)`` is told how far the read is (rows_total is what the
    worksheets declare, 0 when they do not)."""
    try:
        workbook = openpyxl.load_workbook(path_or_filelike, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        return ReadResult(data=None, errors=[WorkbookError("", None, None,
                                                           "无法打开文件：请上传 Excel 工作簿（.xlsx 格式）")])
    try:
        return read_opened(workbook, progress)
    finally:
        workbook.close()


def read_opened(workbook, progress=None) -> ReadResult:
    ctx = Context(workbook, SHEET_ORDER)
    fields: dict = {}
    if progress is not None:
        declared = sum(max((worksheet.max_row or 1) - 1, 0) for worksheet in workbook.worksheets)
        checked = 0
        ctx.tick = lambda rows: progress(rows, declared, checked, len(SHEETS))
        progress(0, declared, 0, len(SHEETS))
    for sheet in SHEETS:
        fields.update(sheet.read(ctx))
        if progress is not None:
            checked += 1
            progress(ctx.rows_read, declared, checked, len(SHEETS))
    if ctx.errors:
        return ReadResult(data=None, errors=ctx.sorted_errors())
    data = YearInput(
        org_code=ctx.org_code,
        org_name=ctx.org_name,
        year=ctx.year,
        scheme=merge_scheme(ctx.scheme_overrides),
        departments=list(ctx.departments.values()),
        persons=list(ctx.persons.values()),
        **fields,
    )
    return ReadResult(data=data, errors=[])


from .template import write_template  # noqa: E402  (the template is made from SHEET_SPECS)
