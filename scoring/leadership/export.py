"""The office's Excel export of a year's leadership appraisal: the two result sheets exactly as the
results workbook writes them, the poll aggregates per object and group, and the comments (语言评价)
without raters — aggregates and comments only where the anonymity floor is met."""
from __future__ import annotations

import io

import openpyxl

from appraisal.exchange.sheets import ContinuedSheet
from appraisal.exchange.writer import FIGURE, FIGURE_FORMAT, RESULT_SHEET_BY_NAME, _figure
from scoring import leadership_rules as lr
from scoring.results import stored_results

from . import selectors


def leadership_workbook(assessment_year) -> bytes:
    """A write-only workbook: every sheet streamed through ``ContinuedSheet`` (bold frozen header,
    user text written as text)."""
    result = stored_results(assessment_year)
    workbook = openpyxl.Workbook(write_only=True)
    for name in ("领导班子成绩", "班子成员成绩"):
        spec = RESULT_SHEET_BY_NAME[name]
        worksheet = ContinuedSheet(workbook, name, list(spec.headers),
                                   formats=[FIGURE_FORMAT if c.kind == FIGURE else None for c in spec.columns])
        for record in spec.rows(result):
            worksheet.append([_figure(c.value(record)) if c.kind == FIGURE else (c.value(record) or None)
                              for c in spec.columns])
    team = selectors.team_of(assessment_year)
    members = selectors.members_of(team) if team else []
    scheme = selectors.scheme_of(assessment_year)
    aggregates = selectors.aggregates(selectors.poll_of(team), scheme)
    objects = [(lr.TEAM, "", aggregates.get(None))] + [
        (m.person.name, m.person.staff_id, aggregates.get(m.pk)) for m in members]
    summary = ContinuedSheet(workbook, "测评汇总", ["被评对象", "工号", *[f"{g}人数" for g in lr.GROUPS],
                                                *[f"{g}平均分" for g in lr.GROUPS], "测评得分"])
    comments = ContinuedSheet(workbook, "语言评价", ["被评对象", "工号", "语言评价"])
    for name, staff_id, aggregate in objects:
        if aggregate is None:
            continue
        summary.append([name, staff_id or None, *[aggregate.counts[g] for g in lr.GROUPS],
                        *[_figure(aggregate.means[g]) for g in lr.GROUPS], _figure(aggregate.poll)])
        for text in aggregate.comments:
            comments.append([name, staff_id or None, text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
