"""Trends (动态运行图, DOMAIN.md §9): a department's and a person's scores across months and across years,
one shared indicator across departments, as chart specs for ``static/js/charts.js`` with the same
figures as table rows. Published figures only (the office sees everything). Fixed query counts."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg

from django.utils.translation import gettext

from appraisal import formats
from appraisal.models import AssessmentYear, Department, PeriodKind, Person
from scoring.models import AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PersonHalfResult
from scoring.rules import round_half_up

from . import analysis, publication
from .publication import HALF_NAMES, Published



def _num(value: Decimal | None):
    return None if value is None else float(value)


@dataclass
class Trend:
    """Series by year over the twelve months and the two halves, and one figure per year."""

    years: list[int]
    monthly: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # year -> month -> value
    halves: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # year -> half -> value
    annual: dict[int, Decimal] = field(default_factory=dict)
    annual_rank: dict[int, int | None] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.monthly or self.halves or self.annual)

    def month_rows(self):
        return [(m, [self.monthly.get(y, {}).get(m) for y in self.years]) for m in range(1, 13)]

    def half_rows(self):
        return [(HALF_NAMES[h], [self.halves.get(y, {}).get(h) for y in self.years]) for h in (1, 2)]

    def year_rows(self):
        return [(y, self.annual.get(y), self.annual_rank.get(y)) for y in self.years if y in self.annual]

    def monthly_spec(self) -> dict:
        return {"kind": "line", "x": [formats.month_name(m) for m in range(1, 13)], "y_name": gettext("分"),
                "series": [{"name": f"{y}年", "data": [_num(self.monthly.get(y, {}).get(m)) for m in range(1, 13)]}
                           for y in self.years if self.monthly.get(y)]}

    def half_spec(self) -> dict:
        return {"kind": "bar", "x": [gettext(HALF_NAMES[1]), gettext(HALF_NAMES[2])], "y_name": gettext("分"), "labels": True,
                "series": [{"name": f"{y}年", "data": [_num(self.halves.get(y, {}).get(h)) for h in (1, 2)]}
                           for y in self.years if self.halves.get(y)]}

    def annual_spec(self) -> dict:
        years = [y for y in self.years if y in self.annual]
        return {"kind": "line", "x": [gettext("%(year)s年") % {"year": y} for y in years], "y_name": gettext("分"), "labels": True,
                "series": [{"name": gettext("年度得分"), "data": [_num(self.annual[y]) for y in years]}]}


def _visible(years: list[AssessmentYear], everything: bool) -> dict[int, Published]:
    if everything:
        return {y.pk: publication.everything() for y in years}
    from appraisal.models import Period

    states: dict[int, dict] = defaultdict(dict)
    for year_id, kind, number, state in Period.objects.filter(assessment_year__in=years).values_list(
            "assessment_year_id", "kind", "number", "state"):
        states[year_id][(kind, number)] = state
    return {y.pk: publication.from_states(states.get(y.pk, {})) for y in years}


def _years(organisation_id: int) -> list[AssessmentYear]:
    return list(AssessmentYear.objects.filter(organisation_id=organisation_id).order_by("year"))


def department_trend(department: Department, *, everything: bool) -> Trend:
    years = _years(department.organisation_id)
    shown = _visible(years, everything)
    by_pk = {y.pk: y.year for y in years}
    trend = Trend([y.year for y in years])
    for year_id, month, value in (MonthlyResult.objects.filter(assessment_year__in=years, department=department)
                                  .values_list("assessment_year_id", "month").annotate(v=Avg("monthly_score"))
                                  .order_by()):
        if month in shown[year_id].months and value is not None:
            trend.monthly.setdefault(by_pk[year_id], {})[month] = round_half_up(Decimal(value))
    half_number = {name: n for n, name in HALF_NAMES.items()}
    for year_id, half, value in DepartmentHalfResult.objects.filter(assessment_year__in=years, department=department,
                                                                    half_score__isnull=False).values_list(
            "assessment_year_id", "half", "half_score"):
        if half_number.get(half) in shown[year_id].halves:
            trend.halves.setdefault(by_pk[year_id], {})[half_number[half]] = value
    for year_id, value, rank in DepartmentAnnualResult.objects.filter(assessment_year__in=years,
                                                                      department=department).values_list(
            "assessment_year_id", "annual_score", "overall_rank"):
        if shown[year_id].year and value is not None:
            trend.annual[by_pk[year_id]], trend.annual_rank[by_pk[year_id]] = value, rank
    return trend


def person_trend(person: Person, *, everything: bool) -> Trend:
    years = _years(person.organisation_id)
    shown = _visible(years, everything)
    by_pk = {y.pk: y.year for y in years}
    trend = Trend([y.year for y in years])
    for year_id, month, value in MonthlyResult.objects.filter(assessment_year__in=years, person=person).values_list(
            "assessment_year_id", "month", "monthly_score"):
        if month in shown[year_id].months:
            trend.monthly.setdefault(by_pk[year_id], {})[month] = value
    half_number = {name: n for n, name in HALF_NAMES.items()}
    for year_id, half, value in PersonHalfResult.objects.filter(assessment_year__in=years, person=person).values_list(
            "assessment_year_id", "half", "half_score"):
        if half_number.get(half) in shown[year_id].halves:
            trend.halves.setdefault(by_pk[year_id], {})[half_number[half]] = value
    for year_id, value, rank in AnnualResult.objects.filter(assessment_year__in=years, person=person).values_list(
            "assessment_year_id", "annual_score", "department_rank"):
        if shown[year_id].year and value is not None:
            trend.annual[by_pk[year_id]], trend.annual_rank[by_pk[year_id]] = value, rank
    return trend


@dataclass
class IndicatorTrend:
    name: str
    departments: list[Department]
    months: list[int]
    # department id -> month -> rate
    monthly: dict[int, dict[int, Decimal]]
    span_rates: list[tuple[Department, Decimal | None]]
    mean: Decimal | None

    def rows(self):
        span = {d.pk: r for d, r in self.span_rates}
        return [(d, [self.monthly.get(d.pk, {}).get(m) for m in self.months], span.get(d.pk))
                for d in self.departments]

    def bar_spec(self) -> dict:
        return {"kind": "bar", "x": [d.name for d, _r in self.span_rates], "y_name": "%", "rotate": 40,
                "interval": 0, "series": [{"name": self.name, "data": [_num(r) for _d, r in self.span_rates],
                                           **({"mean": _num(self.mean)} if self.mean is not None else {})}]}

    def line_spec(self, highlight: set[int]) -> dict:
        chosen = [d for d in self.departments if d.pk in highlight] or self.departments[:5]
        means = []
        for m in self.months:
            values = [v for by in self.monthly.values() if (v := by.get(m)) is not None]
            means.append(_num(round_half_up(sum(values) / len(values))) if values else None)
        return {"kind": "line", "x": [formats.month_name(m) for m in self.months], "y_name": "%",
                "series": [{"name": gettext("各部门平均"), "data": means}] + [
                    {"name": d.name, "data": [_num(self.monthly.get(d.pk, {}).get(m)) for m in self.months]}
                    for d in chosen]}


def indicator_trend(assessment_year: AssessmentYear, name: str, shown: Published) -> IndicatorTrend:
    """One shared indicator across departments: the rate of each published month, and over the year so far."""
    months = sorted(shown.months)
    monthly: dict[int, dict[int, Decimal]] = defaultdict(dict)
    per_month = _monthly_rates(assessment_year, name, set(months))
    for (department_id, month), rate in per_month.items():
        monthly[department_id][month] = rate
    periods = frozenset({(PeriodKind.MONTH, m) for m in months} | {(PeriodKind.HALF, h) for h in shown.halves})
    span = analysis.rates(assessment_year, periods, names=[name]).get(name, {})
    departments = [d for d in Department.objects.filter(organisation_id=assessment_year.organisation_id)
                   .order_by("sort_order", "code") if d.pk in span or d.pk in monthly]
    values = [v for v in span.values()]
    mean = round_half_up(sum(values) / len(values)) if values else None
    return IndicatorTrend(name, departments, months, dict(monthly), [(d, span.get(d.pk)) for d in departments], mean)


def _monthly_rates(assessment_year, name: str, months: set[int]) -> dict[tuple[int, int], Decimal]:
    from django.db.models import Sum

    from indicators.models import IndicatorScore, Kind, ScoreStatus

    result = {}
    for department_id, month, s, f in (IndicatorScore.objects.filter(
            status=ScoreStatus.APPROVED,
            indicator__assessment_year=assessment_year, indicator__shared=name, indicator__kind=Kind.REGULAR,
            period__kind=PeriodKind.MONTH, period__number__in=sorted(months))
            .values_list("indicator__department_id", "period__number")
            .annotate(s=Sum("score"), f=Sum("indicator__full_score")).order_by()):
        if f:
            result[(department_id, month)] = round_half_up(Decimal(100) * s / f)
    return result
