"""The leadership appraisal's part of the year's data flow, hooked into the loader (database →
``YearInput``), the stored results (→ ``YearResult``) and the workbook importer (the pipeline
publishes the result rows with the others, ``scoring.publication``). Set-based: a constant number of queries whatever the size of the team or the poll."""
from __future__ import annotations

from collections import defaultdict

from scoring.leadership_rules import TEAM
from scoring.yeardata import (
    LeadershipMemberData, LeadershipMemberRow, LeadershipRatingData, LeadershipTeamRow, YearInput, YearResult,
)

from ..models import LeadershipMemberResult, LeadershipTeamResult
from .models import LeadershipCharge, LeadershipMember, LeadershipPoll, LeadershipRating, LeadershipTeam


def load_leadership(assessment_year) -> dict:
    """The ``YearInput`` fields of the year's team, poll and overrides (empty without a team)."""
    team = LeadershipTeam.objects.filter(assessment_year=assessment_year).first()
    if team is None:
        return {}
    members = list(LeadershipMember.objects.filter(team=team, person__is_active=True)
                   .values("pk", "person__staff_id", "is_principal", "in_charge_override")
                   .order_by("-is_principal", "sort_order", "person__staff_id"))
    charges: dict[int, list[str]] = defaultdict(list)
    for member_id, code in (LeadershipCharge.objects.filter(team=team, department__is_active=True)
                            .order_by("department__sort_order", "department__code")
                            .values_list("member_id", "department__code")):
        charges[member_id].append(code)
    ratings = [LeadershipRatingData(group, label or "", staff_id or TEAM, grade)
               for group, label, staff_id, grade in
               LeadershipRating.objects.filter(poll__team=team)
               .exclude(member__isnull=False, member__person__is_active=False)
               .values_list("group", "rater_label", "member__person__staff_id", "grade")]
    overrides = {m["person__staff_id"]: m["in_charge_override"] for m in members
                 if m["in_charge_override"] is not None}
    if team.work_override is not None:
        overrides[TEAM] = team.work_override
    return {
        "leadership_members": [LeadershipMemberData(m["person__staff_id"], m["is_principal"],
                                                    tuple(charges.get(m["pk"], ()))) for m in members],
        "leadership_ratings": ratings,
        "leadership_overrides": overrides,
    }


def stored_leadership(assessment_year, result: YearResult) -> None:
    """Add the stored leadership results to ``result`` (for the results workbook)."""
    for r in LeadershipTeamResult.objects.filter(assessment_year=assessment_year):
        result.leadership_team.append(LeadershipTeamRow(r.work_score, r.poll_score, r.team_score, r.grade or None))
    for r in (LeadershipMemberResult.objects.filter(assessment_year=assessment_year).select_related("person")
              .order_by("-is_principal", "person__staff_id")):
        result.leadership_members.append(LeadershipMemberRow(
            r.person.staff_id, r.person.name, r.is_principal, r.team_score, r.in_charge_score, r.poll_score,
            r.member_score, r.grade))


def clear_leadership(assessment_year) -> None:
    """Remove the year's team (with reports, poll and ballots) and its results: a workbook import replaces them."""
    LeadershipTeamResult.objects.filter(assessment_year=assessment_year).delete()
    LeadershipMemberResult.objects.filter(assessment_year=assessment_year).delete()
    LeadershipTeam.objects.filter(assessment_year=assessment_year).delete()


def import_leadership(assessment_year, data: YearInput, persons: dict, departments: dict) -> int:
    """Write the workbook's 班子成员, 班子测评 and 班子实绩 (already validated); returns rows written.
    The imported ballots belong to a closed poll: they were cast outside the system."""
    if not data.leadership_members:
        return 0
    overrides = data.leadership_overrides
    notes = {key: data.leadership_override_notes.get(key) or "年度工作簿导入" for key in overrides}
    team = LeadershipTeam.objects.create(assessment_year=assessment_year, work_override=overrides.get(TEAM),
                                         work_override_reason=notes.get(TEAM, ""))
    members = LeadershipMember.objects.bulk_create([
        LeadershipMember(team=team, person=persons[m.staff_id], is_principal=m.principal, sort_order=index,
                         in_charge_override=overrides.get(m.staff_id),
                         in_charge_override_reason=notes.get(m.staff_id, ""))
        for index, m in enumerate(data.leadership_members)])
    by_staff = {m.person.staff_id: m for m in members}
    charges = [LeadershipCharge(team=team, member=by_staff[m.staff_id], department=departments[code])
               for m in data.leadership_members for code in m.in_charge]
    LeadershipCharge.objects.bulk_create(charges)
    ratings = []
    if data.leadership_ratings:
        from django.utils import timezone

        poll = LeadershipPoll.objects.create(team=team, closes_at=timezone.now(), closed=True)
        ratings = [LeadershipRating(poll=poll, group=r.group, rater_label=r.rater[:100],
                                    member=None if r.target == TEAM else by_staff[r.target], grade=r.grade)
                   for r in data.leadership_ratings]
        LeadershipRating.objects.bulk_create(ratings, batch_size=1000)
    return len(members) + len(charges) + len(ratings) + len(overrides)
