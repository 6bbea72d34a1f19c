"""Read the stored results of an organisation-year back as a ``YearResult`` (for the results
workbook), in one query per table."""
from __future__ import annotations

from appraisal.models import AssessmentYear

from .leadership.data import stored_leadership
from .models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PersonHalfResult, RewardResult,
)
from .yeardata import (
    AnnualRow, DepartmentAnnualRow, DepartmentHalfRow, MonthlyRow, PersonHalfRow, RewardRow, YearResult,
)


def stored_results(assessment_year: AssessmentYear) -> YearResult:
    year = assessment_year
    result = YearResult()
    for r in (MonthlyResult.objects.filter(assessment_year=year).select_related("person", "department")
              .order_by("department__sort_order", "person__staff_id", "month")):
        result.monthly.append(MonthlyRow(r.person.staff_id, r.person.name, r.department.code, r.month,
                                         r.responsibility_rate, r.workload_coefficient, r.peer_score,
                                         r.monthly_score, r.monthly_grade))
    for r in (DepartmentHalfResult.objects.filter(assessment_year=year).select_related("department")
              .order_by("department__sort_order", "half")):
        result.department_half.append(DepartmentHalfRow(r.department.code, r.half, r.business_rate,
                                                         r.management_rate, r.satisfaction_score, r.half_score))
    for r in (PersonHalfResult.objects.filter(assessment_year=year).select_related("person", "department")
              .order_by("department__sort_order", "person__staff_id", "half")):
        result.person_half.append(PersonHalfRow(r.person.staff_id, r.person.name, r.department.code, r.half,
                                                r.responsibility_rate, r.half_score))
    for r in (AnnualResult.objects.filter(assessment_year=year).select_related("person", "department")
              .order_by("department__sort_order", "department_rank", "person__staff_id")):
        result.annual.append(AnnualRow(r.person.staff_id, r.person.name, r.department.code, r.monthly_average,
                                       r.half_average, r.common_score, r.vetoed, r.annual_score, r.department_rank,
                                       r.grade, r.bonus_coefficient))
    for r in (DepartmentAnnualResult.objects.filter(assessment_year=year).select_related("department")
              .order_by("overall_rank", "department__sort_order")):
        result.department_annual.append(DepartmentAnnualRow(r.department.code, r.department.name, r.department.group,
                                                            r.annual_score, r.overall_rank, r.group_rank, r.advanced,
                                                            r.excellent_quota, r.remark))
    stored_leadership(year, result)
    for r in (RewardResult.objects.filter(assessment_year=year).select_related("person")
              .order_by("person__staff_id", "reward_type")):
        result.rewards.append(RewardRow(r.person.staff_id, r.person.name, r.reward_type, r.amount))
    return result
