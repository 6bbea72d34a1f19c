"""Reads of the leadership appraisal. Anonymity lives here (as in ``scoring.ballot_selectors``): apart
from a rater's own ballot, ratings leave this module only as aggregates — counts per group, a group's
mean where the group has at least ``leadership.min_raters`` ratings, the poll figure — and comments
without their raters, and only once the poll is over and the object has at least
``leadership.min_raters`` ratings from groups other than 自评. No selector returns a rater next to a grade.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from appraisal.models import AssessmentYear, PeriodKind, PeriodState
from scoring import leadership_rules as lr
from appraisal.scheme import merge_scheme
from scoring.leadership_engine import leadership_points
from scoring.models import LeadershipMemberResult, LeadershipTeamResult

from .models import LeadershipMember, LeadershipPoll, LeadershipRater, LeadershipRating, LeadershipTeam
from .ballots import account_rater, ballot_items, poll_running


def scheme_of(assessment_year: AssessmentYear) -> dict[str, Decimal]:
    return assessment_year.scheme.as_decimals() if hasattr(assessment_year, "scheme") else merge_scheme()


def team_of(assessment_year: AssessmentYear) -> LeadershipTeam | None:
    return LeadershipTeam.objects.filter(assessment_year=assessment_year).select_related(
        "assessment_year__organisation").first()


def members_of(team: LeadershipTeam) -> list[LeadershipMember]:
    return list(team.members.select_related("person__user").prefetch_related("charges__department")
                .order_by("-is_principal", "sort_order", "person__staff_id"))


def poll_of(team: LeadershipTeam | None) -> LeadershipPoll | None:
    if team is None:
        return None
    return LeadershipPoll.objects.filter(team=team).select_related("team__assessment_year").first()


def membership(person_id: int | None, organisation_id: int) -> list[LeadershipMember]:
    """The teams (latest year first) a person belongs to in an organisation."""
    if person_id is None:
        return []
    return list(LeadershipMember.objects.filter(person_id=person_id,
                                                team__assessment_year__organisation_id=organisation_id)
                .select_related("team__assessment_year", "person").order_by("-team__assessment_year__year"))


# ---------------------------------------------------------------- ballots

def ballots_for(user, organisation_id: int | None) -> list[dict]:
    """The running polls an account may rate in, with what it has graded already."""
    if organisation_id is None:
        return []
    polls = (LeadershipPoll.objects.filter(team__assessment_year__organisation_id=organisation_id, closed=False,
                                           closes_at__gt=timezone.now())
             .select_related("team__assessment_year").order_by("-team__assessment_year__year"))
    result = []
    for poll in polls:
        rater = account_rater(user, poll)
        if rater is None:
            continue
        items = ballot_items(rater)
        done = 0 if rater.pk is None else rater.ratings.count()
        result.append({"poll": poll, "rater": rater, "total": len(items), "done": done})
    return result


def ballot_rows(rater: LeadershipRater, posted: dict | None = None) -> list[dict]:
    """One row per object of the ballot: its reports, the grade given (own ballot only) or posted."""
    given = {} if rater.pk is None else {
        (r.member_id, r.group): r for r in LeadershipRating.objects.filter(rater=rater)}
    posted = posted or {}
    rows = []
    for item in ballot_items(rater):
        own = given.get((item.member.pk if item.member else None, item.group))
        grade, comment = posted.get(item.key, ("", ""))
        rows.append({"item": item, "given": own, "grade": grade, "comment": comment,
                     "report": item.member.report if item.member else rater.poll.team.summary})
    return rows


# ---------------------------------------------------------------- aggregates and feedback

GROUP_ORDER = {g: i for i, g in enumerate(lr.GROUPS)}


@dataclass
class Aggregate:
    """The poll of one object (the team or a member) as the person and the office may see it."""

    counts: dict[str, int]
    means: dict[str, Decimal | None]  # a group's mean, only where it has enough ratings
    others: int  # ratings from groups other than 自评
    poll: Decimal | None  # the live poll figure (None under the floor)
    shown: bool  # the poll is over and the floor is met: figures and comments may be shown
    comments: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, int, Decimal | None]]:
        return [(g, self.counts[g], self.means[g]) for g in lr.GROUPS]


def aggregates(poll: LeadershipPoll | None, scheme: dict[str, Decimal]) -> dict[int | None, Aggregate]:
    """Aggregate per object (``None`` the team, else the member id), in one query."""
    if poll is None:
        return {}
    min_raters = int(scheme["leadership.min_raters"])
    weights = {g: scheme[f"leadership.group.{g}"] for g in lr.GROUPS}
    points: dict[int | None, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    comments: dict[int | None, list[tuple[str, int, str]]] = defaultdict(list)
    for member_id, group, grade, comment, pk in (LeadershipRating.objects.filter(poll=poll)
                                                  .values_list("member_id", "group", "grade", "comment", "pk")):
        points[member_id][group].append(leadership_points(scheme, member_id is None, group, grade))
        if comment and group != lr.SELF:
            comments[member_id].append((group, pk, comment))
    over = not poll_running(poll)
    result = {}
    for key in {None, *poll.team.members.values_list("pk", flat=True)}:
        ratings = points.get(key, {})
        others = lr.others_count(ratings)
        shown = over and others >= min_raters
        # comments in a fixed order that says nothing of who wrote them: by group, then by text
        ordered = sorted(comments.get(key, []), key=lambda c: (GROUP_ORDER[c[0]], c[2]))
        result[key] = Aggregate(
            counts={g: len(ratings.get(g, ())) for g in lr.GROUPS},
            means=lr.shown_group_means(ratings, min_raters) if shown else dict.fromkeys(lr.GROUPS),
            others=others, poll=lr.poll_score(ratings, weights, min_raters) if shown else None, shown=shown,
            comments=[c[2] for c in ordered] if shown else [])
    return result


def results_of(assessment_year: AssessmentYear) -> tuple[LeadershipTeamResult | None,
                                                         dict[int, LeadershipMemberResult]]:
    team = LeadershipTeamResult.objects.filter(assessment_year=assessment_year).first()
    members = {r.person_id: r for r in LeadershipMemberResult.objects.filter(assessment_year=assessment_year)}
    return team, members


def provisional(assessment_year: AssessmentYear) -> bool:
    """Results are 暂定 until the year is in publicity (DOMAIN.md §8)."""
    state = (assessment_year.periods.filter(kind=PeriodKind.YEAR).values_list("state", flat=True).first())
    return state not in (PeriodState.PUBLICITY, PeriodState.LOCKED)
