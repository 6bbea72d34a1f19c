"""Who is who in routine appraisal (docs/routine.md): a summary's peers (the same personnel category in
the department; heads among the heads) and its superior (the head; for a head, the leader in charge of
the department, else any 局领导 of the organisation)."""
from __future__ import annotations

from appraisal import access
from appraisal.models import Department, Person, Position, Role, RoleAssignment


def is_head(person: Person, department: Department | None) -> bool:
    return department is not None and department.head_id == person.pk


def peer_queryset(person: Person, department: Department, category: str):
    """The colleagues who evaluate a summary (never the person, never a 局领导)."""
    people = Person.objects.filter(organisation_id=person.organisation_id, is_active=True, category=category) \
        .exclude(pk=person.pk).exclude(position=Position.LEADER)
    if is_head(person, department):
        return people.filter(pk__in=Department.objects.filter(organisation_id=person.organisation_id,
                                                              is_active=True, head__isnull=False)
                             .values("head_id"))
    return people.filter(department=department).exclude(pk=department.head_id or 0)


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
