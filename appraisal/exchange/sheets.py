"""Writing long sheets into write-only workbooks: a sheet that continues in 名称2, 名称3 … (EXCHANGE.md)
when it passes Excel's row limit, each part with the same bold header row and frozen first row.

Styled cells (number formats) are one reusable ``WriteOnlyCell`` per column: openpyxl serialises a
row when it is appended, so no cell object is made per value.
"""
from __future__ import annotations

import re
from typing import Container, Iterable, Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from appraisal.xlsx import FORMULA_SUSPECTS, safe_value

EXCEL_MAX_ROWS = 1_048_576  # rows of one worksheet, the header row included
_BOLD = Font(bold=True)


class ContinuedSheet:
    """Rows of one logical sheet, in as many worksheets as ``max_rows`` (header included) requires."""

    def __init__(self, workbook, name: str, headers: Sequence[str], *, max_rows: int = EXCEL_MAX_ROWS,
                 formats: Sequence[str | None] | None = None, widths: Sequence[float] | None = None,
                 header_fill=None, header_alignment=None):
        if max_rows < 2:
            raise ValueError("max_rows must leave room for a data row under the header")
        self.workbook = workbook
        self.name = name
        self.headers = tuple(headers)
        self.max_rows = max_rows
        self.formats = tuple(formats) if formats and any(formats) else None
        self.widths = widths
        self.header_fill, self.header_alignment = header_fill, header_alignment
        self.rows = 0  # data rows written, over every part
        self.titles: list[str] = []
        self._worksheet = None
        self._left = 0  # data rows the current part still takes
        self._start()

    def _start(self) -> None:
        title = self.name if not self.titles else f"{self.name}{len(self.titles) + 1}"
        worksheet = self.workbook.create_sheet(title)
        worksheet.freeze_panes = "A2"
        for index, header in enumerate(self.headers):
            width = self.widths[index] if self.widths else max(10, 3 * len(header) + 4)
            worksheet.column_dimensions[_letter(index)].width = width
        header_cells = []
        for header in self.headers:
            cell = WriteOnlyCell(worksheet, value=header)
            cell.font = _BOLD
            if self.header_fill is not None:
                cell.fill = self.header_fill
            if self.header_alignment is not None:
                cell.alignment = self.header_alignment
            header_cells.append(cell)
        worksheet.append(header_cells)
        self._worksheet = worksheet
        self._left = self.max_rows - 1
        self.titles.append(title)
        if self.formats:
            cells = []
            for number_format in self.formats:
                if number_format:
                    cell = WriteOnlyCell(worksheet)
                    cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(None)
            self._cells = cells

    def append(self, values: Sequence) -> None:
        if not self._left:
            self._start()
        self._left -= 1
        self.rows += 1
        row = list(values)
        for index, value in enumerate(row):  # formula injection: user text is written as text
            if value.__class__ is str and value[:1] in FORMULA_SUSPECTS:
                row[index] = safe_value(self._worksheet, value)
        if self.formats:
            for index, cell in enumerate(self._cells):
                if cell is not None and row[index] is not None:
                    cell.value = row[index]
                    row[index] = cell
        self._worksheet.append(row)

    def extend(self, rows: Iterable[Sequence]) -> None:
        for values in rows:
            self.append(values)

    def close(self) -> int:
        """The number of data rows written."""
        return self.rows


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


_NUMBERED = re.compile(r"(.+?)([1-9][0-9]*)")


def base_sheet_name(title: str, names: Container[str]) -> str:
    """The sheet a worksheet belongs to: ``title`` itself when it is one of ``names``, else the name it
    continues (民主测评2 → 民主测评), else ``title`` unchanged."""
    if title in names:
        return title
    match = _NUMBERED.fullmatch(title)
    if match and match.group(1) in names and match.group(2) != "1":
        return match.group(1)
    return title
