"""Reads of the ballots. Anonymity (SECURITY.md items 11–12) lives here: apart from the rater's own
ballot, ratings leave this module only as aggregates (how many raters, the distribution, the
mean), and only when at least as many raters took part as the year's anonymity floor
(``peer.min_raters`` for the democratic evaluation, ``satisfaction.min_raters`` for the 360°, both
3 by default; DOMAIN.md §4.2, §5). No selector returns a rater next to a grade.

Aggregates of a month are shown once its evaluation is over (the month has left "open"): while
ballots still come in, watching a count go from 3 to 4 would tell who gave which grade.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from appraisal.models import Department, Period, PeriodKind, PeriodState, Person
from appraisal.scheme import SCHEME_DEFAULTS, merge_scheme

from . import rules
from .ballots import DEFAULT_WORKLOAD_GRADE, INTERNAL_GROUPS, WORKLOAD_STATES, rated_members
from .models import (
    EXTERNAL_GROUPS, PEER_GRADES, SATISFACTION_GROUPS, PeerRating, SatisfactionEvaluation, SatisfactionRater,
    SatisfactionRating, WorkloadGrade,
)

# The default of both floors; pages use the floors of the year's scheme (peer_floor, satisfaction_floor).
MIN_AGGREGATE_RATERS = int(SCHEME_DEFAULTS["peer.min_raters"])


def _scheme(period: Period) -> dict[str, Decimal]:
    return year_scheme(period.assessment_year)


def year_scheme(assessment_year) -> dict[str, Decimal]:
    """The year's scheme with every key (the defaults where the year has no scheme row)."""
    scheme = getattr(assessment_year, "scheme", None) if assessment_year is not None else None
    return scheme.as_decimals() if scheme is not None else merge_scheme()


def peer_floor(scheme: dict[str, Decimal]) -> int:
    """Fewest ratings a democratic-evaluation aggregate (P, a distribution) may rest on."""
    return int(scheme["peer.min_raters"])


def satisfaction_floor(scheme: dict[str, Decimal]) -> int:
    """Fewest ratings (over all groups) a 360° aggregate (S) may rest on."""
    return int(scheme["satisfaction.min_raters"])


def peer_floor_of(periods: list[Period]) -> int:
    """The peer floor of the year the periods belong to (the default when there is none)."""
    return peer_floor(_scheme(periods[0])) if periods else MIN_AGGREGATE_RATERS


# ---------------------------------------------------------------- months

def rating_months(organisation_id: int, today: date | None = None) -> list[Period]:
    """Months whose democratic evaluation is running: open, and not in the future (an office may
    open the whole year at once; nobody rates December in March)."""
    today = today or timezone.localdate()
    months = (Period.objects.filter(assessment_year__organisation_id=organisation_id, kind=PeriodKind.MONTH,
                                    state=PeriodState.OPEN).select_related("assessment_year__scheme")
              .order_by("assessment_year__year", "number"))
    return [p for p in months if (p.assessment_year.year, p.number) <= (today.year, today.month)]


def workload_months(organisation_id: int) -> list[Period]:
    """Months whose workload grades may still be set (open or being scored)."""
    return list(Period.objects.filter(assessment_year__organisation_id=organisation_id, kind=PeriodKind.MONTH,
                                      state__in=WORKLOAD_STATES).select_related("assessment_year__scheme")
                .order_by("assessment_year__year", "number"))


def year_months(organisation_id: int, year: int | None = None) -> list[Period]:
    """Every month of the latest (or the given) assessment year."""
    months = Period.objects.filter(assessment_year__organisation_id=organisation_id, kind=PeriodKind.MONTH)
    if year is None:
        latest = months.order_by("-assessment_year__year").values_list("assessment_year__year", flat=True).first()
        if latest is None:
            return []
        year = latest
    return list(months.filter(assessment_year__year=year).select_related("assessment_year__scheme").order_by("number"))


def pick(periods: list[Period], pk: str | None, default: Period | None = None) -> Period | None:
    chosen = next((p for p in periods if str(p.pk) == (pk or "")), None)
    return chosen or default or (periods[-1] if periods else None)


# ---------------------------------------------------------------- democratic evaluation

@dataclass(frozen=True)
class BallotRow:
    person_id: int
    name: str
    staff_id: str
    position: str
    grade: str | None  # the rater's own grade, shown to the rater only


@dataclass(frozen=True)
class PeerBallot:
    period: Period
    rows: list[BallotRow]

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.grade)

    @property
    def total(self) -> int:
        return len(self.rows)


def peer_ballot(rater: Person, period: Period) -> PeerBallot:
    """The rater's own ballot: the colleagues to grade and the grades the rater gave."""
    colleagues = list(rated_members(rater.department_id).exclude(pk=rater.pk)
                      .values("pk", "name", "staff_id", "position"))
    own = dict(PeerRating.objects.filter(period=period, rater=rater).values_list("ratee_id", "grade"))
    return PeerBallot(period=period, rows=[
        BallotRow(person_id=c["pk"], name=c["name"], staff_id=c["staff_id"], position=c["position"],
                  grade=own.get(c["pk"])) for c in colleagues])


@dataclass(frozen=True)
class PeerAggregate:
    """What anyone but the rater may learn of a person's ratings in a month."""

    shown: bool  # at least the floor's number of raters and the month's evaluation is over
    in_progress: bool = False
    raters: int | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    peer_score: Decimal | None = None


def _aggregate(grades: list[str], period: Period, scheme: dict[str, Decimal]) -> PeerAggregate:
    if period.state == PeriodState.OPEN:
        return PeerAggregate(shown=False, in_progress=True)
    if len(grades) < peer_floor(scheme):
        return PeerAggregate(shown=False)
    counts = Counter(grades)
    points = [scheme[f"peer.points.{grade}"] for grade in grades]
    return PeerAggregate(shown=True, raters=len(grades),
                         distribution=[(grade, counts.get(grade, 0)) for grade, _label in PEER_GRADES],
                         peer_score=rules.peer_score(points, int(scheme["monthly.trim_min_raters"]),
                                                     int(scheme["peer.min_raters"])))


def received_aggregates(person: Person, months: list[Period]) -> list[tuple[Period, PeerAggregate]]:
    """The ratee's view of the ratings received, month by month."""
    if not months:
        return []
    grades: dict[int, list[str]] = defaultdict(list)
    for period_id, grade in PeerRating.objects.filter(ratee=person, period__in=months).values_list(
            "period_id", "grade"):
        grades[period_id].append(grade)
    scheme = _scheme(months[0])
    return [(period, _aggregate(grades.get(period.pk, []), period, scheme)) for period in months]


def department_aggregates(department: Department, period: Period) -> list[tuple[Person, PeerAggregate]]:
    """The head's, leaders' and office's view: each member's aggregate for one month."""
    members = list(rated_members(department.pk))
    grades: dict[int, list[str]] = defaultdict(list)
    for ratee_id, grade in PeerRating.objects.filter(period=period, ratee__in=members).values_list(
            "ratee_id", "grade"):
        grades[ratee_id].append(grade)
    scheme = _scheme(period)
    return [(member, _aggregate(grades.get(member.pk, []), period, scheme)) for member in members]


def department_participation(department: Department, period: Period) -> tuple[int, int]:
    """How many members have cast a ballot this month, out of how many may (no names)."""
    members = list(rated_members(department.pk).values_list("pk", flat=True))
    voted = (PeerRating.objects.filter(period=period, rater_id__in=members).values("rater_id").distinct().count())
    return voted, len(members)


# ---------------------------------------------------------------- workload grades

@dataclass(frozen=True)
class WorkloadRow:
    person: Person
    grade: str | None  # stored grade, None when not set
    coefficient: Decimal
    published: bool

    @property
    def shown_grade(self) -> str:
        return self.grade or DEFAULT_WORKLOAD_GRADE


def workload_sheet(department: Department, period: Period, *, published_only: bool = False) -> list[WorkloadRow]:
    scheme = _scheme(period)
    stored = {row.person_id: row for row in WorkloadGrade.objects.filter(period=period, person__department=department)}
    rows = []
    for person in rated_members(department.pk):
        row = stored.get(person.pk)
        if published_only and (row is None or not row.published):
            continue
        grade = row.grade if row else None
        rows.append(WorkloadRow(person=person, grade=grade, published=bool(row and row.published),
                                coefficient=scheme[f"workload.{grade or DEFAULT_WORKLOAD_GRADE}"]))
    return rows


def coefficients(period: Period) -> list[tuple[str, Decimal]]:
    scheme = _scheme(period)
    return [(grade, scheme[f"workload.{grade}"]) for grade in ("非常大", "比较大", "一般", "较小", "非常小")]


# ---------------------------------------------------------------- 360° satisfaction

@dataclass(frozen=True)
class GroupProgress:
    group: str
    submitted: int
    total: int
    external: bool


def satisfaction_progress(evaluation: SatisfactionEvaluation) -> list[GroupProgress]:
    counts: dict[str, list[int]] = {group: [0, 0] for group, _label in SATISFACTION_GROUPS}
    for group, submitted_at in evaluation.raters.values_list("group", "submitted_at"):
        counts[group][1] += 1
        if submitted_at:
            counts[group][0] += 1
    return [GroupProgress(group=group, submitted=s, total=t, external=group in EXTERNAL_GROUPS)
            for group, (s, t) in counts.items()]


def satisfaction_raters(evaluation: SatisfactionEvaluation) -> list[SatisfactionRater]:
    order = {group: index for index, (group, _label) in enumerate(SATISFACTION_GROUPS)}
    raters = list(evaluation.raters.select_related("user", "department"))
    return sorted(raters, key=lambda r: (order[r.group], r.label, r.pk))


@dataclass(frozen=True)
class DepartmentSatisfaction:
    department: Department
    raters: int | None  # None while hidden
    score: Decimal | None
    shown: bool


def satisfaction_results(evaluation: SatisfactionEvaluation) -> list[DepartmentSatisfaction]:
    """Each department's S (DOMAIN.md §5) once the evaluation is over (closed or past its closing
    time), from at least three raters."""
    period = evaluation.period
    departments = list(Department.objects.filter(organisation_id=period.assessment_year.organisation_id,
                                                 is_active=True).order_by("sort_order", "code"))
    if not evaluation.closed and evaluation.closes_at > timezone.now():
        return [DepartmentSatisfaction(d, None, None, False) for d in departments]
    scheme = _scheme(period)
    ratings: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for department_id, group, grade in SatisfactionRating.objects.filter(period=period).values_list(
            "department_id", "group", "grade"):
        ratings[department_id][group].append(scheme[f"satisfaction.points.{grade}"])
    weights = {group: scheme[f"satisfaction.group.{group}"] for group, _label in SATISFACTION_GROUPS}
    results = []
    for department in departments:
        by_group = ratings.get(department.pk, {})
        count = sum(len(points) for points in by_group.values())
        if count < satisfaction_floor(scheme):
            results.append(DepartmentSatisfaction(department, None, None, False))
        else:
            score = rules.satisfaction_score(by_group, weights, int(scheme["satisfaction.min_raters"]))
            results.append(DepartmentSatisfaction(department, count, score, True))
    return results


def link_rater(token: str) -> SatisfactionRater | None:
    """The external rater a link belongs to, if the link is still alive."""
    from .ballots import token_digest

    now = timezone.now()
    rater = (SatisfactionRater.objects.filter(token_hash=token_digest(token), user__isnull=True,
                                              submitted_at__isnull=True, evaluation__closed=False)
             .select_related("evaluation__period__assessment_year__organisation").first())
    if rater is None or (rater.expires_at and rater.expires_at <= now) or rater.evaluation.closes_at <= now:
        return None
    if rater.evaluation.period.state not in (PeriodState.OPEN, PeriodState.SCORING):
        return None
    return rater


def own_satisfaction_ballots(user) -> list[SatisfactionRater]:
    return list(SatisfactionRater.objects.filter(user=user, group__in=INTERNAL_GROUPS)
                .select_related("evaluation__period__assessment_year", "department")
                .order_by("-evaluation__opened_at"))


def department_evidence(rater: SatisfactionRater, department_ids: list[int]) -> dict[int, list]:
    """The evidence the rated departments filed in the evaluation's half (DOMAIN.md §5: raters
    read it online), per department, from one query. Drafts are not shown."""
    from tracelog.models import Evidence

    period = rater.evaluation.period
    months = range(1, 7) if period.number == 1 else range(7, 13)
    items: dict[int, list] = {}
    for item in (Evidence.objects.filter(entry__department_id__in=department_ids,
                                         entry__period_year=period.assessment_year.year,
                                         entry__period_month__in=list(months))
                 .exclude(entry__status="draft").select_related("entry").order_by("entry__period_month", "id")):
        items.setdefault(item.entry.department_id, []).append(item)
    return items
