"""Reads of the organisation core. No loops of queries: lists come with their relations."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from . import access
from .models import AssessmentYear, AuditEvent, Department, Organisation, Period, Person, RoleAssignment


def current_organisation(user) -> Organisation:
    """The organisation a user works in: the person's, else the one of an explicit role."""
    actor = access.actor_for(user)
    if actor.organisation_id is not None:
        return Organisation.objects.get(pk=actor.organisation_id)
    organisation = Organisation.objects.order_by("code").first()
    if organisation is None:
        raise Http404("no organisation")
    return organisation


def departments_for(user, organisation: Organisation) -> QuerySet[Department]:
    """Departments this user may read, with their head and member count."""
    actor = access.actor_for(user)
    queryset = (Department.objects.filter(organisation=organisation)
                .select_related("head")
                .annotate(member_count=Count("members", filter=Q(members__is_active=True))))
    if access.can(user, "office.or_leader", organisation):
        return queryset
    visible = set(actor.headed_department_ids)
    if actor.department_id:
        visible.add(actor.department_id)
    return queryset.filter(pk__in=visible)


def people_for(user, organisation: Organisation, *, department_id=None, search: str = "") -> QuerySet[Person]:
    actor = access.actor_for(user)
    queryset = Person.objects.filter(organisation=organisation).select_related("department", "user")
    if not access.can(user, "office.or_leader", organisation):
        queryset = queryset.filter(Q(pk=actor.person_id) | Q(department_id__in=actor.headed_department_ids))
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    if search:
        queryset = queryset.filter(Q(name__contains=search) | Q(staff_id__contains=search))
    return queryset.order_by("department__sort_order", "department__code", "staff_id")


def department_members(department: Department) -> QuerySet[Person]:
    return department.members.filter(is_active=True).select_related("user").order_by("staff_id")


def years_of(organisation: Organisation) -> QuerySet[AssessmentYear]:
    return AssessmentYear.objects.filter(organisation=organisation).order_by("-year")


def periods_of(assessment_year: AssessmentYear) -> list[Period]:
    order = {"month": 0, "quarter": 1, "half": 2, "year": 3}  # quarters: routine appraisal
    periods = list(Period.objects.filter(assessment_year=assessment_year))
    return sorted(periods, key=lambda p: (order[p.kind], p.number))


def audit_events(*, action: str | tuple[str, ...] = "", object_type: str = "", actor: str = "", object_text: str = "",
                 date_from=None, date_to=None) -> QuerySet[AuditEvent]:
    """The log, newest first; ``action`` is one event type or a tuple of prefixes (a group of them)."""
    queryset = AuditEvent.objects.select_related("actor__person")
    if isinstance(action, tuple):
        match = Q()
        for prefix in action:
            match |= Q(action__startswith=prefix)
        queryset = queryset.filter(match)
    elif action:
        queryset = queryset.filter(action=action)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if actor:
        queryset = queryset.filter(actor_name__icontains=actor)
    if object_text:
        queryset = queryset.filter(Q(object_repr__icontains=object_text) | Q(object_type__icontains=object_text))
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset.order_by("-id")


def role_assignments() -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.select_related("user", "organisation").order_by("user__username", "role")
