"""The multi-year rules of DOMAIN.md §7.3 over the departments' history: ``department_notes`` is pure
(standings in, notes out); ``notes_of_year`` gathers the standings of a year and the two before.

"Bottom three" is a place among the last three of the ranked departments, never the first place (so
that with three or fewer departments the first is not also "bottom"). A run counts consecutive years
ending with the year looked at; a year missing from the history breaks it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

ADMONISH = "连续两年排名后三位：负责人诫勉谈话"
REORGANISE = "连续三年排名后三位且低于及格线：调整领导班子"
PROMOTE = "排名第一：负责人列为提拔重用考虑"


@dataclass(frozen=True)
class Standing:
    rank: int | None
    ranked: int
    score: Decimal | None = None

    @property
    def bottom_three(self) -> bool:
        return self.rank is not None and self.rank > 1 and self.ranked >= 2 and self.rank > self.ranked - 3


def department_notes(history: Mapping[int, Standing], year: int, pass_line: Decimal) -> list[str]:
    """The notes of one department for ``year`` given its standings by year (that year included)."""
    current = history.get(year)
    if current is None:
        return []
    notes = []
    if current.rank == 1 and current.ranked >= 2:
        notes.append(PROMOTE)
    run = 0
    while (standing := history.get(year - run)) is not None and standing.bottom_three:
        run += 1
    if run >= 2:
        notes.append(ADMONISH)
    below = all(history[year - k].score is not None and history[year - k].score < pass_line for k in range(3)) \
        if run >= 3 else False
    if run >= 3 and below:
        notes.append(REORGANISE)
    return notes


def notes_of_year(assessment_year, department_ids=None) -> dict[int, list[str]]:
    """The §7.3 multi-year notes of each department for a year: this year's standing (stored results)
    and the earlier years' history. Two queries."""
    from appraisal.models import Scheme
    from scoring.models import DepartmentAnnualResult

    from .models import DepartmentHistory

    current = list(DepartmentAnnualResult.objects.filter(assessment_year=assessment_year)
                   .values_list("department_id", "annual_score", "overall_rank"))
    if department_ids is not None:
        wanted = set(department_ids)
    else:
        wanted = {d for d, _s, _r in current}
    ranked = sum(1 for _d, _s, rank in current if rank is not None)
    history: dict[int, dict[int, Standing]] = {d: {} for d in wanted}
    for d, year, score, rank, count in (DepartmentHistory.objects.filter(
            department_id__in=wanted, year__lt=assessment_year.year, year__gte=assessment_year.year - 2)
            .values_list("department_id", "year", "annual_score", "overall_rank", "ranked")):
        history[d][year] = Standing(rank, count, score)
    for d, score, rank in current:
        if d in wanted:
            history[d][assessment_year.year] = Standing(rank, ranked, score)
    scheme = Scheme.objects.filter(assessment_year=assessment_year).first()
    from appraisal.scheme import SCHEME_DEFAULTS

    pass_line = scheme.as_decimals()["department.pass_line"] if scheme else SCHEME_DEFAULTS["department.pass_line"]
    return {d: department_notes(h, assessment_year.year, pass_line) for d, h in history.items()}


NOTES_SHEET = "部门多年规则"


def notes_sheet(assessment_year):
    """A writer of the departments' multi-year notes as a sheet of its own, for ``write_results(...,
    extra=…)``: written after the EXCHANGE.md sheets in the same write-only pass (the results
    workbook of a large year is never loaded back to add it)."""
    from appraisal.exchange.sheets import ContinuedSheet
    from appraisal.models import Department

    notes = notes_of_year(assessment_year)

    def write(workbook) -> None:
        sheet = ContinuedSheet(workbook, NOTES_SHEET, ["部门编码", "部门名称", "多年规则"], widths=[12, 20, 60])
        for department in Department.objects.filter(pk__in=notes).order_by("sort_order", "code"):
            if notes[department.pk]:
                sheet.append([department.code, department.name, "；".join(notes[department.pk])])

    return write
