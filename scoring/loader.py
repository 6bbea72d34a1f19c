"""Read an organisation-year from the database into a ``YearInput`` in a constant number of queries
(one per kind of input), whatever the number of people, indicators or ballots."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from appraisal.models import AssessmentYear, Department, LeaveRecord, Person, Position
from indicators.models import CommonScore, Indicator, IndicatorScore, PlanChange, ResponsibilityWeight, ScoreStatus
from rewards.models import GradeHistory

from . import plan_versions
from .leadership.data import load_leadership
from .routine.data import load_quarter_grades
from .models import PeerRating, SatisfactionRating, WorkloadGrade
from appraisal.scheme import SCHEME_MONTH_LISTS, merge_scheme
from .yeardata import (
    PEER_GRADES, DepartmentData, IndicatorData, PersonData, SatisfactionRating as SatisfactionData,
    YearInput,
)

HALF_NAME = {1: "上半年", 2: "下半年"}


def load_year(assessment_year: AssessmentYear) -> YearInput:
    organisation = assessment_year.organisation
    year = assessment_year
    scheme_values = year.scheme.values if hasattr(year, "scheme") else {}
    departments = list(Department.objects.filter(organisation=organisation, is_active=True)
                       .values("code", "name", "group", "head__staff_id", "head__is_active", "sort_order")
                       .order_by("sort_order", "code"))
    leave = dict(LeaveRecord.objects.filter(assessment_year=year).values_list("person__staff_id", "months"))
    persons = list(Person.objects.filter(organisation=organisation, is_active=True)
                   .values("staff_id", "name", "department__code", "department__is_active", "position", "category"))
    indicators = list(Indicator.objects.filter(assessment_year=year)
                      .values("code", "name", "parent__code", "category", "department__code", "full_score",
                              "bonus_cap", "cycle", "kind", "importance"))
    weights = {(code, staff_id): weight for code, staff_id, weight in
               ResponsibilityWeight.objects.filter(indicator__assessment_year=year, person__is_active=True)
               .values_list("indicator__code", "person__staff_id", "weight")}
    monthly_scores, half_scores = {}, {}
    # Only scores the office approved are computed (an assessor's drafts and submissions wait).
    for code, kind, number, score in (IndicatorScore.objects.filter(indicator__assessment_year=year,
                                                                     status=ScoreStatus.APPROVED)
                                      .values_list("indicator__code", "period__kind", "period__number", "score")):
        if kind == "month":
            monthly_scores[(number, code)] = score
        elif kind == "half":
            half_scores[(HALF_NAME[number], code)] = score
    # The democratic evaluation is counted in the database: per (month, ratee) the number of each
    # grade, over the raters the pipeline counts (in the organisation, active, in an active
    # department, not 局领导; never oneself, a constraint) — no row, tuple or object per ballot.
    tallies = {(month, ratee): counts for month, ratee, *counts in
               PeerRating.objects.filter(period__assessment_year=year, period__kind="month", ratee__is_active=True,
                                         rater__organisation=organisation, rater__is_active=True,
                                         rater__department__is_active=True)
               .exclude(rater__position=Position.LEADER)
               .values_list("period__number", "ratee__staff_id").order_by()
               .annotate(**{f"grade{index}": Count("pk", filter=Q(grade=grade))
                            for index, grade in enumerate(PEER_GRADES)})}
    workload = {(month, staff_id): grade for month, staff_id, grade in
                WorkloadGrade.objects.filter(period__assessment_year=year, period__kind="month")
                .values_list("period__number", "person__staff_id", "grade")}
    satisfaction = [SatisfactionData(HALF_NAME[number], group, label or "", code, grade)
                    for number, group, label, code, grade in
                    SatisfactionRating.objects.filter(period__assessment_year=year, period__kind="half",
                                                      department__is_active=True)
                    .values_list("period__number", "group", "rater_label", "department__code", "grade")]
    common = {(staff_id, code): value for staff_id, code, value in
              CommonScore.objects.filter(indicator__assessment_year=year, person__is_active=True,
                                         status=ScoreStatus.APPROVED)
              .values_list("person__staff_id", "indicator__code", "value")}
    history = {(staff_id, y): grade for staff_id, y, grade in
               GradeHistory.objects.filter(person__organisation=organisation, year__lt=year.year)
               .values_list("person__staff_id", "year", "grade")}
    plan_changes = [plan_versions.PlanChange(pk, month, code, field, old, staff_id) for pk, month, code, field, old, staff_id
                    in PlanChange.objects.filter(assessment_year=year).order_by("id")
                    .values_list("pk", "effective_month", "indicator__code", "field", "old_value", "person__staff_id")]
    return YearInput(
        org_code=organisation.code, org_name=organisation.name, year=year.year,
        scheme=merge_scheme({k: Decimal(str(v)) for k, v in scheme_values.items() if k not in SCHEME_MONTH_LISTS}),
        departments=[DepartmentData(d["code"], d["name"], d["group"],
                                    d["head__staff_id"] if d["head__is_active"] else None) for d in departments],
        persons=[PersonData(p["staff_id"], p["name"],
                            p["department__code"] if p["department__is_active"] else None,
                            p["position"], p["category"], leave.get(p["staff_id"], 0)) for p in persons],
        indicators=[IndicatorData(code=i["code"], name=i["name"], parent_code=i["parent__code"],
                                  category=i["category"], department_code=i["department__code"],
                                  full_score=i["full_score"], bonus_cap=i["bonus_cap"], cycle=i["cycle"] or None,
                                  kind=i["kind"], importance=i["importance"]) for i in indicators],
        weights=weights, monthly_scores=monthly_scores, peer_tallies=tallies, workload=workload,
        half_scores=half_scores, satisfaction=satisfaction, common_scores=common, history=history,
        plan_changes=plan_changes, quarter_grades=load_quarter_grades(year),
        **load_leadership(year),
    )
