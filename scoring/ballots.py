"""Writes of the ballots: the monthly democratic evaluation (民主测评), the heads' workload grades
(工作量系数) and the half-year 360° satisfaction evaluation (满意度测评); DOMAIN.md §4.2 and §5,
SECURITY.md items 7, 10–13, 15.

Every service runs in one transaction, checks access through ``appraisal.access``, locks the
period (so that no ballot slips in while the office moves the period on) and records its audit
event in that same transaction. The audit log is the only place a rater stands next to a grade:
it is the audit administrator's, who may trace a ballot (SECURITY.md item 12).
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import (
    ADMIN_ROLES, Department, Period, PeriodKind, PeriodState, Person, Position, Role, RoleAssignment,
)

from .models import (
    EXTERNAL_GROUPS, PEER_GRADES, SATISFACTION_GRADES, WORKLOAD_GRADES, PeerRating, SatisfactionEvaluation,
    SatisfactionRater, SatisfactionRating, WorkloadGrade,
)

PEER_GRADE_VALUES = tuple(value for value, _label in PEER_GRADES)
WORKLOAD_GRADE_VALUES = tuple(value for value, _label in WORKLOAD_GRADES)
SATISFACTION_GRADE_VALUES = tuple(value for value, _label in SATISFACTION_GRADES)
DEFAULT_WORKLOAD_GRADE = "一般"
LEADER_GROUPS = ("主要领导", "分管领导")
DEPARTMENT_GROUP = "机关部门"
INTERNAL_GROUPS = (*LEADER_GROUPS, DEPARTMENT_GROUP)
# Workload grades may be set while the month is being filed or scored; publicity freezes them.
WORKLOAD_STATES = (PeriodState.OPEN, PeriodState.SCORING)
SATISFACTION_STATES = (PeriodState.OPEN, PeriodState.SCORING)


class LinkInvalid(StateError):
    """A 360° link that is unknown, used, expired or belongs to a closed evaluation. One message
    for all cases: the page must not help anyone probe tokens."""


def _require(user, rule: str, obj=None) -> None:
    if not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))


def _lock_period(period: Period) -> Period:
    return Period.objects.select_for_update().select_related("assessment_year").get(pk=period.pk)


def _person_key(person: Person) -> str:
    return f"{person.staff_id} {person.name}"


def rated_members(department_id: int):
    """Who takes part in a department's monthly evaluation: its active people except 局领导."""
    return (Person.objects.filter(department_id=department_id, is_active=True)
            .exclude(position=Position.LEADER).order_by("staff_id"))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- democratic evaluation (民主测评)

@dataclass(frozen=True)
class PeerBallotResult:
    rated: int  # colleagues this rater has graded this month, after the submission
    total: int  # colleagues there are to grade
    changed: int  # grades written by this submission


def peer_rating_submit(*, user, period: Period, grades: Mapping[int, str]) -> PeerBallotResult:
    """Grade colleagues of the own department for an open month (``grades``: ratee person id →
    优秀/良好/中等/差). A grade already given is replaced: one row per rater, ratee and month,
    enforced by the database, so two concurrent submissions leave one row."""
    _require(user, "staff.self")
    actor = access.actor_for(user)
    if not grades:
        raise ValidationFailed(_("请至少为一位同事选择等次。"))
    bad = [ratee for ratee, grade in grades.items() if grade not in PEER_GRADE_VALUES]
    if bad:
        raise ValidationFailed(_("等次须为 优秀、良好、中等 或 差。"))
    with transaction.atomic():
        period = _lock_period(period)
        if period.kind != PeriodKind.MONTH:
            raise ValidationFailed(_("民主测评按月进行。"))
        rater = Person.objects.get(pk=actor.person_id)
        if period.assessment_year.organisation_id != rater.organisation_id:
            raise PermissionDeniedError(_("您没有执行此操作的权限。"))
        if period.state != PeriodState.OPEN:
            raise StateError(_("%(period)s 的民主测评已结束，不能再提交或修改。") % {"period": period.label})
        if rater.position == Position.LEADER or rater.department_id is None:
            raise PermissionDeniedError(_("局领导不参加民主测评。"))
        if rater.pk in grades:
            raise ValidationFailed(_("不能给自己评分。"))
        colleagues = {p.pk: p for p in rated_members(rater.department_id).exclude(pk=rater.pk)}
        if set(grades) - set(colleagues):
            raise PermissionDeniedError(_("只能评价本部门在职的同事（局领导不参加民主测评）。"))
        old = dict(PeerRating.objects.filter(period=period, rater=rater, ratee_id__in=list(grades))
                   .values_list("ratee_id", "grade"))
        changed = {ratee: grade for ratee, grade in grades.items() if old.get(ratee) != grade}
        if changed:
            # An upsert on the unique key: a concurrent submission of the same ballot updates, never duplicates.
            PeerRating.objects.bulk_create(
                [PeerRating(period=period, rater=rater, ratee_id=ratee, grade=grade)
                 for ratee, grade in changed.items()],
                update_conflicts=True, unique_fields=["period", "rater", "ratee"],
                update_fields=["grade", "updated_at"])
            # The ballot next to its rater: the audit administrator's log only.
            audit.record("peer_rating.submit", actor=user, obj=period, object_type="scoring.PeerRating",
                         object_repr=_("%(period)s 民主测评") % {"period": period},
                         old={_person_key(colleagues[r]): old[r] for r in changed if r in old} or None,
                         new={_person_key(colleagues[r]): g for r, g in changed.items()},
                         organisation_id=rater.organisation_id)
        rated = PeerRating.objects.filter(period=period, rater=rater, ratee_id__in=list(colleagues)).count()
    return PeerBallotResult(rated=rated, total=len(colleagues), changed=len(changed))


# ---------------------------------------------------------------- workload grades (工作量系数)

def _workload_members(department: Department, period: Period) -> dict[int, Person]:
    if department.organisation_id != period.assessment_year.organisation_id:
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    return {p.pk: p for p in rated_members(department.pk)}


def _workload_state(period: Period) -> None:
    if period.kind != PeriodKind.MONTH:
        raise ValidationFailed(_("工作量等级按月评定。"))
    if period.state not in WORKLOAD_STATES:
        raise StateError(_("%(period)s 处于“%(state)s”状态，工作量等级不能再修改。") % {
            "period": period.label, "state": PeriodState(period.state).label})


def workload_set(*, user, period: Period, department: Department, grades: Mapping[int, str],
                 reason: str = "") -> int:
    """Set members' workload grades for a month (``grades``: person id → 非常大 … 非常小); returns
    how many changed. Once the month's grades are published, later changes are visible at once.
    The page posts every member's grade: a member without one counts as 一般, so only a grade that
    differs from what the member had (or 一般) is a change — counted, and audited old → new."""
    _require(user, "workload.set", department)
    problems = [(str(pk), _("工作量等级无效：%(grade)s") % {"grade": grade})
                for pk, grade in grades.items() if grade not in WORKLOAD_GRADE_VALUES]
    if problems:
        raise ValidationFailed(_("工作量等级有误，未保存。"), details=problems)
    actor = access.actor_for(user)
    with transaction.atomic():
        period = _lock_period(period)
        _workload_state(period)
        members = _workload_members(department, period)
        if set(grades) - set(members):
            raise ValidationFailed(_("只能评定本部门在职人员的工作量等级。"))
        if actor.person_id in grades:
            # Nobody grades the own workload: the office sets the head's.
            raise ValidationFailed(_("不能评定本人的工作量等级。"))
        existing = {row.person_id: row for row in
                    WorkloadGrade.objects.select_for_update().filter(period=period, person_id__in=list(members))}
        published = any(row.published for row in existing.values())
        now = timezone.now()
        created, updated, old, new = [], [], {}, {}
        for person_id, grade in grades.items():
            row = existing.get(person_id)
            if row is None:
                created.append(WorkloadGrade(period=period, person_id=person_id, grade=grade, published=published,
                                             set_by=user))
                if grade == DEFAULT_WORKLOAD_GRADE:
                    continue  # kept as confirmed, but no change: an ungraded member already counts as 一般
                old[_person_key(members[person_id])] = DEFAULT_WORKLOAD_GRADE
            elif row.grade != grade:
                old[_person_key(members[person_id])] = row.grade
                row.grade, row.set_by, row.updated_at = grade, user, now
                updated.append(row)
            else:
                continue
            new[_person_key(members[person_id])] = grade
        WorkloadGrade.objects.bulk_create(created)
        WorkloadGrade.objects.bulk_update(updated, ["grade", "set_by", "updated_at"])
        if new:
            audit.record("workload.set", actor=user, obj=department, object_type="scoring.WorkloadGrade",
                         object_repr=f"{department.name} {period}", old=old or None, new=new, reason=reason)
    return len(new)


def workload_publish(*, user, period: Period, department: Department) -> int:
    """Publish a department's grades for a month to its members (公布). Members without a grade
    get the default 一般, which is what the computation uses for them anyway."""
    _require(user, "workload.set", department)
    with transaction.atomic():
        period = _lock_period(period)
        _workload_state(period)
        members = _workload_members(department, period)
        rows = {row.person_id: row for row in
                WorkloadGrade.objects.select_for_update().filter(period=period, person_id__in=list(members))}
        missing = [WorkloadGrade(period=period, person_id=pk, grade=DEFAULT_WORKLOAD_GRADE, published=True,
                                 set_by=user) for pk in members if pk not in rows]
        unpublished = [pk for pk, row in rows.items() if not row.published]
        if not missing and not unpublished:
            raise StateError(_("%(period)s 的工作量等级已经公布。") % {"period": period.label})
        WorkloadGrade.objects.bulk_create(missing)
        WorkloadGrade.objects.filter(pk__in=[rows[pk].pk for pk in unpublished]).update(published=True)
        grades = {pk: row.grade for pk, row in rows.items()} | {row.person_id: row.grade for row in missing}
        audit.record("workload.publish", actor=user, obj=department, object_type="scoring.WorkloadGrade",
                     object_repr=f"{department.name} {period}", old={"published": False},
                     new={"published": True, "grades": {_person_key(members[pk]): g for pk, g in grades.items()}})
    return len(missing) + len(unpublished)


# ---------------------------------------------------------------- 360° satisfaction (满意度测评)

def _lock_evaluation(evaluation: SatisfactionEvaluation) -> SatisfactionEvaluation:
    return (SatisfactionEvaluation.objects.select_for_update()
            .select_related("period__assessment_year").get(pk=evaluation.pk))


def _evaluation_running(evaluation: SatisfactionEvaluation, now: datetime) -> None:
    if evaluation.closed or evaluation.closes_at <= now:
        raise StateError(_("本次满意度测评已结束。"))
    if evaluation.period.state not in SATISFACTION_STATES:
        raise StateError(_("%(period)s 处于“%(state)s”状态，满意度测评不能再进行。") % {
            "period": evaluation.period.label, "state": PeriodState(evaluation.period.state).label})


def satisfaction_open(*, user, period: Period, closes_at: datetime) -> SatisfactionEvaluation:
    """The office opens the 360° evaluation of a half year, closing at ``closes_at``."""
    _require(user, "office.manage", period.assessment_year)
    if period.kind != PeriodKind.HALF:
        raise ValidationFailed(_("满意度测评按半年进行，请选择上半年或下半年。"))
    if closes_at <= timezone.now():
        raise ValidationFailed(_("截止时间须晚于当前时间。"))
    with transaction.atomic():
        period = _lock_period(period)
        if period.state not in SATISFACTION_STATES:
            raise StateError(_("%(period)s 处于“%(state)s”状态，不能开启满意度测评。") % {
                "period": period.label, "state": PeriodState(period.state).label})
        if SatisfactionEvaluation.objects.filter(period=period).exists():
            raise ValidationFailed(_("%(period)s 的满意度测评已经开启。") % {"period": period})
        evaluation = SatisfactionEvaluation.objects.create(period=period, closes_at=closes_at)
        audit.record("satisfaction.open", actor=user, obj=evaluation, object_repr=_("%(period)s 满意度测评") % {
            "period": period}, new={"closes_at": closes_at}, organisation_id=period.assessment_year.organisation_id)
    return evaluation


def satisfaction_rater_add_internal(*, user, evaluation: SatisfactionEvaluation, group: str,
                                   accounts: Iterable) -> list[SatisfactionRater]:
    """Add accounts as raters of an internal group, all or none. 主要领导 and 分管领导 are leaders;
    a 机关部门 rater is a person of a department, recorded so that they never rate it."""
    organisation_id = evaluation.period.assessment_year.organisation_id
    _require(user, "office.manage", evaluation.period.assessment_year)
    if group not in INTERNAL_GROUPS:
        raise ValidationFailed(_("账号评价人只能加入 主要领导、分管领导 或 机关部门 组。"))
    accounts = list(accounts)
    if not accounts:
        raise ValidationFailed(_("请选择评价人账号。"))
    account_ids = [account.pk for account in accounts]
    with transaction.atomic():
        evaluation = _lock_evaluation(evaluation)
        _evaluation_running(evaluation, timezone.now())
        people = {p.user_id: p for p in Person.objects.filter(user_id__in=account_ids, is_active=True)
                  .select_related("department")}
        roles: dict[int, set[str]] = {}
        for user_id, role, org in RoleAssignment.objects.filter(user_id__in=account_ids).values_list(
                "user_id", "role", "organisation_id"):
            if role in ADMIN_ROLES or org in (None, organisation_id):
                roles.setdefault(user_id, set()).add(role)
        already = set(evaluation.raters.filter(user_id__in=account_ids).values_list("user_id", flat=True))
        problems, raters = [], []
        for account in get_user_model().objects.filter(pk__in=account_ids, is_active=True).order_by("username"):
            person = people.get(account.pk)
            held = roles.get(account.pk, set())
            name = person.name if person else account.username
            in_organisation = (person is not None and person.organisation_id == organisation_id) or bool(held)
            is_leader = Role.LEADER in held or (person is not None and person.position == Position.LEADER)
            if held & set(ADMIN_ROLES) or not in_organisation:
                problems.append((name, _("不是本单位参加考核的账号")))
            elif account.pk in already:
                problems.append((name, _("已是本次测评的评价人")))
            elif group in LEADER_GROUPS and not is_leader:
                problems.append((name, _("不是局领导，不能加入“%(group)s”组") % {"group": group}))
            elif group == DEPARTMENT_GROUP and (person is None or person.department_id is None):
                problems.append((name, _("不属于任何部门，不能加入“机关部门”组")))
            else:
                department = person.department if group == DEPARTMENT_GROUP else None
                label = f"{name}（{department.name}）" if department else name
                raters.append(SatisfactionRater(evaluation=evaluation, group=group, user=account,
                                                department=department, label=label[:100]))
        if len(raters) + len(problems) < len(set(account_ids)):
            problems.append(("", _("所选账号不存在或已停用")))
        if problems:
            raise ValidationFailed(_("评价人未添加，请修改后重试。"), details=problems)
        SatisfactionRater.objects.bulk_create(raters)
        audit.record("satisfaction.rater_add", actor=user, obj=evaluation, object_repr=_("%(period)s 满意度测评") % {
            "period": evaluation.period}, new={"group": group, "raters": [r.label for r in raters]},
            organisation_id=organisation_id)
    return raters


@dataclass(frozen=True)
class CreatedLink:
    rater: SatisfactionRater
    token: str  # shown to the office once; only its SHA-256 is stored


def satisfaction_link_create(*, user, evaluation: SatisfactionEvaluation, group: str, label: str,
                             expires_at: datetime | None = None) -> CreatedLink:
    """A single-use link for an external rater (no account). It expires at ``expires_at`` (by
    default, and at the latest, when the evaluation closes) and dies once submitted."""
    _require(user, "office.manage", evaluation.period.assessment_year)
    if group not in EXTERNAL_GROUPS:
        raise ValidationFailed(_("链接评价人只能加入 县区局和直属单位、基层分局 或 社会各界代表 组。"))
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise ValidationFailed(_("请填写评价人名称（不超过 100 个字）。"))
    with transaction.atomic():
        evaluation = _lock_evaluation(evaluation)
        now = timezone.now()
        _evaluation_running(evaluation, now)
        expires_at = expires_at or evaluation.closes_at
        if expires_at <= now:
            raise ValidationFailed(_("链接有效期须晚于当前时间。"))
        if expires_at > evaluation.closes_at:
            raise ValidationFailed(_("链接有效期不能晚于测评截止时间。"))
        token = secrets.token_urlsafe(32)
        rater = SatisfactionRater.objects.create(evaluation=evaluation, group=group, label=label,
                                                token_hash=token_digest(token), expires_at=expires_at)
        audit.record("satisfaction.link_create", actor=user, obj=rater, object_repr=label,
                     new={"group": group, "label": label, "expires_at": expires_at},
                     organisation_id=evaluation.period.assessment_year.organisation_id)
    return CreatedLink(rater=rater, token=token)


def ballot_departments(rater: SatisfactionRater, organisation_id: int) -> list[Department]:
    """The departments a rater grades: every active department, except the rater's own."""
    return list(Department.objects.filter(organisation_id=organisation_id, is_active=True)
                .exclude(pk=rater.department_id).order_by("sort_order", "code"))


def satisfaction_submit(*, grades: Mapping[int, str], user=None, rater: SatisfactionRater | None = None,
                        token: str | None = None) -> SatisfactionRater:
    """One rater's whole ballot (``grades``: department id → 优/良/中/差), every department or
    nothing, once. Internal raters come with their account; external raters with their token."""
    if (rater is None) == (token is None):
        raise ValueError("pass exactly one of rater and token")
    with transaction.atomic():
        if token is not None:
            rater = (SatisfactionRater.objects.select_for_update().filter(token_hash=token_digest(token),
                                                                          user__isnull=True).first())
            if rater is None:
                raise LinkInvalid(_("该评价链接无效、已使用或已过期。"))
        else:
            _require(user, "satisfaction.rate", rater)
            rater = SatisfactionRater.objects.select_for_update().get(pk=rater.pk)
        evaluation = SatisfactionEvaluation.objects.select_related("period__assessment_year").get(
            pk=rater.evaluation_id)
        now = timezone.now()
        if token is not None and (rater.submitted_at or (rater.expires_at and rater.expires_at <= now)
                                  or evaluation.closed or evaluation.closes_at <= now):
            raise LinkInvalid(_("该评价链接无效、已使用或已过期。"))
        if rater.submitted_at:
            raise StateError(_("您已提交过本次满意度测评，不能重复提交。"))
        _evaluation_running(evaluation, now)
        organisation_id = evaluation.period.assessment_year.organisation_id
        departments = {d.pk: d for d in ballot_departments(rater, organisation_id)}
        problems = []
        for department_id in grades:
            if department_id not in departments:
                problems.append(("", _("不在评价范围内的部门（不评本部门）")))
                break
        for department in departments.values():
            grade = grades.get(department.pk)
            if not grade:
                problems.append((department.name, _("未评定等次")))
            elif grade not in SATISFACTION_GRADE_VALUES:
                problems.append((department.name, _("等次须为 优、良、中 或 差")))
        if problems:
            raise ValidationFailed(_("请为每个部门选择等次后再提交，本次未保存。"), details=problems)
        SatisfactionRating.objects.bulk_create([
            SatisfactionRating(period=evaluation.period, group=rater.group, rater=rater, rater_label=rater.label,
                               department=department, grade=grades[pk]) for pk, department in departments.items()])
        rater.submitted_at = now
        rater.save(update_fields=["submitted_at"])
        audit.record("satisfaction.submit", actor=user, obj=rater,
                     object_repr=_("%(period)s 满意度测评 · %(group)s") % {"period": evaluation.period,
                                                                      "group": rater.group},
                     new={departments[pk].code: grades[pk] for pk in departments}, organisation_id=organisation_id)
    return rater


def satisfaction_close(*, user, evaluation: SatisfactionEvaluation, reason: str = "") -> SatisfactionEvaluation:
    """End the evaluation: links and unsubmitted ballots die with it."""
    _require(user, "office.manage", evaluation.period.assessment_year)
    with transaction.atomic():
        evaluation = _lock_evaluation(evaluation)
        if evaluation.closed:
            raise StateError(_("本次满意度测评已经结束。"))
        evaluation.closed = True
        evaluation.save(update_fields=["closed"])
        audit.record("satisfaction.close", actor=user, obj=evaluation, object_repr=_("%(period)s 满意度测评") % {
            "period": evaluation.period}, old={"closed": False}, new={"closed": True}, reason=reason,
            organisation_id=evaluation.period.assessment_year.organisation_id)
    return evaluation
