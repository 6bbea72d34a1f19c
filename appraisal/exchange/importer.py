"""Write a validated year workbook (a ``YearInput``) into the database: the organisation-year's
roster, scheme, indicator plan, weights, scores, ballots and history. One transaction; importing
an existing year replaces its data, unless any of its periods is locked (SECURITY.md item 9)."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.bulk import analyze, copy_rows
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
from scoring.leadership.data import clear_leadership, import_leadership
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
            # published figures are frozen (DOMAIN.md §8): a year with a period in publicity or locked
            # is never replaced by a workbook
            published = list(Period.objects.filter(assessment_year=assessment_year,
                                                   state__in=(PeriodState.PUBLICITY, PeriodState.LOCKED))
                             .order_by("kind", "number"))
            if published:
                raise StateError(_("%(year)s 年度已有公示或锁定的考核周期（%(periods)s），不能导入替换。") % {
                    "year": data.year, "periods": "、".join(p.label for p in published[:5])})
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
        rows += import_leadership(assessment_year, data, persons, departments)
        summary = ImportSummary(organisation, assessment_year, not created, len(departments), len(persons),
                                len(indicators), rows)
        audit.record("year.import", actor=user, obj=assessment_year, organisation_id=organisation.pk,
                     new={"replaced": not created, "departments": len(departments), "persons": len(persons),
                          "indicators": len(indicators), "rows": rows})
    return summary


def _clear_year(assessment_year: AssessmentYear) -> None:
    periods = Period.objects.filter(assessment_year=assessment_year)
    clear_leadership(assessment_year)
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
    Period.objects.filter(assessment_year=assessment_year).update(
        state=PeriodState.OPEN, state_changed_at=None, publicity_started_on=None, publicity_ends_on=None,
        published_at=None, first_published_at=None)


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
    """Every score, ballot and history row, written with ids (no model instance per row where it counts):
    COPY on PostgreSQL, batched bulk_create elsewhere; all inside the caller's transaction."""
    periods = dict(((kind, number), pk) for pk, kind, number in
                   Period.objects.filter(assessment_year=assessment_year).values_list("pk", "kind", "number"))
    month_ids = {m: periods[(PeriodKind.MONTH, m)] for m in range(1, 13)}
    half_ids = {h: periods[(PeriodKind.HALF, n)] for h, n in HALF_NUMBER.items()}
    person_ids = {staff_id: person.pk for staff_id, person in persons.items()}
    department_ids = {code: department.pk for code, department in departments.items()}
    indicator_ids = {code: indicator.pk for code, indicator in indicators.items()}
    now = timezone.now()
    rows = 0
    rows += bulk_insert(ResponsibilityWeight, ("indicator_id", "person_id", "weight"),
                        ((indicator_ids[code], person_ids[staff_id], weight)
                         for (code, staff_id), weight in data.weights.items()))
    rows += bulk_insert(IndicatorScore, ("indicator_id", "period_id", "score"),
                        [(indicator_ids[code], month_ids[m], score) for (m, code), score in data.monthly_scores.items()]
                        + [(indicator_ids[code], half_ids[h], score) for (h, code), score in data.half_scores.items()])
    rows += bulk_insert(PeerRating, ("period_id", "rater_id", "ratee_id", "grade", "updated_at"),
                        ((month_ids[r.month], person_ids[r.rater], person_ids[r.ratee], r.grade, now)
                         for r in data.peer_ratings))
    rows += bulk_insert(WorkloadGrade, ("period_id", "person_id", "grade", "published", "updated_at"),
                        ((month_ids[m], person_ids[staff_id], grade, True, now)
                         for (m, staff_id), grade in data.workload.items()))
    SatisfactionRating.objects.bulk_create(
        [SatisfactionRating(period_id=half_ids[r.half], group=r.group, rater_label=r.rater,
                            department_id=department_ids[r.department_code], grade=r.grade)
         for r in data.satisfaction], batch_size=BATCH)
    rows += len(data.satisfaction)
    rows += bulk_insert(CommonScore, ("indicator_id", "person_id", "value"),
                        ((indicator_ids[code], person_ids[staff_id], value)
                         for (staff_id, code), value in data.common_scores.items()))
    history_people = {person_ids[staff_id] for staff_id, _year in data.history}
    GradeHistory.objects.filter(person_id__in=history_people).delete()
    GradeHistory.objects.bulk_create([GradeHistory(person_id=person_ids[staff_id], year=year, grade=grade)
                                      for (staff_id, year), grade in data.history.items()], batch_size=BATCH)
    rows += len(data.history)
    if connection.vendor == "postgresql":  # the compute that follows an import plans on the real sizes
        analyze(*(model._meta.db_table for model in (
            Department, Person, Period, Indicator, ResponsibilityWeight, IndicatorScore, PeerRating, WorkloadGrade,
            SatisfactionRating, CommonScore, GradeHistory)))
    return rows


BATCH = 2000


def bulk_insert(model, fields: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert plain tuples of column values (``fields`` are attnames, e.g. ``rater_id``) into ``model``.

    PostgreSQL, when ``fields`` name every column: COPY … FROM STDIN in chunks (one round trip per
    100,000 rows, ``appraisal.bulk``); otherwise batched bulk_create of instances made from ids (the other columns take
    their defaults). Runs in the caller's transaction.
    """
    every_column = {f.attname for f in model._meta.concrete_fields if not f.primary_key} <= set(fields)
    if connection.vendor == "postgresql" and every_column:
        return _copy(model, fields, rows)
    count = 0
    iterator = iter(rows)
    while True:
        batch = [model(**dict(zip(fields, values))) for values in islice(iterator, BATCH)]
        if not batch:
            return count
        model.objects.bulk_create(batch, batch_size=BATCH)
        count += len(batch)


def _copy(model, fields, rows) -> int:
    opts = model._meta
    return copy_rows(opts.db_table, [opts.get_field(name).column for name in fields], rows)  # attnames too
