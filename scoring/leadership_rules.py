"""The pure arithmetic of the leadership appraisal (领导班子和领导干部, DOMAIN.md §7.4).

No Django and no I/O, like ``scoring.rules``: plain values in, ``Decimal`` (or ``None`` for
"undefined") out, every scheme parameter an argument. Every figure is rounded half-up to 2 places
and later figures use the rounded values (W, the polls, T, F, L).

The four rater groups: 群众 (staff and invited representatives), 班子成员 (the other members),
上级领导 (superior leaders) and 自评 (the member; the principal for the team). 自评 never counts
toward the anonymity floor.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.rules import _dec, grade_by_thresholds, mean, round_half_up, satisfaction_score, weighted_present
from scoring.yeardata import LEADERSHIP_GROUPS as GROUPS
from scoring.yeardata import LEADERSHIP_TEAM as TEAM  # the object "the team" in ballots and in the workbook
from scoring.yeardata import MEMBER_GRADES, SELF_GRADES, TEAM_GRADES  # noqa: F401 (re-exported)
from scoring.yeardata import leadership_scale as scale_of  # noqa: F401 (re-exported)

MASSES, MEMBERS, SUPERIORS, SELF = GROUPS
EXCELLENT, COMPETENT, BASIC, INCOMPETENT, NOT_GRADED = "优秀", "称职", "基本称职", "不称职", "不定等次"


def others_count(ratings: Mapping[str, Sequence]) -> int:
    """Ratings that count toward the anonymity floor: every group but 自评."""
    return sum(len(points) for group, points in ratings.items() if group != SELF)


def poll_score(ratings: Mapping[str, Sequence], group_weights: Mapping[str, Decimal],
               min_raters: int) -> Decimal | None:
    """A poll figure (the team's or a member's): ``Σ weight·group mean / Σ weight`` over the groups
    that rated, computed exactly and rounded once. Undefined with fewer than ``min_raters`` ratings
    from groups other than 自评, and when the groups that rated all weigh 0."""
    if others_count(ratings) < min_raters:
        return None
    return satisfaction_score(ratings, group_weights, 0)  # the floor above counts others only


def group_mean(points: Sequence) -> Decimal | None:
    """One group's mean of points, rounded for display; ``None`` without ratings."""
    if not points:
        return None
    return round_half_up(Fraction(sum((_dec(p) for p in points), Decimal(0))) / len(points))


def shown_group_means(ratings: Mapping[str, Sequence], min_raters: int) -> dict[str, Decimal | None]:
    """The group means a person may see: a group's mean only where it has ``min_raters`` ratings
    (自评 is the person's own and is shown to them)."""
    return {group: (group_mean(ratings.get(group, ())) if group == SELF or len(ratings.get(group, ())) >= min_raters
                    else None) for group in GROUPS}


def work_score(department_scores: Iterable[Decimal | None], override: Decimal | None = None) -> Decimal | None:
    """W (工作实绩) = mean DA of the departments with a DA, unless the office entered the figure of
    the superior's appraisal. Also F (分管工作成绩) over the departments a member is in charge of."""
    if override is not None:
        return round_half_up(override)
    return mean(department_scores)


in_charge_score = work_score


def team_score(work: Decimal | None, poll: Decimal | None, work_weight, poll_weight) -> Decimal | None:
    """T = ``0.7 × W + 0.3 × team poll`` by default, renormalised over the parts present."""
    return weighted_present([(work_weight, work), (poll_weight, poll)])


def team_grade(score: Decimal | None, good_min, fairly_good_min, fair_min) -> str | None:
    """好 ≥ 90, 较好 ≥ 80, 一般 ≥ 70, else 差 (by default); ``None`` without T."""
    return grade_by_thresholds(score, [("好", good_min), ("较好", fairly_good_min), ("一般", fair_min)], "差")


def member_score(team: Decimal | None, in_charge: Decimal | None, poll: Decimal | None,
                 weights: tuple) -> Decimal | None:
    """L = ``team : in_charge : poll`` weights over T, F and the member poll (6 : 1 : 3 for the
    principal, 3 : 4 : 3 for the others by default), renormalised over the parts present."""
    team_weight, in_charge_weight, poll_weight = weights
    return weighted_present([(team_weight, team), (in_charge_weight, in_charge), (poll_weight, poll)])


@dataclass(frozen=True)
class MemberFigures:
    staff_id: str
    score: Decimal | None  # L
    poll: Decimal | None  # the member poll
    leave_months: int = 0


@dataclass(frozen=True)
class MemberGradeRules:
    leave_months_max: int
    excellent_min: Decimal
    competent_min: Decimal
    basic_min: Decimal
    excellent_cap: Decimal  # share of graded members who may be 优秀


def excellent_places(graded: int, cap) -> int:
    """``floor(n × cap)`` on the exact product."""
    return math.floor(Decimal(graded) * _dec(cap))


def member_order(members: Iterable[MemberFigures]) -> list[MemberFigures]:
    """L desc, member poll desc (undefined last), staff id asc as text."""
    return sorted(members, key=lambda m: (
        m.score is None, -(m.score or 0), m.poll is None, -(m.poll or 0), m.staff_id))


def member_grades(members: Sequence[MemberFigures], rules: MemberGradeRules) -> dict[str, str]:
    """Grades of the team's members. Not graded (不定等次) first: more than ``leave_months_max``
    months of leave, or no L; they do not count in n. Then, best first, members with L ≥ the
    excellent threshold take 优秀 while fewer than ``floor(n × cap)`` have it; everyone else by
    the thresholds (称职 / 基本称职 / 不称职; an L above the excellent line outside the cap is 称职)."""
    grades: dict[str, str] = {}
    graded = []
    for member in members:
        if member.leave_months > rules.leave_months_max or member.score is None:
            grades[member.staff_id] = NOT_GRADED
        else:
            graded.append(member)
    places = excellent_places(len(graded), rules.excellent_cap)
    excellent = 0
    for member in member_order(graded):
        if excellent < places and member.score >= rules.excellent_min:
            grades[member.staff_id] = EXCELLENT
            excellent += 1
        else:
            grades[member.staff_id] = grade_by_thresholds(
                member.score, [(COMPETENT, rules.competent_min), (BASIC, rules.basic_min)], INCOMPETENT)
    return grades
