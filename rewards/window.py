"""Read side of 绩效之窗: the kept leaderboard of a day with each rank's movement since a week before,
filtered by department group and ranked by the total or one category's rate; a department's rank
history. A fixed number of queries whatever the number of departments."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from appraisal.models import AssessmentYear, Department, DepartmentGroup

from . import rules
from .grading import competition_ranks
from .leaderboard import CATEGORY_FIELDS
from .models import LeaderboardDay

MOVEMENT_DAYS = 7


@dataclass
class WindowRow:
    department: Department
    line: LeaderboardDay
    value: Decimal | None
    rank: int | None
    movement: int | None
    earlier_rank: int | None

    @property
    def moved_up(self) -> bool:
        return bool(self.movement and self.movement > 0)

    @property
    def moved_down(self) -> bool:
        return bool(self.movement and self.movement < 0)

    @property
    def movement_abs(self) -> int:
        return abs(self.movement or 0)


@dataclass
class Window:
    day: datetime.date | None
    earlier_day: datetime.date | None
    rows: list[WindowRow]
    group: str
    category: str
    in_publicity: bool
    through: str
    ranked: int

    @property
    def empty(self) -> bool:
        return not self.rows


def _latest_day(assessment_year, on_or_before: datetime.date | None) -> datetime.date | None:
    days = LeaderboardDay.objects.filter(assessment_year=assessment_year)
    if on_or_before is not None:
        days = days.filter(day__lte=on_or_before)
    return days.order_by("-day").values_list("day", flat=True).first()


def _ranks(lines: list[LeaderboardDay], field: str, group: str) -> dict[int, int | None]:
    """Competition ranks by ``field`` over the shown departments (one group, or all)."""
    if not group and field == "total":
        return {line.department_id: line.overall_rank for line in lines}
    if group and field == "total":
        return {line.department_id: line.group_rank for line in lines}
    return competition_ranks({line.department_id: getattr(line, field) for line in lines})


def window(assessment_year: AssessmentYear, *, group: str = "", category: str = "",
           day: datetime.date | None = None) -> Window:
    group = group if group in DepartmentGroup.values else ""
    category = category if category in CATEGORY_FIELDS else ""
    field = CATEGORY_FIELDS.get(category, "total")
    shown_day = _latest_day(assessment_year, day)
    if shown_day is None:
        return Window(None, None, [], group, category, False, "", 0)
    earlier_day = _latest_day(assessment_year, shown_day - datetime.timedelta(days=MOVEMENT_DAYS))
    lines = list(LeaderboardDay.objects.filter(assessment_year=assessment_year, day=shown_day)
                 .select_related("department"))
    if group:
        lines = [line for line in lines if line.department.group == group]
    earlier: dict[int, int | None] = {}
    if earlier_day is not None:
        earlier_lines = [line for line in LeaderboardDay.objects.filter(
            assessment_year=assessment_year, day=earlier_day, department_id__in=[x.department_id for x in lines])]
        earlier = _ranks(earlier_lines, field, group)
    ranks = _ranks(lines, field, group)
    rows = [WindowRow(line.department, line, getattr(line, field), ranks.get(line.department_id),
                      rules.movement(ranks.get(line.department_id), earlier.get(line.department_id)),
                      earlier.get(line.department_id)) for line in lines]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.department.sort_order, r.department.code))
    return Window(shown_day, earlier_day, rows, group, category, any(line.provisional for line in lines),
                  lines[0].through if lines else "", sum(1 for r in rows if r.rank is not None))


@dataclass
class HistoryPoint:
    day: datetime.date
    overall_rank: int | None
    group_rank: int | None
    total: Decimal | None


def rank_history(assessment_year: AssessmentYear, department: Department) -> list[HistoryPoint]:
    """The department's kept lines, one per day (first to last)."""
    return [HistoryPoint(day, overall, group, total) for day, overall, group, total in LeaderboardDay.objects.filter(
        assessment_year=assessment_year, department=department).order_by("day").values_list(
        "day", "overall_rank", "group_rank", "total")]


def weekly(points: list[HistoryPoint]) -> list[HistoryPoint]:
    """One point per week (the last kept day of each ISO week) for the table beside the chart."""
    by_week: dict[tuple[int, int], HistoryPoint] = {}
    for point in points:
        by_week[point.day.isocalendar()[:2]] = point
    return list(by_week.values())
