"""User text in Excel workbooks, safely (formula injection; SECURITY.md).

A spreadsheet takes a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` for a formula:
``=HYPERLINK(...)`` sends a click elsewhere, ``=cmd|' /c calc'!A1`` (DDE) runs a program. Every xlsx
the product writes goes through ``append_row``/``text_cell``: such text is stored as a text cell (with
Excel's quote prefix, so that editing the cell does not turn it into a formula either), and its value is
kept exactly. Every importer asks ``formula_problem`` about each text cell and refuses the file with a
Chinese message naming sheet, row and column.

Numbers stay numbers: only ``str`` values are looked at, so a negative number typed as a number is
written and read as a number. Works with normal and write-only worksheets. No models: openpyxl and gettext.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@")
# A tab, carriage return or line feed in front hides a formula from a first-character check, and some
# programs drop them when they open the file.
HIDING_STARTS = ("\t", "\r", "\n")
SPACES = " \u3000\t\r\n"
# First characters worth a closer look (a fast filter for readers of large sheets).
FORMULA_SUSPECTS = frozenset("".join(FORMULA_STARTS) + SPACES)


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet (or a program that trims the text first) take this text for a formula?"""
    if not text:
        return False
    return text.startswith(FORMULA_STARTS + HIDING_STARTS) or text.lstrip(SPACES).startswith(FORMULA_STARTS)


def text_cell(worksheet, value: str):
    """A cell holding ``value`` as text whatever it starts with (shown and edited as text)."""
    cell = WriteOnlyCell(worksheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_value(worksheet, value):
    """``value`` ready for ``worksheet.append``: formula-like text becomes a text cell."""
    if isinstance(value, str) and looks_like_formula(value):
        return text_cell(worksheet, value)
    return value


def append_row(worksheet, values: Iterable) -> None:
    """``worksheet.append(values)`` with every text written as text."""
    worksheet.append([safe_value(worksheet, value) for value in values])


def datasets_workbook(datasets: Iterable) -> bytes:
    """tablib datasets (django-import-export exports) as an xlsx, one sheet per dataset, bold frozen
    header, every text written through ``append_row`` (tablib's own xlsx writer writes formulas).
    Write-only: rows are streamed, whatever the number of people or indicators."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for index, dataset in enumerate(datasets, start=1):
        sheet = book.create_sheet(dataset.title or f"Sheet{index}")
        sheet.freeze_panes = "A2"
        header = []
        for value in dataset.headers or []:
            formula_like = isinstance(value, str) and looks_like_formula(value)
            cell = text_cell(sheet, value) if formula_like else WriteOnlyCell(sheet, value)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in dataset:
            append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def formula_problem(value) -> str | None:
    """The Chinese reason an imported text cell is refused, or None. Only text is looked at."""
    if not isinstance(value, str) or not looks_like_formula(value):
        return None
    try:  # a number stored as text ("-5") is no formula; the column's own rules judge it
        if Decimal(value.strip()).is_finite():
            return None
    except InvalidOperation:
        pass
    if value[:1] in HIDING_STARTS:
        return _("以制表符或换行开头的文字不能导入（可能隐藏公式），请删除开头的空白字符")
    return _("以“%(char)s”开头的文字会被 Excel 当作公式执行，不能导入；请修改文字，不要以 = + - @ 开头") % {
        "char": value.lstrip(SPACES)[:1]}


def formula_errors(sheet: str, headers, rows, columns=None) -> list[str]:
    """Every formula-like text cell of a sheet read by an importer, as “sheet / 第N行 / column：reason”.

    ``rows``: (Excel row number, cell values in header order); ``columns``: the headers the importer
    reads (others are ignored by it, so are not looked at); None means every column.
    """
    headers = ["" if h is None else str(h).strip() for h in headers]
    problems = []
    for number, values in rows:
        for header, value in zip(headers, values):
            if columns is not None and header not in columns:
                continue
            problem = formula_problem(value)
            if problem:
                problems.append(_("%(sheet)s / 第%(row)d行 / %(col)s：%(msg)s") % {
                    "sheet": sheet, "row": number, "col": header, "msg": problem})
    return problems
