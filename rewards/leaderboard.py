"""绩效之窗 (DOMAIN.md §9): every department's year-to-date total, category rates and rank, overall and
in its group, computed by a nightly job and kept per day (``LeaderboardDay``).

The year-to-date figures use published periods only (``rewards.publication``):
- 管理类 / 业务类 rate G / B: ``100 × Σ s / Σ f`` over the department's regular management / business
  leaves scored in the published months and halves;
- satisfaction S: the mean of the published halves' 360° scores;
- 共同类 rate: the mean common score C of the department's people, once the year is published;
- the total: the department's annual score DA once the year is published, else the half-year formula
  over the year so far, ``0.6 B + 0.2 G + 0.2 S`` with the scheme's weights over the parts present.
Ranks are competition ranks (1, 2, 2, 4) by the total; a department without a total is not ranked.

Set-based: one computation reads five aggregate queries whatever the size; the demo's backfill of a
year of days reuses them for every day.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Sum

from appraisal.models import AssessmentYear, Department, PeriodKind, Scheme
from indicators.models import Category, IndicatorScore, Kind, ScoreStatus
from scoring.models import DepartmentAnnualResult, DepartmentHalfResult, AnnualResult
from scoring.rules import mean, round_half_up, weighted_present
from appraisal.scheme import SCHEME_DEFAULTS

from . import publication
from .grading import competition_ranks
from .models import LeaderboardDay
from .publication import HALF_NAMES, Published

CATEGORY_FIELDS = {"共同": "common_rate", "管理": "management_rate", "业务": "business_rate"}


@dataclass
class Inputs:
    """What the leaderboard of a year is computed from, read once."""

    departments: list[tuple[int, str]]  # (id, group), active departments in display order
    # (department id, category, period kind, number) -> (Σ score, Σ full score)
    sums: dict[tuple[int, str, str, int], tuple[Decimal, Decimal]]
    satisfaction: dict[tuple[int, int], Decimal]  # (department id, half number) -> S
    annual: dict[int, Decimal]  # department id -> DA
    common: dict[int, Decimal]  # department id -> mean C of its people
    weights: dict[str, Decimal]


def read_inputs(assessment_year: AssessmentYear) -> Inputs:
    departments = list(Department.objects.filter(organisation_id=assessment_year.organisation_id, is_active=True)
                       .order_by("sort_order", "code").values_list("id", "group"))
    sums = {}
    rows = (IndicatorScore.objects.filter(status=ScoreStatus.APPROVED, indicator__assessment_year=assessment_year,
                                          indicator__kind=Kind.REGULAR,
                                          indicator__category__in=(Category.MANAGEMENT, Category.BUSINESS),
                                          indicator__department__isnull=False)
            .values_list("indicator__department_id", "indicator__category", "period__kind", "period__number")
            .annotate(s=Sum("score"), f=Sum("indicator__full_score")).order_by())
    for department_id, category, kind, number, s, f in rows:
        sums[(department_id, category, kind, number)] = (s, f)
    satisfaction = {}
    half_number = {name: n for n, name in HALF_NAMES.items()}
    for department_id, half, value in DepartmentHalfResult.objects.filter(
            assessment_year=assessment_year, satisfaction_score__isnull=False).values_list(
            "department_id", "half", "satisfaction_score"):
        if half in half_number:
            satisfaction[(department_id, half_number[half])] = value
    annual = dict(DepartmentAnnualResult.objects.filter(assessment_year=assessment_year, annual_score__isnull=False)
                  .values_list("department_id", "annual_score"))
    common = {d: round_half_up(v) for d, v in AnnualResult.objects.filter(
        assessment_year=assessment_year, common_score__isnull=False).values_list("department_id")
        .annotate(c=Avg("common_score")).order_by().values_list("department_id", "c")}
    scheme = Scheme.objects.filter(assessment_year=assessment_year).first()
    weights = scheme.as_decimals() if scheme else dict(SCHEME_DEFAULTS)
    return Inputs(departments, sums, satisfaction, annual, common, weights)


@dataclass
class Line:
    department_id: int
    group: str
    total: Decimal | None = None
    common_rate: Decimal | None = None
    management_rate: Decimal | None = None
    business_rate: Decimal | None = None
    satisfaction_score: Decimal | None = None
    overall_rank: int | None = None
    group_rank: int | None = None
    provisional: bool = False
    through: str = ""
    extra: dict = field(default_factory=dict)


def _rate(pairs) -> Decimal | None:
    score = sum((s for s, _f in pairs), Decimal(0))
    full = sum((f for _s, f in pairs), Decimal(0))
    return round_half_up(Decimal(100) * score / full) if full else None


def lines(inputs: Inputs, shown: Published) -> list[Line]:
    """Each active department's line for the published periods ``shown``, ranked."""
    periods = {(PeriodKind.MONTH, m) for m in shown.months} | {(PeriodKind.HALF, h) for h in shown.halves}
    by_department: dict[tuple[int, str], list] = defaultdict(list)
    for (department_id, category, kind, number), pair in inputs.sums.items():
        if (kind, number) in periods:
            by_department[(department_id, category)].append(pair)
    w = inputs.weights
    result = []
    for department_id, group in inputs.departments:
        line = Line(department_id, group, through=shown.through, provisional=shown.any_in_publicity)
        line.management_rate = _rate(by_department.get((department_id, Category.MANAGEMENT), []))
        line.business_rate = _rate(by_department.get((department_id, Category.BUSINESS), []))
        line.satisfaction_score = mean(inputs.satisfaction.get((department_id, h)) for h in sorted(shown.halves))
        if shown.year:
            line.common_rate = inputs.common.get(department_id)
            line.total = inputs.annual.get(department_id)
        if line.total is None:
            line.total = weighted_present([(w["halfyear.business_weight"], line.business_rate),
                                           (w["halfyear.management_weight"], line.management_rate),
                                           (w["halfyear.satisfaction_weight"], line.satisfaction_score)])
        result.append(line)
    rank(result)
    return result


def rank(result: list[Line]) -> None:
    overall = competition_ranks({line.department_id: line.total for line in result})
    groups: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    for line in result:
        groups[line.group][line.department_id] = line.total
    in_group = {}
    for totals in groups.values():
        in_group.update(competition_ranks(totals))
    for line in result:
        line.overall_rank, line.group_rank = overall[line.department_id], in_group[line.department_id]


def _rows(assessment_year, day, computed: list[Line]) -> list[LeaderboardDay]:
    return [LeaderboardDay(assessment_year=assessment_year, day=day, department_id=line.department_id,
                           total=line.total, common_rate=line.common_rate, management_rate=line.management_rate,
                           business_rate=line.business_rate, satisfaction_score=line.satisfaction_score,
                           overall_rank=line.overall_rank, group_rank=line.group_rank,
                           provisional=line.provisional, through=line.through) for line in computed]


@transaction.atomic
def compute_day(assessment_year: AssessmentYear, day: datetime.date, *, shown: Published | None = None) -> int:
    """Compute and keep the leaderboard of ``day`` (replacing an earlier run of the same day)."""
    shown = shown if shown is not None else publication.published(assessment_year)
    rows = _rows(assessment_year, day, lines(read_inputs(assessment_year), shown))
    LeaderboardDay.objects.filter(assessment_year=assessment_year, day=day).delete()
    LeaderboardDay.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def backfill(assessment_year: AssessmentYear, days: list[tuple[datetime.date, Published]]) -> int:
    """Keep the leaderboards of many days at once (the demo's year of days): inputs are read once."""
    inputs = read_inputs(assessment_year)
    rows = []
    for day, shown in days:
        rows.extend(_rows(assessment_year, day, lines(inputs, shown)))
    LeaderboardDay.objects.filter(assessment_year=assessment_year, day__in=[d for d, _s in days]).delete()
    LeaderboardDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def nightly(today: datetime.date | None = None) -> int:
    """The beat job: today's leaderboard of every assessment year of the current calendar year, and of
    last year's while its year-end appraisal is not locked yet."""
    from django.utils import timezone

    from appraisal.models import Period, PeriodState

    today = today or timezone.localdate()
    total = 0
    open_last_year = AssessmentYear.objects.filter(year=today.year - 1, periods__kind=PeriodKind.YEAR).exclude(
        periods__in=Period.objects.filter(kind=PeriodKind.YEAR, state=PeriodState.LOCKED))
    for assessment_year in [*AssessmentYear.objects.filter(year=today.year), *open_last_year]:
        total += compute_day(assessment_year, today)
    return total
