"""A small organisation-year for the §9 tests, at any size: departments with a head and two members,
a shared management indicator (办文办公) and ``leaves`` business leaves per department, scores for the
months given, published months, monthly results and a half's department results."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from appraisal import services
from appraisal.models import AssessmentYear, Department, Period, PeriodState, Person, Position, Role
from appraisal.tests.factories import OrganisationFactory, person_user, role_user
from indicators.models import Indicator, IndicatorScore, ResponsibilityWeight
from scoring.models import DepartmentHalfResult, MonthlyResult

GROUPS = ("综合", "业务", "事业")


@dataclass
class Built:
    year: AssessmentYear
    departments: list[Department]
    heads: list[Person]
    staff: list[Person]
    users: dict


def build(code: str, *, departments: int = 4, leaves: int = 2, months=(1, 2, 3, 4), published=(1, 2, 3),
          rate=None) -> Built:
    """``rate(d_index, leaf_kind, month) -> percent`` sets the scores (default: 90 − 5·d_index)."""
    rate = rate or (lambda d, kind, m: Decimal(90 - 5 * d))
    organisation = OrganisationFactory(code=code, name=f"{code}局")
    year = services.year_open(user=None, organisation=organisation, year=2025)
    deps = Department.objects.bulk_create([
        Department(organisation=organisation, code=f"D{i:02d}", name=f"部门{i:02d}", group=GROUPS[i % 3], sort_order=i)
        for i in range(departments)])
    people = []
    for i, d in enumerate(deps):
        people += [Person(organisation=organisation, department=d, staff_id=f"{i:02d}{j}", name=f"人{i:02d}{j}",
                          position=Position.HEAD if j == 0 else Position.STAFF) for j in range(3)]
    Person.objects.bulk_create(people)
    by_staff = {p.staff_id: p for p in Person.objects.filter(organisation=organisation)}
    heads = [by_staff[f"{i:02d}0"] for i in range(departments)]
    staff = [by_staff[f"{i:02d}1"] for i in range(departments)]
    for d, h in zip(deps, heads):
        d.head = h
    Department.objects.bulk_update(deps, ["head"])
    roots = Indicator.objects.bulk_create([
        Indicator(assessment_year=year, code="M", name="管理类", category="管理类"),
        Indicator(assessment_year=year, code="B", name="业务类", category="业务类")])
    nodes = []
    for i, d in enumerate(deps):
        nodes.append(Indicator(assessment_year=year, code=f"M{i:02d}", parent=roots[0], name="办文办公",
                               category="管理类", department=d, full_score=Decimal(10), cycle="月度", shared="办文办公",
                               stage_targets={"4": "95"}, sort_order=1))
        for k in range(leaves):
            nodes.append(Indicator(assessment_year=year, code=f"B{i:02d}{k:02d}", parent=roots[1],
                                   name=f"业务{k}", category="业务类", department=d, full_score=Decimal(20),
                                   cycle="月度", shared=f"共享业务{k}", sort_order=2 + k))
    Indicator.objects.bulk_create(nodes)
    leaves_by_dep = {}
    for leaf in Indicator.objects.filter(assessment_year=year, department__isnull=False):
        leaves_by_dep.setdefault(leaf.department_id, []).append(leaf)
    weights, scores, monthly = [], [], []
    periods = {p.number: p for p in Period.objects.filter(assessment_year=year, kind="month")}
    for i, (d, s) in enumerate(zip(deps, staff)):
        for leaf in leaves_by_dep[d.pk]:
            weights.append(ResponsibilityWeight(indicator=leaf, person=s, weight=Decimal(100)))
            for m in months:
                percent = rate(i, leaf.category, m)
                scores.append(IndicatorScore(indicator=leaf, period=periods[m],
                                             score=(leaf.full_score * percent / 100).quantize(Decimal("0.01"))))
        for m in months:
            monthly.append(MonthlyResult(assessment_year=year, person=s, department=d, month=m,
                                         responsibility_rate=Decimal(90 - i), workload_coefficient=Decimal("1.00"),
                                         monthly_score=Decimal(88 - i), monthly_grade="良好"))
    ResponsibilityWeight.objects.bulk_create(weights)
    IndicatorScore.objects.bulk_create(scores)
    MonthlyResult.objects.bulk_create(monthly)
    DepartmentHalfResult.objects.bulk_create([DepartmentHalfResult(
        assessment_year=year, department=d, half="上半年", business_rate=Decimal(80), management_rate=Decimal(80),
        satisfaction_score=Decimal(85), half_score=Decimal(81)) for d in deps])
    Period.objects.filter(assessment_year=year, kind="month", number__in=published).update(state=PeriodState.LOCKED)
    users = {"office": role_user(Role.OFFICE, organisation, f"office-{code}"),
             "leader": role_user(Role.LEADER, organisation, f"leader-{code}"),
             "head": person_user(heads[0], f"head-{code}"), "staff": person_user(staff[0], f"staff-{code}")}
    return Built(year, deps, heads, staff, users)
