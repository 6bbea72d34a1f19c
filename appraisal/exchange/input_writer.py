"""The year's input workbook from the database (issue 14, round trip): the same sheets and columns the
reader takes (EXCHANGE.md "Input workbook", ``reader.SHEET_SPECS``), so that export → import gives the
same year. Written write-only, long sheets continued in 民主测评2 … (``sheets.ContinuedSheet``); user
text is written as text, never as a formula.

What the pipeline reads is what is exported: active departments and persons, the indicator plan with
its texts, approved scores (drafts and submissions of assessors are not part of the year's input),
ballots, history and the leadership appraisal.
"""
from __future__ import annotations

from typing import Callable

import openpyxl

from appraisal.models import AssessmentYear
from appraisal.scheme import SCHEME_DEFAULTS
from indicators.models import Indicator
from scoring.leadership.models import LeadershipMember, LeadershipTeam
from scoring.loader import load_year
from scoring.models import PeerRating
from scoring.yeardata import LEADERSHIP_TEAM, IndicatorData, YearInput

from .reader import SHEET_SPECS
from .sheets import EXCEL_MAX_ROWS, ContinuedSheet

HALF_ORDER = {"上半年": 1, "下半年": 2}


def year_input(assessment_year: AssessmentYear) -> YearInput:
    """The year as the input workbook holds it: ``load_year`` with the plan's texts, assessors, shared
    names and person categories (the pipeline does not need them, the workbook does) and the notes
    of the leadership overrides."""
    data = load_year(assessment_year)
    # the pipeline reads the democratic evaluation as tallies; the workbook holds every ballot
    data.peer_tallies = {}
    data.peer_ratings = list(
        PeerRating.objects.filter(period__assessment_year=assessment_year, period__kind="month",
                                  rater__is_active=True, ratee__is_active=True)
        .values_list("period__number", "rater__staff_id", "ratee__staff_id", "grade"))
    data.indicators = [
        IndicatorData(code=i.code, name=i.name, parent_code=i.parent.code if i.parent_id else None,
                      category=i.category, department_code=i.department.code if i.department_id else None,
                      full_score=i.full_score, bonus_cap=i.bonus_cap, cycle=i.cycle or None, kind=i.kind,
                      importance=i.importance, content=i.content, target=i.target, basis=i.basis,
                      data_source=i.data_source, scoring_standard=i.scoring_standard,
                      assessor=i.assessor_department.code if i.assessor_department_id else "",
                      shared=i.shared, person_categories=tuple(i.person_categories or ()))
        for i in Indicator.objects.filter(assessment_year=assessment_year)
        .select_related("parent", "department", "assessor_department").order_by("sort_order", "id")]
    notes: dict[str, str] = {}
    team = LeadershipTeam.objects.filter(assessment_year=assessment_year).first()
    if team is not None:
        if team.work_override is not None:
            notes[LEADERSHIP_TEAM] = team.work_override_reason
        for staff_id, reason in (LeadershipMember.objects.filter(team=team, in_charge_override__isnull=False)
                                 .values_list("person__staff_id", "in_charge_override_reason")):
            notes[staff_id] = reason
    data.leadership_override_notes = notes
    return data


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def _rows(data: YearInput) -> dict[str, Callable]:
    """Sheet name → a function giving its rows, in the spec's column order."""
    persons_order = {p.staff_id: index for index, p in enumerate(data.persons)}
    indicator_order = {i.code: index for index, i in enumerate(data.indicators)}
    return {
        "方案参数": lambda: ((key, data.scheme[key]) for key in SCHEME_DEFAULTS if key in data.scheme),
        "单位": lambda: [(data.org_code, data.org_name, data.year)],
        "部门": lambda: ((d.code, d.name, d.group, d.head_staff_id) for d in data.departments),
        "人员": lambda: ((p.staff_id, p.name, p.department_code, p.position, p.category or None,
                          p.leave_months or None) for p in data.persons),
        "指标": lambda: ((i.code, i.parent_code, i.name, i.category, i.department_code, i.full_score,
                          i.bonus_cap or None, i.cycle, i.kind, i.importance or None, i.content or None,
                          i.target or None, i.basis or None, i.data_source or None, i.scoring_standard or None,
                          i.assessor or None, i.shared or None, "、".join(i.person_categories) or None)
                         for i in data.indicators),
        "责任比重": lambda: ((code, staff_id, weight) for (code, staff_id), weight in sorted(
            data.weights.items(), key=lambda item: (indicator_order.get(item[0][0], 0),
                                                    persons_order.get(item[0][1], 0)))),
        "月度指标得分": lambda: ((month, code, score) for (month, code), score in sorted(
            data.monthly_scores.items(), key=lambda item: (item[0][0], indicator_order.get(item[0][1], 0)))),
        "民主测评": lambda: (tuple(rating) for rating in sorted(data.peer_ratings, key=lambda r: (
            r[0], persons_order.get(r[1], 0), persons_order.get(r[2], 0)))),
        "工作量系数": lambda: ((month, staff_id, grade) for (month, staff_id), grade in sorted(
            data.workload.items(), key=lambda item: (item[0][0], persons_order.get(item[0][1], 0)))),
        "半年指标得分": lambda: ((half, code, score) for (half, code), score in sorted(
            data.half_scores.items(), key=lambda item: (HALF_ORDER[item[0][0]], indicator_order.get(item[0][1], 0)))),
        "满意度测评": lambda: ((r.half, r.group, r.rater or None, r.department_code, r.grade)
                              for r in data.satisfaction),
        "共同类得分": lambda: ((staff_id, code, value) for (staff_id, code), value in sorted(
            data.common_scores.items(), key=lambda item: (persons_order.get(item[0][0], 0),
                                                          indicator_order.get(item[0][1], 0)))),
        "历史等次": lambda: ((staff_id, year, grade) for (staff_id, year), grade in sorted(data.history.items())),
        "班子成员": lambda: ((m.staff_id, _yes_no(m.principal), "、".join(m.in_charge) or None)
                            for m in data.leadership_members),
        "班子测评": lambda: ((r.group, r.rater or None, r.target, r.grade) for r in data.leadership_ratings),
        "班子实绩": lambda: ((target, score, data.leadership_override_notes.get(target) or None)
                            for target, score in data.leadership_overrides.items()),
    }


def write_year_input(data: YearInput, path_or_filelike, *, max_rows: int = EXCEL_MAX_ROWS,
                     progress: Callable[[int, str], None] | None = None) -> dict[str, int]:
    """Write the input workbook of ``data``; returns the data rows per sheet. Optional sheets without
    rows are left out (the reader takes their absence as "none"); every required sheet is written,
    with its header even when empty. ``progress(sheets_written, sheet)`` after each sheet."""
    workbook = openpyxl.Workbook(write_only=True)
    rows = _rows(data)
    counts: dict[str, int] = {}
    for index, spec in enumerate(SHEET_SPECS, start=1):
        values = iter(rows[spec.name]())
        first = next(values, None)
        if first is not None or not spec.optional:
            sheet = ContinuedSheet(workbook, spec.name, [header for header, _required in spec.columns],
                                   max_rows=max_rows)
            if first is not None:
                sheet.append(first)
                sheet.extend(values)
            counts[spec.name] = sheet.close()
        if progress is not None:
            progress(index, spec.name)
    workbook.save(path_or_filelike)
    return counts
