"""Routine appraisal's part of the year's input (``scoring.loader``): the quarters' final grades."""
from __future__ import annotations

from .models import QuarterSummary


def load_quarter_grades(assessment_year) -> dict[tuple[str, int], str]:
    """(staff id, quarter) -> the quarter's grade, over the year's graded summaries (one query)."""
    return {(staff_id, number): grade for staff_id, number, grade in
            QuarterSummary.objects.filter(period__assessment_year=assessment_year, person__is_active=True)
            .exclude(grade="").values_list("person__staff_id", "period__number", "grade")}
