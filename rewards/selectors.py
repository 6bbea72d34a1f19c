"""Read models of the results pages (DOMAIN.md §4.2–§7): they only read the stored result tables of
``scoring.models`` — never ballots — so no page built from them can show a rater.

Every selector runs a fixed number of queries whatever the number of people (the tests assert it at
two organisation sizes). Figures of periods that are not yet in publicity or locked are withheld from
everyone but the office (``all_periods=True``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from django.utils.translation import gettext

from appraisal import formats
from appraisal.models import AssessmentYear, Department, PeriodKind, Person
from rewards import publication
from scoring.ballot_selectors import MIN_AGGREGATE_RATERS, peer_floor, year_scheme
from scoring.models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PeerRating, PersonHalfResult,
    RewardResult,
)

HALVES = ("上半年", "下半年")
HALF_NUMBER = {"上半年": 1, "下半年": 2}
GRADES = ("优秀", "称职", "基本称职", "不称职", "不定等次")
MONTHS = tuple(range(1, 13))
REWARD_ORDER = {"三等功": 0, "嘉奖": 1, "后备干部": 2}
VISIBLE_STATES = publication.PUBLISHED_STATES


# ---------------------------------------------------------------- visibility

@dataclass(frozen=True)
class Visibility:
    """Which periods' figures may be shown: everything for the office, else published periods."""

    months: frozenset[int]
    halves: frozenset[str]
    year: bool
    everything: bool = False
    # what is published, whoever reads: the office sees the rest labelled 暂定 (provisional)
    published: publication.Published | None = None

    @property
    def nothing(self) -> bool:
        return not (self.months or self.halves or self.year)

    def month_provisional(self, month: int) -> bool:
        return self.published is not None and month not in self.published.months

    def half_provisional(self, half: str) -> bool:
        return self.published is not None and half not in self.published.half_names

    @property
    def year_provisional(self) -> bool:
        return self.published is not None and not self.published.year

    @property
    def provisional_labels(self) -> list[str]:
        """The periods shown that are not yet in publicity (their figures are 暂定)."""
        if self.published is None:
            return []
        return ([formats.month_name(m) for m in MONTHS if m in self.months and self.month_provisional(m)]
                + [gettext(h) for h in HALVES if h in self.halves and self.half_provisional(h)]
                + ([gettext("全年")] if self.year and self.year_provisional else []))


def visibility(assessment_year: AssessmentYear, *, all_periods: bool) -> Visibility:
    """The one rule for every results page: a reader sees the periods in publicity or locked — a
    year's grades and rewards only once the year is — and the office sees everything, what is not
    yet published labelled 暂定."""
    shown = publication.published(assessment_year)
    if all_periods:
        return Visibility(frozenset(MONTHS), frozenset(HALVES), True, everything=True, published=shown)
    return Visibility(months=shown.months, halves=shown.half_names, year=shown.year, published=shown)


# ---------------------------------------------------------------- trend chart (inline SVG)

@dataclass(frozen=True)
class ChartPoint:
    month: int
    value: Decimal
    x: float
    y: float

    @property
    def label_y(self) -> float:
        return round(self.y - 9, 1)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[ChartPoint]
    path: str
    gridlines: list[tuple[int, float]]  # (value, y)
    ticks: list[tuple[int, float]]  # (month, x)


def trend_chart(values: dict[int, Decimal], *, width: int = 960, height: int = 210) -> Chart | None:
    """Monthly scores M as an SVG polyline over the twelve months, scaled to the figures' range
    (at least 60–100, widened in steps of 10 for figures outside it)."""
    if not values:
        return None
    left, right, top, bottom = 40, width - 12, 12, height - 26
    low = min(Decimal(60), min(values.values()))
    high = max(Decimal(100), max(values.values()))
    low = int(low // 10 * 10)
    high = int(-(-high // 10) * 10)
    span = max(high - low, 1)

    inset = 24  # keeps the first and last value labels clear of the axis

    def x_of(month: int) -> float:
        return round(left + inset + (right - left - 2 * inset) * (month - 1) / 11, 1)

    def y_of(value) -> float:
        return round(bottom - (bottom - top) * float(Decimal(value) - low) / span, 1)

    points = [ChartPoint(m, values[m], x_of(m), y_of(values[m])) for m in sorted(values)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    step = 10 if span <= 60 else 20
    gridlines = [(v, y_of(v)) for v in range(low, high + 1, step)]
    return Chart(width, height, left, right, top, bottom, points, path, gridlines, [(m, x_of(m)) for m in MONTHS])


# ---------------------------------------------------------------- a person's results (我的成绩)

@dataclass
class MonthRow:
    month: int
    responsibility_rate: Decimal | None
    workload_coefficient: Decimal | None
    peer_score: Decimal | None
    peer_withheld: bool
    monthly_score: Decimal | None
    monthly_grade: str
    provisional: bool = False  # not yet in publicity: shown to the office only, labelled 暂定

    @property
    def explain_key(self) -> str:
        return f"m{self.month}"


@dataclass
class HalfRow:
    half: str
    responsibility_rate: Decimal | None = None
    half_score: Decimal | None = None
    business_rate: Decimal | None = None
    management_rate: Decimal | None = None
    satisfaction_score: Decimal | None = None
    department_score: Decimal | None = None

    @property
    def explain_key(self) -> str:
        return f"h{HALF_NUMBER.get(self.half, 1)}"


@dataclass
class PersonResults:
    visibility: Visibility
    months: list[MonthRow]
    halves: list[HalfRow]
    annual: AnnualResult | None
    rewards: list[RewardResult]
    chart: Chart | None
    department_size: int | None = None
    peer_floor: int = MIN_AGGREGATE_RATERS

    @property
    def empty(self) -> bool:
        return not (self.months or self.halves or self.annual or self.rewards)


def person_results(assessment_year: AssessmentYear, person: Person, *, all_periods: bool) -> PersonResults:
    seen = visibility(assessment_year, all_periods=all_periods)
    months = list(MonthlyResult.objects.filter(assessment_year=assessment_year, person=person,
                                               month__in=sorted(seen.months)).order_by("month"))
    # P is an aggregate of colleagues' grades: shown only with as many raters as the year's floor
    # (SECURITY.md item 12). The pipeline already leaves P undefined below it; this holds for stored
    # figures whose ratings changed since.
    floor = peer_floor(year_scheme(assessment_year))
    raters = dict(PeerRating.objects.filter(period__assessment_year=assessment_year, period__kind=PeriodKind.MONTH,
                                            ratee=person).values_list("period__number").annotate(n=Count("id")))
    month_rows = []
    for r in months:
        withheld = r.peer_score is not None and raters.get(r.month, 0) < floor
        month_rows.append(MonthRow(r.month, r.responsibility_rate, r.workload_coefficient,
                                   None if withheld else r.peer_score, withheld, r.monthly_score, r.monthly_grade,
                                   seen.month_provisional(r.month)))
    halves = {name: HalfRow(name) for name in HALVES if name in seen.halves}
    person_halves = PersonHalfResult.objects.filter(assessment_year=assessment_year, person=person,
                                                    half__in=list(halves))
    department_ids = set()
    for r in person_halves:
        halves[r.half].responsibility_rate, halves[r.half].half_score = r.responsibility_rate, r.half_score
        department_ids.add(r.department_id)
    if not department_ids and person.department_id:
        department_ids.add(person.department_id)
    for r in DepartmentHalfResult.objects.filter(assessment_year=assessment_year, department_id__in=department_ids,
                                                 half__in=list(halves)):
        row = halves[r.half]
        row.business_rate, row.management_rate = r.business_rate, r.management_rate
        row.satisfaction_score, row.department_score = r.satisfaction_score, r.half_score
    half_rows = [row for row in halves.values()
                 if any(v is not None for v in (row.half_score, row.department_score, row.responsibility_rate))]
    annual = rewards = None
    size = None
    if seen.year:
        annual = AnnualResult.objects.filter(assessment_year=assessment_year, person=person).first()
        rewards = sorted(RewardResult.objects.filter(assessment_year=assessment_year, person=person),
                         key=lambda r: REWARD_ORDER.get(r.reward_type, 9))
        if annual is not None:
            size = AnnualResult.objects.filter(assessment_year=assessment_year,
                                               department_id=annual.department_id).count()
    return PersonResults(seen, month_rows, half_rows, annual, rewards or [],
                         trend_chart({r.month: r.monthly_score for r in months if r.monthly_score is not None}),
                         size, floor)


# ---------------------------------------------------------------- a department's people (本部门成绩)

@dataclass
class MemberRow:
    person: Person
    annual: AnnualResult | None = None
    monthly: dict[int, Decimal | None] = field(default_factory=dict)
    grades: dict[int, str] = field(default_factory=dict)

    @property
    def month_cells(self) -> list[tuple[Decimal | None, str]]:
        return [(self.monthly.get(m), self.grades.get(m, "")) for m in MONTHS]


@dataclass
class DepartmentResults:
    visibility: Visibility
    members: list[MemberRow]
    halves: list[DepartmentHalfResult]
    annual: DepartmentAnnualResult | None
    grade_counts: dict[str, int]
    month_averages: list[Decimal | None]
    notes: list[str] = field(default_factory=list)  # the §7.3 multi-year rules (rewards.history)


def _rank_key(row: MemberRow):
    rank = row.annual.department_rank if row.annual is not None else None
    return (rank is None, rank or 0, row.person.staff_id)


@dataclass
class DepartmentFigures:
    annual: DepartmentAnnualResult | None = None
    halves: dict[str, DepartmentHalfResult] = field(default_factory=dict)


def department_figures(assessment_year: AssessmentYear, seen: Visibility,
                       department_ids=None) -> dict[int, DepartmentFigures]:
    """The departments' half-year and annual figures a reader may see: the one selector the overview
    and the department pages read, so that they never disagree (two queries)."""
    out: dict[int, DepartmentFigures] = defaultdict(DepartmentFigures)
    halves = DepartmentHalfResult.objects.filter(assessment_year=assessment_year, half__in=sorted(seen.halves))
    annual = DepartmentAnnualResult.objects.filter(assessment_year=assessment_year) if seen.year else None
    if department_ids is not None:
        halves = halves.filter(department_id__in=department_ids)
        annual = annual.filter(department_id__in=department_ids) if annual is not None else None
    for r in halves:
        out[r.department_id].halves[r.half] = r
    for r in annual if annual is not None else ():
        out[r.department_id].annual = r
    return out


def department_results(assessment_year: AssessmentYear, department: Department, *,
                       all_periods: bool) -> DepartmentResults:
    seen = visibility(assessment_year, all_periods=all_periods)
    members: dict[int, MemberRow] = {
        p.pk: MemberRow(p) for p in Person.objects.filter(department=department, is_active=True)
        .exclude(position="局领导")}
    for r in (MonthlyResult.objects.filter(assessment_year=assessment_year, department=department,
                                           month__in=sorted(seen.months)).select_related("person")):
        row = members.setdefault(r.person_id, MemberRow(r.person))
        row.monthly[r.month] = r.monthly_score
        row.grades[r.month] = r.monthly_grade
    figures = department_figures(assessment_year, seen, [department.pk]).get(department.pk, DepartmentFigures())
    annual = figures.annual
    if seen.year:
        for r in AnnualResult.objects.filter(assessment_year=assessment_year, department=department) \
                .select_related("person"):
            members.setdefault(r.person_id, MemberRow(r.person)).annual = r
    rows = sorted(members.values(), key=_rank_key)
    counts = {grade: 0 for grade in GRADES}
    for row in rows:
        if row.annual is not None and row.annual.grade in counts:
            counts[row.annual.grade] += 1
    averages = []
    for m in MONTHS:
        values = [row.monthly[m] for row in rows if row.monthly.get(m) is not None]
        averages.append((sum(values) / len(values)).quantize(Decimal("0.01")) if values else None)
    halves = sorted(figures.halves.values(), key=lambda r: HALF_NUMBER.get(r.half, 9))
    notes = []
    if annual is not None:
        from .history import notes_of_year

        notes = notes_of_year(assessment_year, [department.pk]).get(department.pk, [])
    return DepartmentResults(seen, rows, halves, annual, counts, averages, notes)


# ---------------------------------------------------------------- the office's overview (考核结果)

@dataclass
class DepartmentOverviewRow:
    department: Department
    annual: DepartmentAnnualResult | None = None
    half_scores: dict[str, Decimal | None] = field(default_factory=dict)
    grade_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # the §7.3 multi-year rules (rewards.history)

    @property
    def half_cells(self) -> list[Decimal | None]:
        return [self.half_scores.get(h) for h in HALVES]

    @property
    def grade_cells(self) -> list[int]:
        return [self.grade_counts.get(g, 0) for g in GRADES]

    @property
    def people(self) -> int:
        return sum(self.grade_counts.values())


@dataclass
class Overview:
    departments: list[DepartmentOverviewRow]
    rewards: list[RewardResult]
    totals: list[int]
    reward_totals: dict[str, tuple[int, Decimal]]
    has_results: bool
    visibility: Visibility | None = None


def _overview_key(row: DepartmentOverviewRow):
    rank = row.annual.overall_rank if row.annual is not None else None
    return (rank is None, rank or 0, row.department.sort_order, row.department.code)


def overview(assessment_year: AssessmentYear, *, all_periods: bool = True) -> Overview:
    """The office's (and leaders') overview. A year's grades and rewards are shown to the office
    only until the year is in publicity (DOMAIN.md §8); the departments' figures come from the same
    selector as the department page."""
    seen = visibility(assessment_year, all_periods=all_periods)
    rows = {d.pk: DepartmentOverviewRow(d) for d in Department.objects.filter(
        organisation_id=assessment_year.organisation_id).select_related("head")}
    for department_id, figures in department_figures(assessment_year, seen).items():
        if department_id in rows:
            rows[department_id].annual = figures.annual
            rows[department_id].half_scores = {half: r.half_score for half, r in figures.halves.items()}
    if seen.year:
        from .history import notes_of_year

        for department_id, notes in notes_of_year(assessment_year).items():
            if department_id in rows:
                rows[department_id].notes = notes
        for department_id, grade, n in (AnnualResult.objects.filter(assessment_year=assessment_year)
                                        .values_list("department_id", "grade").annotate(n=Count("id"))
                                        .order_by()):
            if department_id in rows:
                rows[department_id].grade_counts[grade] = n
    ordered = sorted(rows.values(), key=_overview_key)
    # departments without any figure (inactive, or created after the year) stay out of the table
    ordered = [r for r in ordered if r.annual is not None or r.half_scores or r.grade_counts or r.department.is_active]
    rewards = sorted(RewardResult.objects.filter(assessment_year=assessment_year).select_related("person__department")
                     if seen.year else [],
                     key=lambda r: (REWARD_ORDER.get(r.reward_type, 9), r.person.department.sort_order
                                    if r.person.department else 0, r.person.staff_id))
    reward_totals: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
    for r in rewards:
        reward_totals[r.reward_type][0] += 1
        reward_totals[r.reward_type][1] += r.amount
    totals = [sum(row.grade_counts.get(g, 0) for row in ordered) for g in GRADES]
    return Overview(ordered, rewards, totals, {k: (reward_totals[k][0], reward_totals[k][1])
                                               for k in sorted(reward_totals, key=lambda t: REWARD_ORDER.get(t, 9))},
                    has_results=any(r.annual is not None or r.half_scores for r in ordered) or bool(rewards),
                    visibility=seen)
