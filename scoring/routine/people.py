"""Who is who in routine appraisal (docs/routine.md): a summary's peers (the office's group of the year
if the person is in one; else the same personnel category in the department, heads among the heads)
and its superior (the head; for a head, the leader in charge of the department, else any 局领导 of
the organisation)."""
from __future__ import annotations

from django.db.models import Q

from appraisal import access
from appraisal.models import Department, Person, Position, Role, RoleAssignment


def is_head(person: Person, department: Department | None) -> bool:
    return department is not None and department.head_id == person.pk


def peers_of(summaries) -> dict[int, frozenset[int]]:
    """THE peer rule (docs/routine.md), for any number of summaries in three queries: per summary, the ids
    of the people who evaluate it. Every page, service, reminder, checklist and aggregate asks this.

    - The summary's person is in an office-defined group (互评小组) of the quarter's year: the group's
      other members.
    - Otherwise the default: the colleagues of the department the summary was filed in (and its
      category), not its head; for a head's summary, the heads of the organisation's active
      departments of that category. People in a group of the year are not in anyone's default pool.
    - Always: only active people, never a 局领导, never the person.

    Summaries come with ``period`` and ``department`` loaded (``select_related``)."""
    from .models import PeerGroupMember

    summaries = list(summaries)
    if not summaries:
        return {}
    year_ids = {s.period.assessment_year_id for s in summaries}
    organisation_ids = {s.department.organisation_id for s in summaries}
    group_of: dict[tuple[int, int], int] = {}
    members: dict[int, list[int]] = {}
    grouped: dict[int, set[int]] = {}
    for year_id, group_id, person_id in PeerGroupMember.objects.filter(assessment_year_id__in=year_ids) \
            .values_list("assessment_year_id", "group_id", "person_id"):
        group_of[(year_id, person_id)] = group_id
        members.setdefault(group_id, []).append(person_id)
        grouped.setdefault(year_id, set()).add(person_id)
    heads: dict[int, set[int]] = {}
    for organisation_id, head_id in Department.objects.filter(
            organisation_id__in=organisation_ids, is_active=True, head__isnull=False) \
            .values_list("organisation_id", "head_id"):
        heads.setdefault(organisation_id, set()).add(head_id)
    wanted = Q(department_id__in={s.department_id for s in summaries})
    wanted |= Q(pk__in={pk for ids in heads.values() for pk in ids})
    wanted |= Q(pk__in={pk for s in summaries
                        for pk in members.get(group_of.get((s.period.assessment_year_id, s.person_id)), ())})
    pool: dict[tuple[int, str], set[int]] = {}  # (department, category) -> the active non-leaders
    category_of: dict[int, str] = {}
    for pk, department_id, category in Person.objects.filter(wanted, organisation_id__in=organisation_ids,
                                                             is_active=True) \
            .exclude(position=Position.LEADER).values_list("pk", "department_id", "category"):
        category_of[pk] = category
        pool.setdefault((department_id, category), set()).add(pk)
    result = {}
    for s in summaries:
        year_id = s.period.assessment_year_id
        group_id = group_of.get((year_id, s.person_id))
        if group_id is not None:
            peers = {pk for pk in members[group_id] if pk in category_of}
        else:
            if s.person_id == s.department.head_id:
                peers = {pk for pk in heads.get(s.department.organisation_id, ())
                         if category_of.get(pk, None) == s.category}
            else:
                peers = pool.get((s.department_id, s.category), set()) - {s.department.head_id}
            peers = peers - grouped.get(year_id, set())
        result[s.pk] = frozenset(peers - {s.person_id})
    return result


def peer_ids(summary) -> frozenset[int]:
    """The people who evaluate one summary (``peers_of``)."""
    return peers_of([summary])[summary.pk]


def counted_grades(summaries) -> dict[int, list[str]]:
    """Per summary, the peer grades that count: the ballots of its peers as ``peers_of`` has them now
    (a ballot of someone who has since left the summary's peers is kept but does not count)."""
    from .models import QuarterPeerRating

    summaries = list(summaries)
    peers = peers_of(summaries)
    grades: dict[int, list[str]] = {s.pk: [] for s in summaries}
    for summary_id, rater_id, grade in QuarterPeerRating.objects.filter(summary__in=list(grades)) \
            .values_list("summary_id", "rater_id", "grade"):
        if rater_id in peers[summary_id]:
            grades[summary_id].append(grade)
    return grades


def leader_in_charge(department: Department, assessment_year) -> Person | None:
    """The member of the year's leadership team in charge of (分管) the department, if any."""
    from scoring.leadership.models import LeadershipCharge

    charge = (LeadershipCharge.objects.filter(team__assessment_year=assessment_year, department=department)
              .select_related("member__person").first())
    return charge.member.person if charge else None


def is_superior(user, summary) -> bool:
    """May comment on and grade the summary: the department's head (not for the own summary); for a
    head's summary, the leader in charge, or — without one — a 局领导 of the organisation."""
    actor = access.actor_for(user)
    if actor.person_id == summary.person_id:
        return False
    department = summary.department
    if not is_head(summary.person, department):
        return department.pk in actor.headed_department_ids
    in_charge = leader_in_charge(department, summary.period.assessment_year)
    if in_charge is not None:
        return actor.person_id == in_charge.pk
    if actor.person_id is not None and Person.objects.filter(pk=actor.person_id, position=Position.LEADER,
                                                             organisation_id=department.organisation_id).exists():
        return True
    return actor.in_organisation(Role.LEADER, department.organisation_id) and actor.has(Role.LEADER)


def superior_users(summary) -> list[int]:
    """The accounts told about a submitted summary (for the superior's notification)."""
    department = summary.department
    if not is_head(summary.person, department):
        head = department.head
        return [head.user_id] if head is not None and head.user_id else []
    in_charge = leader_in_charge(department, summary.period.assessment_year)
    if in_charge is not None:
        return [in_charge.user_id] if in_charge.user_id else []
    return list(RoleAssignment.objects.filter(role=Role.LEADER, organisation_id=department.organisation_id)
                .values_list("user_id", flat=True))
