"""The empty input workbook offered for download: every sheet with its headers."""
from __future__ import annotations

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font


def write_template(path_or_filelike) -> None:
    """An empty input workbook: every sheet with its headers; required headers bold, with hints as comments."""
    from . import SHEET_SPECS

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for spec in SHEET_SPECS:
        worksheet = workbook.create_sheet(spec.name)
        for index, (header, required) in enumerate(spec.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=header)
            if required:
                cell.font = bold
            hint = spec.notes.get(header)
            note = ("必填" if required else "选填") + (f"：{hint}" if hint else "")
            cell.comment = Comment(note, "考核办")
            worksheet.column_dimensions[cell.column_letter].width = max(10, 3 * len(header) + 4)
        worksheet.freeze_panes = "A2"
    workbook.save(path_or_filelike)
