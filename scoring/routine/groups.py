"""Evaluation groups (互评小组) of a routine year (docs/routine.md): the office puts people of several
departments (or a team) together; a member's peers are then the group's other members
(``people.peers_of``). Writes check access, validate everything before writing anything, and record
their audit event in the same transaction; the page's reads run in a constant number of queries."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessmentYear, Department, PeriodKind, PeriodState, Person, Position

from .models import PeerGroup, PeerGroupMember

NAME_MAX = 60
EDITABLE = (PeriodState.OPEN, PeriodState.SCORING)


def _check(user, assessment_year: AssessmentYear) -> None:
    if not access.can(user, "office.manage", assessment_year):
        raise PermissionDeniedError(_("只有本单位考核办可以设置互评小组。"))


def _editable(assessment_year: AssessmentYear) -> None:
    """Groups decide who evaluates: they change while a quarter is still being evaluated."""
    states = set(assessment_year.periods.filter(kind=PeriodKind.QUARTER).values_list("state", flat=True))
    if not states:
        raise StateError(_("%(year)s年度未开展平时考核。") % {"year": assessment_year.year})
    if not states & set(EDITABLE):
        raise StateError(_("%(year)s年度各季度已公示或锁定，互评小组不能再修改。") % {"year": assessment_year.year})


def candidates(assessment_year: AssessmentYear):
    """Who may be in a group: the organisation's active people, except 局领导."""
    return Person.objects.filter(organisation_id=assessment_year.organisation_id, is_active=True) \
        .exclude(position=Position.LEADER)


def expand(assessment_year: AssessmentYear, department_ids: Iterable[int], category: str) -> list[int]:
    """Bulk add: everyone of the chosen departments, of one category if given."""
    people = candidates(assessment_year).filter(department_id__in=list(department_ids))
    if category:
        people = people.filter(category=category)
    return list(people.values_list("pk", flat=True))


def _members(group: PeerGroup | None) -> list[str]:
    if group is None or group.pk is None:
        return []
    return sorted(group.memberships.values_list("person__staff_id", flat=True))


def group_save(*, user, assessment_year: AssessmentYear, name: str, person_ids: Iterable[int],
               group: PeerGroup | None = None) -> PeerGroup:
    """Create (``group`` None) or replace a group's name and members. Nothing is written when anything
    is wrong: an empty or taken name, fewer than two members, someone not of the organisation (or
    inactive, or a 局领导), someone already in another group of the year."""
    _check(user, assessment_year)
    if group is not None and group.assessment_year_id != assessment_year.pk:
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    name = (name or "").strip()
    wanted = list(dict.fromkeys(int(pk) for pk in person_ids))
    problems = []
    if not name:
        problems.append(("name", _("请填写小组名称。")))
    elif len(name) > NAME_MAX:
        problems.append(("name", _("小组名称不能超过 %(max)d 字。") % {"max": NAME_MAX}))
    elif PeerGroup.objects.filter(assessment_year=assessment_year, name=name) \
            .exclude(pk=group.pk if group else None).exists():
        problems.append(("name", _("本年度已有名为“%(name)s”的互评小组。") % {"name": name}))
    people = {p.pk: p for p in candidates(assessment_year).filter(pk__in=wanted)}
    unknown = [pk for pk in wanted if pk not in people]
    if unknown:
        problems.append(("members", _("有 %(n)d 名所选人员不是本单位在职人员（局领导不参加互评）。") % {"n": len(unknown)}))
    if len(people) < 2:
        problems.append(("members", _("互评小组至少要有 2 名成员。")))
    elsewhere = PeerGroupMember.objects.filter(assessment_year=assessment_year, person_id__in=list(people)) \
        .exclude(group_id=group.pk if group else None).select_related("person", "group") \
        .order_by("person__staff_id")
    problems += [("members", _("%(name)s（%(staff_id)s）已在互评小组“%(group)s”中。") % {
        "name": m.person.name, "staff_id": m.person.staff_id, "group": m.group.name}) for m in elsewhere]
    if problems:
        raise ValidationFailed(_("互评小组未保存，请修改后重试。"), details=problems)
    with transaction.atomic():
        year = AssessmentYear.objects.select_for_update().get(pk=assessment_year.pk)
        _editable(year)
        if group is not None:
            group = PeerGroup.objects.select_for_update().get(pk=group.pk)
        old = {"name": group.name, "members": _members(group)} if group is not None else None
        group = group or PeerGroup(assessment_year=year)
        group.name = name
        group.save()
        keep = set(people)
        group.memberships.exclude(person_id__in=keep).delete()
        present = set(group.memberships.values_list("person_id", flat=True))
        PeerGroupMember.objects.bulk_create([PeerGroupMember(group=group, assessment_year=year, person_id=pk)
                                             for pk in wanted if pk in keep and pk not in present])
        audit.record("routine.peer_group_save", actor=user, obj=group, organisation_id=year.organisation_id,
                     old=old, new={"name": name, "members": sorted(p.staff_id for p in people.values())})
    return group


def group_delete(*, user, group: PeerGroup) -> None:
    """Its members go back to the default rule (the department's colleagues of the same category)."""
    year = group.assessment_year
    _check(user, year)
    with transaction.atomic():
        year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
        _editable(year)
        group = PeerGroup.objects.select_for_update().get(pk=group.pk)
        old = {"name": group.name, "members": _members(group)}
        audit.record("routine.peer_group_delete", actor=user, obj=group, organisation_id=year.organisation_id,
                     old=old, new=None)
        group.delete()


# ---------------------------------------------------------------- the page's reads

@dataclass
class GroupRow:
    group: PeerGroup
    members: list[Person]

    @property
    def size(self) -> int:
        return len(self.members)


def groups_of(assessment_year: AssessmentYear) -> list[GroupRow]:
    """The year's groups with their members (department loaded), in two queries."""
    groups = list(PeerGroup.objects.filter(assessment_year=assessment_year))
    members: dict[int, list[Person]] = {g.pk: [] for g in groups}
    for membership in PeerGroupMember.objects.filter(group__in=groups).select_related("person__department") \
            .order_by("person__department__sort_order", "person__department__code", "person__staff_id"):
        members[membership.group_id].append(membership.person)
    return [GroupRow(g, members[g.pk]) for g in groups]


def picker(assessment_year: AssessmentYear) -> dict:
    """The member picker: the organisation's people by department with their category and current group;
    the departments and categories for bulk add. Three queries."""
    placed = dict(PeerGroupMember.objects.filter(assessment_year=assessment_year)
                  .values_list("person_id", "group__name"))
    people = list(candidates(assessment_year).select_related("department")
                  .order_by("department__sort_order", "department__code", "staff_id"))
    for person in people:
        person.peer_group_name = placed.get(person.pk, "")
    departments = list(Department.objects.filter(organisation_id=assessment_year.organisation_id, is_active=True)
                       .order_by("sort_order", "code"))
    categories = sorted({p.category for p in people if p.category})
    return {"people": people, "departments": departments, "categories": categories}
