"""The office's Excel export of a year's leadership appraisal: the two result sheets exactly as the
results workbook writes them, the poll aggregates per object and group, and the comments (语言评价)
without raters — aggregates and comments only where the anonymity floor is met."""
from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Font

from appraisal.exchange.writer import FIGURE, FIGURE_FORMAT, RESULT_SHEET_BY_NAME, _figure
from appraisal.xlsx import append_row
from scoring import leadership_rules as lr
from scoring.results import stored_results

from . import selectors

def _sheet(workbook, name, headers):
    worksheet = workbook.create_sheet(name)
    worksheet.append(headers)
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        letter = worksheet.cell(row=1, column=index).column_letter
        worksheet.column_dimensions[letter].width = max(10, 3 * len(header) + 4)
    worksheet.freeze_panes = "A2"
    return worksheet


def leadership_workbook(assessment_year) -> bytes:
    result = stored_results(assessment_year)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name in ("领导班子成绩", "班子成员成绩"):
        spec = RESULT_SHEET_BY_NAME[name]
        worksheet = _sheet(workbook, name, list(spec.headers))
        for record in spec.rows(result):
            worksheet.append([_figure(c.value(record)) if c.kind == FIGURE else (c.value(record) or None)
                              for c in spec.columns])
            for index, column in enumerate(spec.columns, start=1):
                if column.kind == FIGURE:
                    worksheet.cell(row=worksheet.max_row, column=index).number_format = FIGURE_FORMAT
    team = selectors.team_of(assessment_year)
    members = selectors.members_of(team) if team else []
    scheme = selectors.scheme_of(assessment_year)
    aggregates = selectors.aggregates(selectors.poll_of(team), scheme)
    objects = [(lr.TEAM, "", aggregates.get(None))] + [
        (m.person.name, m.person.staff_id, aggregates.get(m.pk)) for m in members]
    summary = _sheet(workbook, "测评汇总", ["被评对象", "工号", *[f"{g}人数" for g in lr.GROUPS],
                                         *[f"{g}平均分" for g in lr.GROUPS], "测评得分"])
    comments = _sheet(workbook, "语言评价", ["被评对象", "工号", "语言评价"])
    for name, staff_id, aggregate in objects:
        if aggregate is None:
            continue
        summary.append([name, staff_id or None, *[aggregate.counts[g] for g in lr.GROUPS],
                        *[_figure(aggregate.means[g]) for g in lr.GROUPS], _figure(aggregate.poll)])
        for text in aggregate.comments:
            append_row(comments, [name, staff_id or None, text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
