"""The leadership stage of a year's computation (DOMAIN.md §7.4): W, the polls, T and the team
grade, F, L and the member grades, from the year's data and the departments' DA.

Pure (no Django). ``scoring.engine`` calls it after the year-end rollup; it reads nothing else
of the department pipeline, and 局领导 take no part in that pipeline.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from scoring import leadership_rules as lr
from scoring.yeardata import LeadershipMemberRow, LeadershipTeamRow, YearInput


def leadership_points(scheme: Mapping[str, Decimal], is_team: bool, group: str, grade: str) -> Decimal:
    """The points of a grade: the team scale, the member scale, or the member's self scale."""
    if is_team:
        return scheme[f"leadership.points.{grade}"]
    if group == lr.SELF:
        return scheme[f"leadership.self_points.{grade}"]
    return scheme[f"leadership.member_points.{grade}"]


def poll_points(data: YearInput, scheme: Mapping[str, Decimal]) -> dict[str, dict[str, list[Decimal]]]:
    """object ("班子" or a staff id) → group → the points of its ratings."""
    points: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for rating in data.leadership_ratings:
        is_team = rating.target == lr.TEAM
        points[rating.target][rating.group].append(leadership_points(scheme, is_team, rating.group, rating.grade))
    return points


def compute_leadership(data: YearInput, scheme: Mapping[str, Decimal],
                       department_scores: Mapping[str, Decimal | None]
                       ) -> tuple[list[LeadershipTeamRow], list[LeadershipMemberRow]]:
    """The 领导班子成绩 row (none when no figure is defined) and one 班子成员成绩 row per member."""
    if not data.leadership_members:
        return [], []
    s = scheme
    min_raters = int(s["leadership.min_raters"])
    group_weights = {g: s[f"leadership.group.{g}"] for g in lr.GROUPS}
    points = poll_points(data, s)
    overrides = data.leadership_overrides

    work = lr.work_score(department_scores.values(), overrides.get(lr.TEAM))
    team_poll = lr.poll_score(points.get(lr.TEAM, {}), group_weights, min_raters)
    team = lr.team_score(work, team_poll, s["leadership.team.work_weight"], s["leadership.team.poll_weight"])
    grade = lr.team_grade(team, s["leadership.team_grade.好"], s["leadership.team_grade.较好"],
                          s["leadership.team_grade.一般"])
    team_rows = [LeadershipTeamRow(work, team_poll, team, grade)] if any(
        x is not None for x in (work, team_poll, team)) else []

    people = {p.staff_id: p for p in data.persons}
    principal_weights = tuple(s[f"leadership.principal.{k}"] for k in ("team", "in_charge", "poll"))
    member_weights = tuple(s[f"leadership.member.{k}"] for k in ("team", "in_charge", "poll"))
    figures = []
    for member in data.leadership_members:
        in_charge = lr.in_charge_score((department_scores.get(code) for code in member.in_charge),
                                       overrides.get(member.staff_id))
        poll = lr.poll_score(points.get(member.staff_id, {}), group_weights, min_raters)
        score = lr.member_score(team, in_charge, poll, principal_weights if member.principal else member_weights)
        person = people.get(member.staff_id)
        figures.append((member, in_charge, poll, score,
                        lr.MemberFigures(member.staff_id, score, poll, person.leave_months if person else 0)))
    grades = lr.member_grades([f[-1] for f in figures], lr.MemberGradeRules(
        leave_months_max=int(s["grade.leave_months_max"]),
        excellent_min=s["leadership.member_grade.优秀"],
        competent_min=s["leadership.member_grade.称职"],
        basic_min=s["leadership.member_grade.基本称职"],
        excellent_cap=s["leadership.excellent_cap"],
    ))
    member_rows = [
        LeadershipMemberRow(member.staff_id, people[member.staff_id].name if member.staff_id in people else "",
                            member.principal, team, in_charge, poll, score, grades[member.staff_id])
        for member, in_charge, poll, score, _figures in figures
    ]
    return team_rows, member_rows
