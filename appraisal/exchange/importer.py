"""Write a validated year workbook (a ``YearInput``) into the database: the organisation-year's
roster, scheme, indicator plan, weights, scores, ballots and history. One transaction; importing
an existing year replaces its data, unless any of its periods is locked (SECURITY.md item 9)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError
from appraisal.locks import year_lock
from appraisal.models import (
    AssessmentYear, Department, LeaveRecord, Organisation, Period, PeriodKind, PeriodState, Person, Scheme,
)
from indicators.models import CommonScore, Indicator, IndicatorScore, ResponsibilityWeight
from rewards.models import GradeHistory
from scoring.models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PeerRating, PersonHalfResult,
    RewardResult, SatisfactionEvaluation, SatisfactionRating, WorkloadGrade,
)
from scoring.yeardata import YearInput

HALF_NUMBER = {"上半年": 1, "下半年": 2}


@dataclass(frozen=True)
class ImportSummary:
    organisation: Organisation
    assessment_year: AssessmentYear
    replaced: bool
    departments: int
    persons: int
    indicators: int
    rows: int  # scores, ballots and history rows written

    def line(self) -> str:
        return (f"{'已替换' if self.replaced else '已导入'} {self.organisation.code} {self.assessment_year.year} 年度："
                f"{self.departments} 个部门，{self.persons} 人，{self.indicators} 个指标，{self.rows} 条得分与测评数据。")


def year_import(*, data: YearInput, user=None, lock_wait: float = 20.0) -> ImportSummary:
    """``user`` is None for the management command (run by the operator on the server). Imports and
    result publications of one organisation-year run one at a time: this one waits up to
    ``lock_wait`` seconds for the others, then refuses with a message (``YearBusy``)."""
    with transaction.atomic():
        year_lock(data.org_code, data.year, wait=lock_wait)
        organisation, _created = Organisation.objects.get_or_create(code=data.org_code,
                                                                    defaults={"name": data.org_name})
        if user is not None and not access.can(user, "office.manage", organisation):
            raise PermissionDeniedError(_("您没有导入该单位数据的权限。"))
        if organisation.name != data.org_name:
            organisation.name = data.org_name
            organisation.save(update_fields=["name"])
        assessment_year, created = AssessmentYear.objects.get_or_create(organisation=organisation, year=data.year)
        if not created:
            locked = list(Period.objects.filter(assessment_year=assessment_year, state=PeriodState.LOCKED))
            if locked:
                raise StateError(_("%(year)s 年度已有锁定的考核周期（%(periods)s），不能导入替换。") % {
                    "year": data.year, "periods": "、".join(p.label for p in locked[:5])})
            _clear_year(assessment_year)
        else:
            Period.objects.bulk_create(
                [Period(assessment_year=assessment_year, kind=PeriodKind.MONTH, number=m) for m in range(1, 13)]
                + [Period(assessment_year=assessment_year, kind=PeriodKind.HALF, number=h) for h in (1, 2)]
                + [Period(assessment_year=assessment_year, kind=PeriodKind.YEAR, number=1)])
        Scheme.objects.update_or_create(assessment_year=assessment_year,
                                        defaults={"values": {k: format(v, "f") for k, v in data.scheme.items()}})
        departments = _write_departments(organisation, data)
        persons = _write_persons(organisation, data, departments)
        for department_data in data.departments:
            head = persons.get(department_data.head_staff_id) if department_data.head_staff_id else None
            departments[department_data.code].head = head
        Department.objects.bulk_update(departments.values(), ["head"])
        LeaveRecord.objects.bulk_create([
            LeaveRecord(assessment_year=assessment_year, person=persons[p.staff_id], months=p.leave_months)
            for p in data.persons if p.leave_months])
        indicators = _write_plan(assessment_year, data, departments)
        rows = _write_scores_and_ballots(assessment_year, data, persons, departments, indicators)
        summary = ImportSummary(organisation, assessment_year, not created, len(departments), len(persons),
                                len(indicators), rows)
        audit.record("year.import", actor=user, obj=assessment_year, organisation_id=organisation.pk,
                     new={"replaced": not created, "departments": len(departments), "persons": len(persons),
                          "indicators": len(indicators), "rows": rows})
    return summary


def _clear_year(assessment_year: AssessmentYear) -> None:
    periods = Period.objects.filter(assessment_year=assessment_year)
    for model in (MonthlyResult, PersonHalfResult, DepartmentHalfResult, AnnualResult, DepartmentAnnualResult,
                  RewardResult):
        model.objects.filter(assessment_year=assessment_year).delete()
    PeerRating.objects.filter(period__in=periods).delete()
    WorkloadGrade.objects.filter(period__in=periods).delete()
    SatisfactionRating.objects.filter(period__in=periods).delete()
    SatisfactionEvaluation.objects.filter(period__in=periods).delete()
    LeaveRecord.objects.filter(assessment_year=assessment_year).delete()
    indicators = Indicator.objects.filter(assessment_year=assessment_year)
    IndicatorScore.objects.filter(indicator__in=indicators).delete()
    CommonScore.objects.filter(indicator__in=indicators).delete()
    ResponsibilityWeight.objects.filter(indicator__in=indicators).delete()
    indicators.update(parent=None)
    indicators.delete()
    Period.objects.filter(assessment_year=assessment_year).update(state=PeriodState.OPEN, state_changed_at=None)


def _write_departments(organisation, data) -> dict[str, Department]:
    existing = {d.code: d for d in Department.objects.filter(organisation=organisation)}
    listed = {d.code for d in data.departments}
    to_create, to_update = [], []
    for index, item in enumerate(data.departments, start=1):
        department = existing.get(item.code) or Department(organisation=organisation, code=item.code)
        department.name, department.group, department.sort_order, department.is_active = (
            item.name, item.group, index, True)
        department.head = None
        (to_update if department.pk else to_create).append(department)
    Department.objects.bulk_create(to_create)
    Department.objects.bulk_update(to_update, ["name", "group", "sort_order", "is_active", "head"])
    # Departments the workbook no longer lists stay (history refers to them) but take no part.
    Department.objects.filter(organisation=organisation).exclude(code__in=listed).update(is_active=False, head=None)
    return {d.code: d for d in Department.objects.filter(organisation=organisation, code__in=listed)}


def _write_persons(organisation, data, departments) -> dict[str, Person]:
    existing = {p.staff_id: p for p in Person.objects.filter(organisation=organisation)}
    listed = {p.staff_id for p in data.persons}
    to_create, to_update = [], []
    for item in data.persons:
        person = existing.get(item.staff_id) or Person(organisation=organisation, staff_id=item.staff_id)
        person.name, person.position, person.category, person.is_active = (
            item.name, item.position, item.category or "", True)
        person.department = departments.get(item.department_code) if item.department_code else None
        (to_update if person.pk else to_create).append(person)
    Person.objects.bulk_create(to_create)
    Person.objects.bulk_update(to_update, ["name", "position", "category", "is_active", "department"], batch_size=500)
    Person.objects.filter(organisation=organisation).exclude(staff_id__in=listed).update(is_active=False)
    return {p.staff_id: p for p in Person.objects.filter(organisation=organisation, staff_id__in=listed)}


def _write_plan(assessment_year, data, departments) -> dict[str, Indicator]:
    Indicator.objects.bulk_create([
        Indicator(assessment_year=assessment_year, code=item.code, name=item.name, category=item.category,
                  department=departments.get(item.department_code) if item.department_code else None,
                  # a parent's 分值 is informative only; none keeps the positive-score constraint simple
                  full_score=item.full_score if item.full_score and item.full_score > 0 else None,
                  bonus_cap=item.bonus_cap, cycle=item.cycle or "",
                  kind=item.kind or "常规", importance=item.importance or "", content=item.content,
                  target=item.target, basis=item.basis, data_source=item.data_source,
                  scoring_standard=item.scoring_standard,
                  # 考核主体: a department code, or 考核办 / empty for the office
                  assessor_department=departments.get(item.assessor) if item.assessor else None,
                  shared=item.shared, person_categories=list(item.person_categories), sort_order=index)
        for index, item in enumerate(data.indicators)])
    indicators = {i.code: i for i in Indicator.objects.filter(assessment_year=assessment_year)}
    with_parent = []
    for item in data.indicators:
        if item.parent_code:
            indicators[item.code].parent_id = indicators[item.parent_code].pk
            with_parent.append(indicators[item.code])
    Indicator.objects.bulk_update(with_parent, ["parent"], batch_size=500)
    return indicators


def _write_scores_and_ballots(assessment_year, data, persons, departments, indicators) -> int:
    periods = {(p.kind, p.number): p for p in Period.objects.filter(assessment_year=assessment_year)}
    month = lambda m: periods[(PeriodKind.MONTH, m)]  # noqa: E731
    half = lambda h: periods[(PeriodKind.HALF, HALF_NUMBER[h])]  # noqa: E731
    batches = [
        [ResponsibilityWeight(indicator=indicators[code], person=persons[staff_id], weight=weight)
         for (code, staff_id), weight in data.weights.items()],
        [IndicatorScore(indicator=indicators[code], period=month(m), score=score)
         for (m, code), score in data.monthly_scores.items()],
        [IndicatorScore(indicator=indicators[code], period=half(h), score=score)
         for (h, code), score in data.half_scores.items()],
        [PeerRating(period=month(r.month), rater=persons[r.rater], ratee=persons[r.ratee], grade=r.grade)
         for r in data.peer_ratings],
        [WorkloadGrade(period=month(m), person=persons[staff_id], grade=grade, published=True)
         for (m, staff_id), grade in data.workload.items()],
        [SatisfactionRating(period=half(r.half), group=r.group, rater_label=r.rater,
                            department=departments[r.department_code], grade=r.grade)
         for r in data.satisfaction],
        [CommonScore(indicator=indicators[code], person=persons[staff_id], value=value)
         for (staff_id, code), value in data.common_scores.items()],
    ]
    history_people = {staff_id for staff_id, _year in data.history}
    GradeHistory.objects.filter(person__in=[persons[s] for s in history_people]).delete()
    batches.append([GradeHistory(person=persons[staff_id], year=year, grade=grade)
                    for (staff_id, year), grade in data.history.items()])
    for batch in batches:
        if batch:
            type(batch[0]).objects.bulk_create(batch, batch_size=1000)
    return sum(len(batch) for batch in batches)
