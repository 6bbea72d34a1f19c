"""Reads of routine appraisal's pages (docs/routine.md), each in a constant number of queries.

The peer aggregate is shown only at or above the anonymity floor (``peer.min_raters``); below it,
every page shows "人数不足" and no grade. No page names a rater."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from appraisal import access
from appraisal.models import AssessmentYear, Period, PeriodKind, PeriodState, Person, Position

from . import people, rules
from .models import QuarterPeerRating, QuarterSummary, Talk
from .services import review_due, scheme_of, summary_due


def routine_years(organisation_id: int) -> list[AssessmentYear]:
    """The organisation's years in routine mode (with quarters), latest first."""
    return list(AssessmentYear.objects.filter(organisation_id=organisation_id, periods__kind=PeriodKind.QUARTER)
                .select_related("scheme").distinct().order_by("-year"))


def pick_year(years: list[AssessmentYear], wanted: str) -> AssessmentYear | None:
    return next((y for y in years if str(y.pk) == wanted), years[0] if years else None)


def quarters(year: AssessmentYear) -> list[Period]:
    return list(Period.objects.filter(assessment_year=year, kind=PeriodKind.QUARTER)
                .select_related("assessment_year").order_by("number"))


@dataclass(frozen=True)
class PeerView:
    """The peers' aggregate as a page may show it: ``grade`` only at or above the floor."""

    count: int
    floor: int
    grade: str | None

    @property
    def shown(self) -> bool:
        return self.count >= self.floor and self.grade is not None


def peer_views(summaries, floor: int) -> dict[int, PeerView]:
    """Per summary, over the ballots that count (``people.counted_grades``), in constant queries."""
    grades = people.counted_grades(summaries)
    return {s.pk: PeerView(len(grades[s.pk]), floor, rules.peer_aggregate(grades[s.pk], floor)) for s in summaries}


def _summaries():
    return QuarterSummary.objects.select_related("period__assessment_year", "person", "department", "superior")


# ---------------------------------------------------------------- the person's own quarters

@dataclass
class QuarterRow:
    period: Period
    summary: QuarterSummary | None
    due: object
    peer: PeerView | None
    provisional: bool


def my_quarters(person: Person, year: AssessmentYear) -> list[QuarterRow]:
    scheme = scheme_of(year)
    periods = quarters(year)
    summaries = {s.period_id: s for s in _summaries().filter(period__in=periods, person=person)}
    views = peer_views(list(summaries.values()), int(scheme["peer.min_raters"]))
    return [QuarterRow(p, summaries.get(p.pk), summary_due(p, scheme),
                       views.get(summaries[p.pk].pk) if p.pk in summaries else None,
                       p.state not in (PeriodState.PUBLICITY, PeriodState.LOCKED)) for p in periods]


def linkable(person: Person, period: Period):
    """The person's trace-log entries of the quarter's months and the indicators the person carries."""
    from tracelog.models import TraceEntry

    from .services import indicators_of

    entries = list(TraceEntry.objects.filter(person=person, period_year=period.assessment_year.year,
                                             period_month__in=rules.quarter_months(period.number))
                   .order_by("period_month", "kind", "period_key"))
    return entries, indicators_of(person, period)


# ---------------------------------------------------------------- whom one evaluates

def to_rate(person: Person, year: AssessmentYear) -> list[tuple[QuarterSummary, str | None]]:
    """Filed summaries of the year's quarters still open for evaluation that ``person`` evaluates
    (``people.peers_of``), with the own grade given (the rater sees the own ballot only)."""
    filed = list(_summaries().filter(period__assessment_year=year, submitted_at__isnull=False,
                                     period__state__in=(PeriodState.OPEN, PeriodState.SCORING))
                 .order_by("period__number", "person__staff_id"))
    peers = people.peers_of(filed)
    candidates = [s for s in filed if person.pk in peers[s.pk]]
    given = dict(QuarterPeerRating.objects.filter(rater=person, summary__in=[s.pk for s in candidates])
                 .values_list("summary_id", "grade"))
    return [(s, given.get(s.pk)) for s in candidates]


def _charges(year: AssessmentYear) -> dict[int, int]:
    from scoring.leadership.models import LeadershipCharge

    return dict(LeadershipCharge.objects.filter(team__assessment_year=year)
                .values_list("department_id", "member__person_id"))


def superior_of(actor, summary: QuarterSummary, charges: dict[int, int], leader: bool) -> bool:
    """``people.is_superior`` over loaded rows: ``leader`` is whether the account is a 局领导."""
    if actor.person_id == summary.person_id or actor.organisation_id != summary.person.organisation_id:
        return False
    if summary.person_id != summary.department.head_id:
        return summary.department_id in actor.headed_department_ids
    in_charge = charges.get(summary.department_id)
    return actor.person_id == in_charge if in_charge else leader


def is_leader(actor) -> bool:
    """A 局领导: the role, or a person record of position 局领导 (who is not staff)."""
    from appraisal.models import Role

    return actor.has(Role.LEADER) or (actor.person_id is not None and not actor.has("staff"))


def to_review(user, year: AssessmentYear) -> list[QuarterSummary]:
    actor = access.actor_for(user)
    charges, leader = _charges(year), is_leader(actor)
    summaries = _summaries().filter(period__assessment_year=year, submitted_at__isnull=False) \
        .order_by("period__number", "department__sort_order", "person__staff_id")
    if not leader:
        summaries = summaries.filter(department_id__in=actor.headed_department_ids)
    return [s for s in summaries if superior_of(actor, s, charges, leader)]


def with_review_figures(year: AssessmentYear, summaries: list[QuarterSummary]) -> list[QuarterSummary]:
    """Each summary with ``peer_view`` (the aggregate as shown) and ``review_due``."""
    scheme = scheme_of(year)
    views = peer_views(summaries, int(scheme["peer.min_raters"]))
    for summary in summaries:
        summary.peer_view = views[summary.pk]
        summary.review_due = review_due(summary.period, scheme)
    return summaries


# ---------------------------------------------------------------- one summary

def summary_access(actor, summary: QuarterSummary) -> dict:
    """What a reader may do with a summary: read it (those who read the person, its peers and its
    superior), rate it as a peer, review it as its superior."""
    peer = actor.person_id is not None and actor.person_id in people.peer_ids(summary)
    superior = superior_of(actor, summary, _charges(summary.period.assessment_year), is_leader(actor))
    read = peer or superior or access.RULES["person.read"](actor, summary.person)
    return {"read": read, "peer": peer, "superior": superior}


def talks_for(user, organisation_id: int, year: AssessmentYear | None = None) -> list[Talk]:
    """Talks the reader may see: all of the organisation for its office and leaders; else the own,
    those of the departments one heads and those one holds."""
    from django.db.models import Q

    from appraisal.models import Role

    actor = access.actor_for(user)
    talks = Talk.objects.filter(person__organisation_id=organisation_id).select_related(
        "person__department", "talker", "summary__period", "assessment_year")
    if year is not None:
        talks = talks.filter(assessment_year=year)
    everyone = any(actor.has(role) and actor.in_organisation(role, organisation_id)
                   for role in (Role.OFFICE, Role.LEADER))
    if not everyone:
        if actor.person_id is None:
            return []
        talks = talks.filter(Q(person_id=actor.person_id) | Q(person__department_id__in=actor.headed_department_ids)
                             | Q(talker_id=actor.person_id))
    return list(talks.order_by("closed_at", "due_on", "pk"))


# ---------------------------------------------------------------- the office's view of a year

@dataclass
class StandingRow:
    person: Person
    grades: dict[int, str]
    standing: rules.YearStanding


def year_overview(year: AssessmentYear) -> dict:
    """Per quarter: summaries filed / reviewed; per person: the quarters' grades and the year-end bars."""
    scheme = scheme_of(year)
    periods = quarters(year)
    filed, reviewed = Counter(), Counter()
    grades: dict[int, dict[int, str]] = defaultdict(dict)
    for period_id, number, person_id, submitted, grade in QuarterSummary.objects.filter(period__in=periods) \
            .values_list("period_id", "period__number", "person_id", "submitted_at", "grade"):
        if submitted:
            filed[period_id] += 1
        if grade:
            reviewed[period_id] += 1
            grades[person_id][number] = grade
    people = list(Person.objects.filter(organisation_id=year.organisation_id, is_active=True)
                  .exclude(position=Position.LEADER).select_related("department")
                  .order_by("department__sort_order", "department__code", "staff_id"))
    min_good, bar = int(scheme["routine.min_good_quarters"]), scheme["routine.bar_below_good"] != 0
    rows = [StandingRow(p, grades.get(p.pk, {}), rules.year_standing(grades.get(p.pk, {}), min_good, bar))
            for p in people]
    return {"periods": [(p, filed[p.pk], reviewed[p.pk]) for p in periods], "rows": rows,
            "staff_count": len(people), "min_good": min_good, "bar": bar}
