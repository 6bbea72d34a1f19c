"""The development file (绩效档案与成长导航, DOMAIN.md §7.3) of one person across years: grades and
rewards, monthly figures and their trend, quarters, objections, warnings, talks, 述职 reports and the
development plans. Published figures only, except for the office (which sees the rest marked 暂定).
A constant number of queries whatever the number of years."""
from __future__ import annotations

from dataclasses import dataclass, field

from appraisal.models import AssessmentYear, PeriodKind, PeriodState, Person

from .models import DevelopmentPlan, QuarterSummary, Talk, YearReport


@dataclass
class YearFile:
    year: AssessmentYear
    grade: str = ""
    annual_score: object = None
    rank: int | None = None
    rewards: list = field(default_factory=list)
    months: dict = field(default_factory=dict)  # month -> (score, grade)
    chart: object = None
    quarters: list = field(default_factory=list)  # QuarterSummary rows, graded or filed
    quarter_provisional: set = field(default_factory=set)
    report: YearReport | None = None
    plan: DevelopmentPlan | None = None

    @property
    def empty(self) -> bool:
        return not (self.grade or self.months or self.quarters or self.report or self.plan or self.rewards)


def development_file(person: Person, *, everything: bool) -> dict:
    from periods.models import Objection
    from rewards.models import GradeHistory, PreWarning
    from rewards.selectors import trend_chart
    from rewards.trends import _visible
    from scoring.models import AnnualResult, MonthlyResult, RewardResult

    years = list(AssessmentYear.objects.filter(organisation_id=person.organisation_id).order_by("-year"))
    shown = _visible(years, everything)
    files = {y.pk: YearFile(y) for y in years}
    by_year = {y.year: files[y.pk] for y in years}
    extra: dict[int, YearFile] = {}  # years entered by hand before the product kept them
    for year, grade in GradeHistory.objects.filter(person=person).values_list("year", "grade"):
        target = by_year.get(year) or extra.setdefault(year, YearFile(AssessmentYear(year=year,
                                                                                     organisation_id=0)))
        target.grade = grade
    for year_id, score, rank, grade in AnnualResult.objects.filter(person=person, assessment_year__in=years) \
            .values_list("assessment_year_id", "annual_score", "department_rank", "grade"):
        if shown[year_id].year:
            files[year_id].annual_score, files[year_id].rank = score, rank
            files[year_id].grade = files[year_id].grade or grade
    for year_id, kind, amount in RewardResult.objects.filter(person=person, assessment_year__in=years) \
            .values_list("assessment_year_id", "reward_type", "amount"):
        if shown[year_id].year:
            files[year_id].rewards.append((kind, amount))
    for year_id, month, score, grade in MonthlyResult.objects.filter(person=person, assessment_year__in=years) \
            .values_list("assessment_year_id", "month", "monthly_score", "monthly_grade"):
        if month in shown[year_id].months:
            files[year_id].months[month] = (score, grade)
    for f in files.values():
        f.chart = trend_chart({m: s for m, (s, _g) in f.months.items() if s is not None})
    published = (PeriodState.PUBLICITY, PeriodState.LOCKED)
    for summary in QuarterSummary.objects.filter(person=person, submitted_at__isnull=False) \
            .select_related("period", "superior").order_by("period__number"):
        target = files.get(summary.period.assessment_year_id)
        if target is None:
            continue
        target.quarters.append(summary)
        if summary.period.state not in published:
            target.quarter_provisional.add(summary.pk)
    for report in YearReport.objects.filter(person=person):
        files[report.assessment_year_id].report = report
    for plan in DevelopmentPlan.objects.filter(person=person):
        files[plan.assessment_year_id].plan = plan
    talks = list(Talk.objects.filter(person=person).select_related("assessment_year", "summary__period", "talker")
                 .order_by("-assessment_year__year", "due_on"))
    objections = list(Objection.objects.filter(person=person).select_related("period__assessment_year")
                      .order_by("-created_at"))
    warnings = list(PreWarning.objects.filter(indicator__weights__person=person, indicator__weights__weight__gt=0,
                                              department_id=person.department_id)
                    .exclude(state__in=["draft", "dismissed"]).select_related("indicator", "assessment_year").distinct()
                    .order_by("-assessment_year__year", "-month"))
    ordered = sorted([*files.values(), *extra.values()], key=lambda f: -f.year.year)
    return {"person": person, "years": [f for f in ordered if not f.empty], "talks": talks,
            "objections": objections, "warnings": warnings, "quarter_kind": PeriodKind.QUARTER,
            "everything": everything}
