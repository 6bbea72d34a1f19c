"""The one place that answers "may this user see / do this here" (SECURITY.md items 6–8).

Every view declares a rule with ``@require(rule)`` (functions) or ``access_rule = rule``
(class-based views). ``appraisal.middleware.AccessMiddleware`` refuses any view that declares
none: deny by default. Object-level questions go through ``check(user, rule, obj)``.

Roles: civil servant (the account has a person record), department head (the person is the
named head of a department), and the explicit roles of ``RoleAssignment``: assessment office,
leader and the three separate administrators (三员分立), which exclude each other.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ADMIN_ROLES, Department, Person, Position, Role, RoleAssignment

STAFF = "staff"  # 公务员: an account linked to a person who is not a 局领导
HEAD = "head"  # 部门负责人: the named head of at least one department
ASSESSOR = "assessor"  # 考核主体的评分人: a department head or an account the head designated

ROLE_LABELS = {
    STAFF: _("公务员"),
    HEAD: _("部门负责人"),
    ASSESSOR: _("评分人"),
    Role.OFFICE: Role.OFFICE.label,
    Role.LEADER: Role.LEADER.label,
    Role.SYSADMIN: Role.SYSADMIN.label,
    Role.SECADMIN: Role.SECADMIN.label,
    Role.AUDITOR: Role.AUDITOR.label,
}


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    person_id: int | None = None
    department_id: int | None = None
    organisation_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    headed_department_ids: frozenset[int] = field(default_factory=frozenset)
    # departments whose assessed indicators (考核主体) this account scores: the ones it heads, and
    # its own department when the head designated it (评分员, e.g. the 统计员)
    assessing_department_ids: frozenset[int] = field(default_factory=frozenset)
    # organisations an explicit role applies to; None in the set means every organisation
    role_organisations: dict[str, frozenset[int | None]] = field(default_factory=dict)

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def in_organisation(self, role: str, organisation_id: int | None) -> bool:
        scopes = self.role_organisations.get(role, frozenset())
        return None in scopes or organisation_id in scopes


ANONYMOUS = Actor(user_id=None)


def actor_for(user) -> Actor:
    """The roles of an account, computed once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_appraisal_actor", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    role_orgs: dict[str, set[int | None]] = {}
    for role, org_id in RoleAssignment.objects.filter(user_id=user.pk).values_list("role", "organisation_id"):
        roles.add(role)
        role_orgs.setdefault(role, set()).add(org_id)
    admin_roles = roles & set(ADMIN_ROLES)
    if admin_roles:
        # 三员分立 on every path: an administrator acts only as that one administrator, never as
        # staff, head, office or leader, whatever other rows exist; two administrator roles on one
        # account (refused everywhere, a database constraint included) would grant nothing at all.
        roles = set(admin_roles) if len(admin_roles) == 1 else set()
        role_orgs = {role: orgs for role, orgs in role_orgs.items() if role in roles}
        person = None
    else:
        person = (Person.objects.filter(user_id=user.pk, is_active=True)
                  .values("id", "department_id", "organisation_id", "position").first())
    headed: frozenset[int] = frozenset()
    assessing: frozenset[int] = frozenset()
    organisation_id = None
    if person:
        organisation_id = person["organisation_id"]
        if person["position"] != Position.LEADER:
            roles.add(STAFF)
        rows = set(Department.objects.filter(Q(head_id=person["id"]) | Q(assessor_designations__user_id=user.pk,
                                                                         pk=person["department_id"]))
                   .values_list("id", "head_id"))
        headed = frozenset(pk for pk, head_id in rows if head_id == person["id"])
        assessing = frozenset(pk for pk, _head_id in rows)
        if headed:
            roles.add(HEAD)
        if assessing:
            roles.add(ASSESSOR)
    if organisation_id is None:
        explicit = [org for orgs in role_orgs.values() for org in orgs if org is not None]
        organisation_id = explicit[0] if explicit else None
    actor = Actor(
        user_id=user.pk,
        person_id=person["id"] if person else None,
        department_id=person["department_id"] if person else None,
        organisation_id=organisation_id,
        roles=frozenset(roles),
        headed_department_ids=headed,
        assessing_department_ids=assessing,
        role_organisations={role: frozenset(orgs) for role, orgs in role_orgs.items()},
    )
    user._appraisal_actor = actor
    return actor


def _org_of(obj) -> int | None:
    if obj is None:
        return None
    if hasattr(obj, "organisation_id"):
        return obj.organisation_id
    if hasattr(obj, "assessment_year"):
        return obj.assessment_year.organisation_id
    return getattr(obj, "pk", None) if obj.__class__.__name__ == "Organisation" else None


def office_of(actor: Actor, obj) -> bool:
    return actor.has(Role.OFFICE) and (obj is None or actor.in_organisation(Role.OFFICE, _org_of(obj)))


def _leader_of(actor: Actor, obj) -> bool:
    return actor.has(Role.LEADER) and (obj is None or actor.in_organisation(Role.LEADER, _org_of(obj)))


def _head_of(actor: Actor, department) -> bool:
    if department is None:
        return actor.has(HEAD)
    return getattr(department, "pk", department) in actor.headed_department_ids


def _reads_department(actor: Actor, department) -> bool:
    if department is None:  # the view-level question: "some department"
        return actor.has(STAFF, HEAD, Role.OFFICE, Role.LEADER)
    return (office_of(actor, department) or _leader_of(actor, department) or _head_of(actor, department)
            or actor.department_id == department.pk)


def _reads_person(actor: Actor, person) -> bool:
    if person is None:
        return actor.has(STAFF, HEAD, Role.OFFICE, Role.LEADER)
    return (person.pk == actor.person_id or office_of(actor, person) or _leader_of(actor, person)
            or (person.department_id is not None and person.department_id in actor.headed_department_ids))


def _reads_trace_entry(actor: Actor, entry) -> bool:
    """Trace logs are shown openly (DOMAIN.md §4.1): the author, colleagues of the department the
    entry was filed in, its head, leaders and the office read it; a draft only its author."""
    if entry is None:
        return actor.has(STAFF, HEAD, Role.OFFICE, Role.LEADER)
    if entry.person_id == actor.person_id:
        return True
    if entry.status == "draft":
        return False
    return (office_of(actor, entry) or _leader_of(actor, entry) or entry.department_id in actor.headed_department_ids
            or (actor.department_id is not None and actor.department_id == entry.department_id))


def _writes_trace_entry(actor: Actor, entry) -> bool:
    """Only the author writes an entry; leaders never write."""
    return actor.has(STAFF) and (entry is None or entry.person_id == actor.person_id)


def _reviews_trace_entry(actor: Actor, entry) -> bool:
    """The head of the entry's department reviews it; nobody reviews their own entry."""
    if entry is None:
        return actor.has(HEAD)
    return entry.department_id in actor.headed_department_ids and entry.person_id != actor.person_id


def _assesses(actor: Actor, indicator) -> bool:
    """Enter the score of a leaf: the office of its organisation, or an account of the department
    the leaf names as its assessor (考核主体). The view-level question: may score something."""
    if indicator is None:
        return actor.has(Role.OFFICE, ASSESSOR)
    department_id = getattr(indicator, "assessor_department_id", None)
    return office_of(actor, indicator) or (department_id is not None
                                           and department_id in actor.assessing_department_ids)


def _assesses_for(actor: Actor, department) -> bool:
    """Act for an assessing department (its grid, its submissions): the office, or the department's
    head and designated accounts. The view-level question: may act for some assessing unit."""
    if department is None:
        return actor.has(Role.OFFICE, ASSESSOR)
    return office_of(actor, department) or getattr(department, "pk", department) in actor.assessing_department_ids


def _reads_objection(actor: Actor, objection) -> bool:
    """An objection (异议): the person who filed it, the head of the person's department, the office."""
    if objection is None:
        return actor.has(STAFF, HEAD, Role.OFFICE)
    person = objection.person
    return (person.pk == actor.person_id or office_of(actor, person)
            or (person.department_id is not None and person.department_id in actor.headed_department_ids))


# rule name -> predicate(actor, obj). Administrators' roles grant none of the appraisal rules.
RULES: dict[str, Callable[[Actor, object], bool]] = {
    "authenticated": lambda a, o: a.user_id is not None,
    "appraisal.participant": lambda a, o: a.has(STAFF, HEAD, Role.OFFICE, Role.LEADER),
    "office.manage": office_of,
    "office.or_leader": lambda a, o: office_of(a, o) or _leader_of(a, o),
    "department.read": _reads_department,
    "department.head": lambda a, o: _head_of(a, o),
    "person.read": _reads_person,
    "staff.self": lambda a, o: a.has(STAFF),
    "tracelog.entry.read": _reads_trace_entry,
    "tracelog.entry.write": _writes_trace_entry,
    "tracelog.entry.review": _reviews_trace_entry,
    # filing statistics and missing-filing lists: a department's head, or the office
    "tracelog.statistics": lambda a, o: office_of(a, o) or _head_of(a, o),
    # ballots (scoring/ballots.py): a department's aggregated democratic evaluation; workload grades
    "department.results": lambda a, o: office_of(a, o) or _leader_of(a, o) or _head_of(a, o),
    "workload.set": lambda a, o: office_of(a, o) or _head_of(a, o),
    # assessors (考核主体): the leaves a department assesses, across all departments (indicators/assessing.py)
    "scores.assess": _assesses,
    "scores.assess_for": _assesses_for,
    "scores.assessor": lambda a, o: a.has(ASSESSOR),  # navigation: heads and designated accounts
    # results for everyone (DOMAIN.md §9): 绩效之窗, per-indicator analysis and trends, for every appraised unit
    "results.window": lambda a, o: a.has(STAFF, HEAD, Role.OFFICE, Role.LEADER) and (
        o is None or office_of(a, o) or _leader_of(a, o) or a.organisation_id == _org_of(o)),
    # pre-appraisal warnings: the office and leaders read all, a head the own department's; the head answers
    "warning.read": lambda a, o: office_of(a, o) or _leader_of(a, o) or (
        _head_of(a, getattr(o, "department_id", None)) if o is not None else a.has(HEAD)),
    "warning.answer": lambda a, o: a.has(HEAD) if o is None else _head_of(a, o.department_id),
    # who works on warnings (the navigation entry): the office and heads; leaders read them from the dashboard
    "warning.work": lambda a, o: office_of(a, o) or _head_of(a, None),
    "objection.read": _reads_objection,
    "accounts.manage": lambda a, o: a.has(Role.SYSADMIN),
    "roles.manage": lambda a, o: a.has(Role.SECADMIN),
    "audit.read": lambda a, o: a.has(Role.AUDITOR),
    # linking an account to a person record: the office of that person's organisation, or the system administrator
    "accounts.link": lambda a, o: office_of(a, o) or a.has(Role.SYSADMIN),
    # approving a password reset of an administrator (two-person rule; the service names which one)
    "password_reset.approve": lambda a, o: a.has(Role.SECADMIN, Role.AUDITOR),
    # organisations: the system administrator (of that organisation, or of every one to create one)
    "organisations.manage": lambda a, o: a.has(Role.SYSADMIN) and (o is None or a.in_organisation(Role.SYSADMIN, _org_of(o))),
    # the Django admin is the system administrator's configuration only (organisations)
    "admin.site": lambda a, o: a.has(Role.SYSADMIN),
    "system.health": lambda a, o: a.has(Role.OFFICE, Role.SYSADMIN),
    # a workbook job (upload validation, import, export): the account that asked for it, and the office
    # of its organisation; downloading its file asks the job kind's own rule again (scoring.job_kinds)
    "exchange.job": lambda a, o: a.has(Role.OFFICE, Role.LEADER) if o is None else a.user_id is not None and (
        o.requested_by_id == a.user_id or office_of(a, o)),
}

PUBLIC = "public"


def register_rules(rules: dict[str, Callable[[Actor, object], bool]]) -> None:
    """Apps above the core add the rules that read their own models (from AppConfig.ready), so that
    every check still goes through ``can``; a name is defined once."""
    for name, predicate in rules.items():
        if RULES.get(name, predicate) is not predicate:
            raise ValueError(f"access rule {name!r} is defined twice")
        RULES[name] = predicate


def can(user, rule: str, obj=None) -> bool:
    if rule == PUBLIC:
        return True
    predicate = RULES.get(rule)
    if predicate is None:
        return False
    return bool(predicate(actor_for(user), obj))


def check(user, rule: str, obj=None) -> None:
    """Raise PermissionDenied (the Chinese 403 page, audited) unless ``can``."""
    if not can(user, rule, obj):
        raise PermissionDenied(rule)


def require(rule: str):
    """Declare the rule a function view answers to; the access middleware enforces it."""
    if rule != PUBLIC and rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


def rule_of_view(view_func) -> str | None:
    rule = getattr(view_func, "access_rule", None)
    if rule is None and hasattr(view_func, "view_class"):
        rule = getattr(view_func.view_class, "access_rule", None)
    return rule


def admin_roles_conflict(existing: set[str], new_role: str, *, has_person: bool = False) -> bool:
    """三员分立: one account holds at most one administrator role, and no administrator role
    together with an appraisal role: office, leader, or staff / head through a person record."""
    if new_role in ADMIN_ROLES:
        return has_person or bool(existing - {new_role})
    return bool(existing & set(ADMIN_ROLES))


def is_administrator(user) -> bool:
    """Holds one of the three administrator roles (by the role rows, whatever actor_for makes of them)."""
    return RoleAssignment.objects.filter(user_id=getattr(user, "pk", user), role__in=ADMIN_ROLES).exists()
