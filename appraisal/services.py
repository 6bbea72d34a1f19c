"""Writes of the organisation core. Each service runs in one transaction, checks access through
``appraisal.access`` and records its audit event in that same transaction."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.scheme import (
    SCHEME_DEFAULTS, SCHEME_MONTH_LISTS, format_months, parse_months, validate_month_lists, validate_scheme,
)

from . import access, audit
from .events import period_state_changed
from .errors import PermissionDeniedError, StateError, ValidationFailed
from .models import (
    AssessmentYear, Department, LeaveRecord, OfficeCalendarDay, Organisation, Period, PeriodKind, PeriodState,
    Person, Scheme,
)

STATE_ORDER = [PeriodState.OPEN, PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED]


def _require(user, rule: str, obj=None) -> None:
    if user is not None and not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))


# ---------------------------------------------------------------- years, schemes and periods

def year_open(*, user, organisation: Organisation, year: int) -> AssessmentYear:
    """Open an assessment year: its scheme (last year's values, else the defaults) and its
    15 periods (12 months, 2 halves, the year), all open; in routine mode also its 4 quarters."""
    _require(user, "office.manage", organisation)
    with transaction.atomic():
        if AssessmentYear.objects.filter(organisation=organisation, year=year).exists():
            raise ValidationFailed(_("%(year)s 年度已存在。") % {"year": year})
        assessment_year = AssessmentYear.objects.create(organisation=organisation, year=year)
        previous = Scheme.objects.filter(assessment_year__organisation=organisation,
                                         assessment_year__year__lt=year).order_by("-assessment_year__year").first()
        values = dict(previous.values) if previous else {k: format(v, "f") for k, v in SCHEME_DEFAULTS.items()}
        Scheme.objects.create(assessment_year=assessment_year, values=values)
        Period.objects.bulk_create(
            [Period(assessment_year=assessment_year, kind=PeriodKind.MONTH, number=m) for m in range(1, 13)]
            + [Period(assessment_year=assessment_year, kind=PeriodKind.HALF, number=h) for h in (1, 2)]
            + [Period(assessment_year=assessment_year, kind=PeriodKind.YEAR, number=1)]
        )
        quarters_ensure(assessment_year, values)
        audit.record("year.open", actor=user, obj=assessment_year, new={"year": year, "scheme": values},
                     organisation_id=organisation.pk)
    return assessment_year


def scheme_update(*, user, scheme: Scheme, values: dict[str, Decimal], reason: str = "",
                  months: dict[str, object] | None = None) -> Scheme:
    """Save every number of the scheme, and the month lists given (``months``; the others keep their value)."""
    assessment_year = scheme.assessment_year
    _require(user, "office.manage", assessment_year)
    problems = validate_scheme(values) + validate_month_lists(months or {})
    unknown = sorted(set(values) - set(SCHEME_DEFAULTS))
    if unknown:
        problems = [*problems, *[(key, _("未知的方案参数：%(key)s") % {"key": key}) for key in unknown]]
    if problems:
        raise ValidationFailed(_("考核方案参数有误，未保存。"), details=problems)
    with transaction.atomic():
        year_period = Period.objects.select_for_update().get(assessment_year=assessment_year, kind=PeriodKind.YEAR)
        if year_period.is_locked:
            raise StateError(_("%(year)s 年度已锁定，方案参数不能修改。") % {"year": assessment_year.year})
        new_values = {key: format(Decimal(values[key]), "f") for key in SCHEME_DEFAULTS}
        for key, default in SCHEME_MONTH_LISTS.items():
            given = (months or {}).get(key)
            new_values[key] = (format_months(parse_months(given)) if given is not None
                               else scheme.values.get(key, format_months(default)))
        old = {k: v for k, v in scheme.values.items() if new_values.get(k) != v}
        changed = {k: v for k, v in new_values.items() if scheme.values.get(k) != v}
        if not changed:
            return scheme
        scheme.values = new_values
        scheme.save(update_fields=["values", "updated_at"])
        quarters_ensure(assessment_year, new_values)
        audit.record("scheme.update", actor=user, obj=scheme, old=old, new=changed, reason=reason,
                     organisation_id=assessment_year.organisation_id)
    return scheme


def quarters_ensure(assessment_year: AssessmentYear, values: dict) -> int:
    """Routine mode (``routine.enabled``, docs/routine.md) gives the year its four quarters, open, as
    periods with the same states and guards as months. Switching it off keeps them (and their data)."""
    if Decimal(str(values.get("routine.enabled", "0"))) == 0:
        return 0
    have = set(Period.objects.filter(assessment_year=assessment_year, kind=PeriodKind.QUARTER)
               .values_list("number", flat=True))
    missing = [Period(assessment_year=assessment_year, kind=PeriodKind.QUARTER, number=q)
               for q in range(1, 5) if q not in have]
    Period.objects.bulk_create(missing)
    return len(missing)


class GuardRefused(StateError):
    """A move the checklist refuses; ``checklist`` names every unmet item."""

    def __init__(self, message, *, checklist):
        super().__init__(message, details=[(r.label, p) for r in checklist.unmet for p in r.problems])
        self.checklist = checklist


MIN_REASON = 4


def period_transition(*, user, period: Period, to_state: str, reason: str = "", override: bool = False,
                      now=None) -> Period:
    """Move a period one step forward (open → scoring → publicity → locked) through its checklist
    (``appraisal.period_guards``), or back to an earlier state with a written reason (reopening;
    DOMAIN.md §8, SECURITY.md item 9).

    An unmet checklist refuses the move unless ``override`` is given with a written reason; an
    unmet check that is not overridable (the lock order) refuses it whatever the reason. The audit
    event carries the checklist as it was. ``user=None`` is the system (the automatic lock).
    """
    from . import period_guards, workdays

    if user is not None:
        _require(user, "office.manage", period.assessment_year)
    if to_state not in STATE_ORDER:
        raise ValidationFailed(_("未知的周期状态。"))
    reason = (reason or "").strip()
    now = now or timezone.now()
    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("assessment_year").get(pk=period.pk)
        current = STATE_ORDER.index(period.state)
        target = STATE_ORDER.index(to_state)
        checklist = None
        if target == current + 1:
            action = "period.advance"
            checklist = period_guards.checklist(period, to_state, now=now)
            if not checklist.ok:
                if not checklist.overridable:
                    raise GuardRefused(_("%(label)s 不能变为“%(state)s”：有不可越过的条件未满足。") % {
                        "label": period.label, "state": PeriodState(to_state).label}, checklist=checklist)
                if not override or len(reason) < MIN_REASON:
                    raise GuardRefused(_("%(label)s 不能变为“%(state)s”：检查清单有未满足的项目。"
                                         "如确需继续，请填写原因（至少 4 个字）后强制执行。") % {
                        "label": period.label, "state": PeriodState(to_state).label}, checklist=checklist)
                action = "period.override"
        elif target < current:
            if len(reason) < MIN_REASON:
                raise ValidationFailed(_("退回或重新开放周期必须填写原因（至少 4 个字）。"))
            action = "period.reopen" if period.state == PeriodState.LOCKED else "period.revert"
        else:
            raise StateError(_("周期不能从“%(from)s”直接变为“%(to)s”。") % {
                "from": PeriodState(period.state).label, "to": PeriodState(to_state).label})
        old_state = period.state
        period.state = to_state
        period.state_changed_at = now
        fields = ["state", "state_changed_at"]
        if to_state == PeriodState.PUBLICITY:
            period.publicity_started_on = timezone.localdate(now)
            period.publicity_ends_on = workdays.publicity_end(
                period.publicity_started_on, publicity_days(period.assessment_year),
                office_days(period.assessment_year.organisation_id))
            fields += ["publicity_started_on", "publicity_ends_on"]
        elif target < STATE_ORDER.index(PeriodState.PUBLICITY):
            # reopened: the figures are no longer frozen; they are published again with the period
            period.publicity_started_on = period.publicity_ends_on = period.published_at = None
            fields += ["publicity_started_on", "publicity_ends_on", "published_at"]
        period.save(update_fields=fields)
        new = {"state": to_state}
        if checklist is not None:
            new["checklist"] = checklist.as_audit()
        if period.publicity_ends_on and to_state == PeriodState.PUBLICITY:
            new["publicity_ends_on"] = period.publicity_ends_on.isoformat()
        audit.record(action, actor=user, obj=period, old={"state": old_state}, new=new, reason=reason,
                     organisation_id=period.assessment_year.organisation_id)
        period_state_changed.send(sender=Period, period=period, old_state=old_state, new_state=to_state, user=user)
    return period


def publicity_days(assessment_year: AssessmentYear) -> int:
    scheme = Scheme.objects.filter(assessment_year=assessment_year).first()
    return int(scheme.as_decimals()["period.publicity_days"]) if scheme else int(
        SCHEME_DEFAULTS["period.publicity_days"])


def office_days(organisation_id: int) -> dict:
    return dict(OfficeCalendarDay.objects.filter(organisation_id=organisation_id).values_list("day", "is_workday"))


def calendar_day_save(*, user, organisation: Organisation, day, is_workday: bool, name: str = "") -> OfficeCalendarDay:
    _require(user, "office.manage", organisation)
    with transaction.atomic():
        entry, created = OfficeCalendarDay.objects.select_for_update().get_or_create(
            organisation=organisation, day=day, defaults={"is_workday": is_workday, "name": name})
        old = None if created else {"is_workday": entry.is_workday, "name": entry.name}
        entry.is_workday, entry.name = is_workday, name
        entry.save()
        audit.record("calendar.save", actor=user, obj=entry, old=old, new={"day": day.isoformat(),
                     "is_workday": is_workday, "name": name}, organisation_id=organisation.pk)
    return entry


def calendar_day_delete(*, user, entry: OfficeCalendarDay) -> None:
    _require(user, "office.manage", entry.organisation)
    with transaction.atomic():
        audit.record("calendar.delete", actor=user, obj=entry, old={"day": entry.day.isoformat(),
                     "is_workday": entry.is_workday, "name": entry.name}, organisation_id=entry.organisation_id)
        entry.delete()


# ---------------------------------------------------------------- organisations, departments and people

def organisation_save(*, user, organisation: Organisation, reason: str = "") -> Organisation:
    """Create or rename an organisation (the system administrator, through the admin)."""
    _require(user, "organisations.manage", organisation)
    with transaction.atomic():
        old = None
        if organisation.pk:
            old = audit.snapshot(Organisation.objects.select_for_update().get(pk=organisation.pk), ["code", "name"])
        organisation.save()
        before, after = audit.changes(old, audit.snapshot(organisation, ["code", "name"]))
        if after:
            audit.record("organisation.create" if old is None else "organisation.update", actor=user,
                         obj=organisation, old=before, new=after, reason=reason, organisation_id=organisation.pk)
    return organisation


DEPARTMENT_FIELDS = ["organisation", "code", "name", "group", "head", "sort_order", "is_active"]
PERSON_FIELDS = ["organisation", "staff_id", "name", "department", "position", "category", "email", "is_active"]


def department_save(*, user, department: Department, reason: str = "") -> Department:
    """Create or change a department (the form has validated its fields)."""
    _require(user, "office.manage", department)
    if department.head_id and department.head.department_id != department.pk:
        raise ValidationFailed(_("负责人必须是本部门的人员。"))
    with transaction.atomic():
        old = None
        if department.pk:
            before = Department.objects.select_for_update().get(pk=department.pk)
            # the office of the organisation it leaves must be the one acting too
            _require(user, "office.manage", before)
            old = audit.snapshot(before, DEPARTMENT_FIELDS)
        department.save()
        new = audit.snapshot(department, DEPARTMENT_FIELDS)
        if old != new:
            before, after = audit.changes(old, new)
            audit.record("department.create" if old is None else "department.update", actor=user, obj=department,
                         old=before, new=after, reason=reason)
    return department


def person_save(*, user, person: Person, reason: str = "") -> Person:
    _require(user, "office.manage", person)
    if person.position != "局领导" and person.department_id is None:
        raise ValidationFailed(_("除局领导外，人员必须属于一个部门。"))
    if person.department_id and person.department.organisation_id != person.organisation_id:
        raise ValidationFailed(_("部门不属于该人员的单位。"))
    with transaction.atomic():
        old = None
        if person.pk:
            before = Person.objects.select_for_update().get(pk=person.pk)
            # the office of the organisation the person leaves must be the one acting too
            _require(user, "office.manage", before)
            old = audit.snapshot(before, PERSON_FIELDS)
            if before.department_id != person.department_id:
                # A head who moves away no longer heads the department they left.
                Department.objects.filter(pk=before.department_id, head=person).update(head=None)
        person.save()
        new = audit.snapshot(person, PERSON_FIELDS)
        if old != new:
            before, after = audit.changes(old, new)
            audit.record("person.create" if old is None else "person.update", actor=user, obj=person,
                         old=before, new=after, reason=reason)
    return person


def leave_set(*, user, assessment_year: AssessmentYear, person: Person, months: int, reason: str = "") -> None:
    _require(user, "office.manage", assessment_year)
    if not 0 <= months <= 12:
        raise ValidationFailed(_("请假月数应为 0 到 12 的整数。"))
    with transaction.atomic():
        record, created = LeaveRecord.objects.select_for_update().get_or_create(
            assessment_year=assessment_year, person=person, defaults={"months": months})
        old = None if created else record.months
        if not created and record.months != months:
            record.months = months
            record.save(update_fields=["months"])
        if created or old != months:
            audit.record("leave.set", actor=user, obj=person, old={"months": old}, new={"months": months}, reason=reason)
