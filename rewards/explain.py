"""Every figure explained (DOMAIN.md §9): a person's monthly score M, half-year score H and annual
score A with grade, opened into their inputs — the leaves, weights and scores behind R, the number
of raters (never who) and the trimming behind P, the coefficient, the components and weights of D, H
and A, the quota and rules behind a grade. Read from the stored inputs and results; a fixed number of
queries whatever the size of the plan. Counts of raters are shown only where the anonymity floor
allows (below it P or S is undefined anyway)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from appraisal.models import AssessmentYear, Period, PeriodKind, Person, Scheme
from indicators.models import (
    Category, CommonScore, Cycle, IndicatorScore, Kind, ResponsibilityWeight, ScoreStatus,
)
from scoring.ballot_selectors import MIN_AGGREGATE_RATERS
from scoring.models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PeerRating, PersonHalfResult,
    SatisfactionRating, WorkloadGrade,
)
from appraisal.scheme import SCHEME_DEFAULTS

from .publication import HALF_NAMES


@dataclass
class LeafLine:
    code: str
    name: str
    category: str
    full: Decimal
    score: Decimal
    weight: Decimal | None

    @property
    def weighted_score(self):
        return None if self.weight is None else (self.weight * self.score / 100).quantize(Decimal("0.0001"))

    @property
    def weighted_full(self):
        return None if self.weight is None else (self.weight * self.full / 100).quantize(Decimal("0.0001"))


@dataclass
class Explanation:
    kind: str  # month / half / year
    title: str
    person: Person
    result: object | None
    weights: dict[str, Decimal]
    leaves: list[LeafLine] = field(default_factory=list)
    own_leaves: bool = True  # False: R fell back to the department's rate (p carries none of the scored leaves)
    raters: int | None = None  # ratings behind P or S, shown only at or above the floor
    withheld: bool = False  # fewer raters than the floor: P / S undefined and no count shown
    trimmed: bool = False
    floor: int = MIN_AGGREGATE_RATERS
    workload_grade: str = ""
    department_half: DepartmentHalfResult | None = None
    months: list[MonthlyResult] = field(default_factory=list)
    halves: list[PersonHalfResult] = field(default_factory=list)
    common: list[tuple[str, str, str, Decimal, Decimal | None]] = field(default_factory=list)
    department_annual: DepartmentAnnualResult | None = None
    graded_in_department: int | None = None

    @property
    def k(self) -> dict[str, Decimal]:
        """The scheme weights and thresholds under names a template can read."""
        w = self.weights
        return {"dept": w["monthly.dept_weight"], "peer": w["monthly.peer_weight"],
                "trim": w["monthly.trim_min_raters"], "g_excellent": w["monthly.grade.优秀"],
                "g_good": w["monthly.grade.良好"], "g_medium": w["monthly.grade.中等"],
                "biz": w["halfyear.business_weight"], "mgmt": w["halfyear.management_weight"],
                "sat": w["halfyear.satisfaction_weight"], "p_rate": w["halfyear.person_rate_weight"],
                "p_sat": w["halfyear.person_satisfaction_weight"], "a_m": w["annual.monthly_weight"],
                "a_h": w["annual.halfyear_weight"], "a_c": w["annual.common_weight"],
                "bonus_cap": w["common.bonus_cap"], "excellent_min": w["grade.excellent_min"],
                "competent_min": w["grade.competent_min"], "basic_min": w["grade.basic_min"],
                "excellent_rate": w["grade.excellent_rate"] * 100, "first_rate": w["grade.first_excellent_rate"] * 100,
                "last_rate": w["grade.last_excellent_rate"] * 100, "leave_max": w["grade.leave_months_max"]}

    @property
    def leaf_sums(self):
        return self.sums()

    def sums(self):
        lines = self.leaves
        if self.own_leaves:
            return (sum((x.weighted_score for x in lines), Decimal(0)),
                    sum((x.weighted_full for x in lines), Decimal(0)))
        return (sum((x.score for x in lines), Decimal(0)), sum((x.full for x in lines), Decimal(0)))


def _scheme(year: AssessmentYear) -> dict[str, Decimal]:
    scheme = Scheme.objects.filter(assessment_year=year).first()
    return scheme.as_decimals() if scheme else dict(SCHEME_DEFAULTS)


def _leaves(year, person, department_id, periods, cycle) -> tuple[list[LeafLine], bool]:
    scores = list(IndicatorScore.objects.filter(
        status=ScoreStatus.APPROVED,
        indicator__assessment_year=year, indicator__department_id=department_id, indicator__kind=Kind.REGULAR,
        indicator__category__in=(Category.MANAGEMENT, Category.BUSINESS), indicator__cycle=cycle,
        period__in=periods).select_related("indicator").order_by("indicator__sort_order", "indicator__code"))
    weights = dict(ResponsibilityWeight.objects.filter(person=person, indicator_id__in=[s.indicator_id for s in scores])
                   .values_list("indicator_id", "weight"))
    own = [LeafLine(s.indicator.code, s.indicator.name, s.indicator.category, s.indicator.full_score, s.score,
                    weights[s.indicator_id]) for s in scores if s.indicator_id in weights]
    if own:
        return own, True
    return [LeafLine(s.indicator.code, s.indicator.name, s.indicator.category, s.indicator.full_score, s.score, None)
            for s in scores], False


def monthly(year: AssessmentYear, person: Person, month: int) -> Explanation | None:
    result = MonthlyResult.objects.filter(assessment_year=year, person=person, month=month).first()
    if result is None:
        return None
    weights = _scheme(year)
    period = Period.objects.filter(assessment_year=year, kind=PeriodKind.MONTH, number=month).first()
    leaves, own = _leaves(year, person, result.department_id, [period], Cycle.MONTHLY)
    n = PeerRating.objects.filter(period=period, ratee=person).count()
    grade = WorkloadGrade.objects.filter(period=period, person=person, published=True).values_list(
        "grade", flat=True).first() or ""
    explanation = Explanation("month", f"{month}月", person, result, weights, leaves, own, workload_grade=grade,
                              floor=int(weights.get("peer.min_raters", MIN_AGGREGATE_RATERS)))
    _raters(explanation, n, result.peer_score, int(weights["monthly.trim_min_raters"]))
    return explanation


def _raters(explanation: Explanation, n: int, figure, trim_at: int | None) -> None:
    if n < explanation.floor or figure is None:
        explanation.withheld = n > 0
        return
    explanation.raters = n
    explanation.trimmed = trim_at is not None and n >= trim_at


def half(year: AssessmentYear, person: Person, number: int) -> Explanation | None:
    name = HALF_NAMES.get(number)
    result = PersonHalfResult.objects.filter(assessment_year=year, person=person, half=name).first()
    if result is None:
        return None
    weights = _scheme(year)
    period = Period.objects.filter(assessment_year=year, kind=PeriodKind.HALF, number=number).first()
    leaves, own = _leaves(year, person, result.department_id, [period], Cycle.HALF_YEARLY)
    department = DepartmentHalfResult.objects.filter(assessment_year=year, department_id=result.department_id,
                                                     half=name).first()
    n = SatisfactionRating.objects.filter(period=period, department_id=result.department_id).count()
    explanation = Explanation("half", name, person, result, weights, leaves, own, department_half=department,
                              floor=int(weights.get("satisfaction.min_raters", MIN_AGGREGATE_RATERS)))
    _raters(explanation, n, department.satisfaction_score if department else None, None)
    return explanation


def annual(year: AssessmentYear, person: Person, months: frozenset[int], halves: frozenset[str]) -> Explanation | None:
    result = AnnualResult.objects.filter(assessment_year=year, person=person).first()
    if result is None:
        return None
    explanation = Explanation("year", "全年", person, result, _scheme(year))
    explanation.months = list(MonthlyResult.objects.filter(assessment_year=year, person=person,
                                                           month__in=sorted(months)).order_by("month"))
    for row in explanation.months:
        row.explain_key = f"m{row.month}"
    explanation.halves = sorted(PersonHalfResult.objects.filter(assessment_year=year, person=person,
                                                                half__in=sorted(halves)),
                                key=lambda r: 1 if r.half == "上半年" else 2)
    explanation.common = [(c.indicator.code, c.indicator.name, c.indicator.kind, c.value, c.indicator.full_score)
                          for c in CommonScore.objects.filter(person=person, indicator__assessment_year=year)
                          .select_related("indicator").order_by("indicator__sort_order", "indicator__code")]
    explanation.department_annual = DepartmentAnnualResult.objects.filter(
        assessment_year=year, department_id=result.department_id).first()
    explanation.graded_in_department = (AnnualResult.objects.filter(assessment_year=year,
                                                                    department_id=result.department_id)
                                        .exclude(grade="不定等次").aggregate(n=Count("id"))["n"])
    return explanation
