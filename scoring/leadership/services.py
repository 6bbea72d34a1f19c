"""Writes of the leadership appraisal's team (DOMAIN.md §7.4): the team per year (office), the 述职
reports (members, the principal for the team) and the office's overrides of W and F. The poll and
its ballots are in ``scoring.leadership.ballots``.

Every service checks access through ``appraisal.access``, runs in one transaction and records its
audit event in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessmentYear, Department, Person, Position
from scoring.rules import round_half_up

from .models import MEMBER_REPORT_MAX, TEAM_SUMMARY_MAX, LeadershipCharge, LeadershipMember, LeadershipTeam


def _require(user, rule: str, obj=None) -> None:
    if not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))


def _org(team: LeadershipTeam) -> int:
    return team.assessment_year.organisation_id


# ---------------------------------------------------------------- the team (office)

@dataclass(frozen=True)
class MemberInput:
    person_id: int
    is_principal: bool = False
    department_ids: tuple[int, ...] = ()


def team_save(*, user, assessment_year: AssessmentYear, members: list[MemberInput],
              report_deadline: datetime | None = None) -> LeadershipTeam:
    """Set the year's team: 局领导 of the organisation, exactly one principal, each department in
    the charge of at most one member. Every problem is listed; nothing is saved when any is found.
    Members who leave the team lose their reports and ballots of the year."""
    _require(user, "office.manage", assessment_year)
    organisation_id = assessment_year.organisation_id
    people = {p.pk: p for p in Person.objects.filter(pk__in=[m.person_id for m in members])}
    departments = {d.pk: d for d in Department.objects.filter(organisation_id=organisation_id, is_active=True)}
    problems: list[tuple[str, str]] = []
    seen_people, charged = set(), {}
    for m in members:
        person = people.get(m.person_id)
        if person is None or person.organisation_id != organisation_id or not person.is_active:
            problems.append(("", _("所选人员不是本单位在职人员")))
            continue
        if person.position != Position.LEADER:
            problems.append((person.name, _("职务类型是%(position)s，班子成员须是局领导") % {"position": person.position}))
        if person.pk in seen_people:
            problems.append((person.name, _("重复选择")))
        seen_people.add(person.pk)
        for department_id in m.department_ids:
            department = departments.get(department_id)
            if department is None:
                problems.append((person.name, _("分管部门不存在或已停用")))
            elif department_id in charged:
                problems.append((department.name, _("已由%(other)s分管，一个部门只能由一位班子成员分管") % {
                    "other": charged[department_id]}))
            else:
                charged[department_id] = person.name
    principals = [m for m in members if m.is_principal]
    if members and len(principals) != 1:
        problems.append(("", _("班子须有且只有一位主要负责人（现在有 %(n)d 位）") % {"n": len(principals)}))
    if problems:
        raise ValidationFailed(_("领导班子未保存，请修改后重试。"), details=problems)
    with transaction.atomic():
        team, _created = LeadershipTeam.objects.select_for_update().get_or_create(assessment_year=assessment_year)
        old = _team_snapshot(team)
        existing = {m.person_id: m for m in team.members.all()}
        LeadershipMember.objects.filter(team=team).exclude(person_id__in=seen_people).delete()
        LeadershipMember.objects.filter(team=team).update(is_principal=False)
        LeadershipCharge.objects.filter(team=team).delete()
        for index, m in enumerate(members):
            member = existing.get(m.person_id) or LeadershipMember(team=team, person_id=m.person_id)
            member.is_principal, member.sort_order = m.is_principal, index
            member.save()
            LeadershipCharge.objects.bulk_create([LeadershipCharge(team=team, member=member, department_id=d)
                                                  for d in dict.fromkeys(m.department_ids)])
        if report_deadline is not None or team.report_deadline is not None:
            team.report_deadline = report_deadline
            team.save(update_fields=["report_deadline"])
        audit.record("leadership.team_save", actor=user, obj=team, organisation_id=organisation_id,
                     object_repr=_("%(year)s年度领导班子") % {"year": assessment_year.year},
                     old=old, new=_team_snapshot(team))
    return team


def _team_snapshot(team: LeadershipTeam) -> dict:
    members = (LeadershipMember.objects.filter(team=team).select_related("person")
               .prefetch_related("charges__department"))
    return {"members": [{"staff_id": m.person.staff_id, "name": m.person.name, "principal": m.is_principal,
                         "departments": [c.department.code for c in m.charges.all()]} for m in members],
            "report_deadline": team.report_deadline}


# ---------------------------------------------------------------- 述职 reports

def _reports_open(team: LeadershipTeam, now: datetime) -> None:
    if team.report_deadline is not None and now > team.report_deadline:
        raise StateError(_("述职报告已于 %(deadline)s 截止，不能再修改。") % {
            "deadline": timezone.localtime(team.report_deadline).strftime("%Y-%m-%d %H:%M")})


def report_save(*, user, member: LeadershipMember, text: str) -> LeadershipMember:
    """A member files the own 述德述职述廉 report (at most 1,500 characters) before the deadline."""
    text = (text or "").strip()
    actor = access.actor_for(user)
    if actor.person_id is None or actor.person_id != member.person_id:
        raise PermissionDeniedError(_("只能填写本人的述职报告。"))
    if not text:
        raise ValidationFailed(_("请填写述职报告。"))
    if len(text) > MEMBER_REPORT_MAX:
        raise ValidationFailed(_("述职报告不能超过 %(max)d 字（现在 %(n)d 字）。") % {"max": MEMBER_REPORT_MAX,
                                                                                 "n": len(text)})
    with transaction.atomic():
        member = LeadershipMember.objects.select_for_update().select_related("team__assessment_year").get(
            pk=member.pk)
        now = timezone.now()
        _reports_open(member.team, now)
        old = member.report
        member.report, member.report_updated_at = text, now
        member.save(update_fields=["report", "report_updated_at"])
        audit.record("leadership.report", actor=user, obj=member, organisation_id=_org(member.team),
                     old={"length": len(old)} if old else None, new={"length": len(text)})
    return member


def summary_save(*, user, team: LeadershipTeam, text: str) -> LeadershipTeam:
    """The principal files the team's summary (at most 3,000 characters) before the deadline."""
    text = (text or "").strip()
    actor = access.actor_for(user)
    if not team.members.filter(person_id=actor.person_id, is_principal=True).exists() or actor.person_id is None:
        raise PermissionDeniedError(_("班子述职报告由主要负责人填写。"))
    if not text:
        raise ValidationFailed(_("请填写班子述职报告。"))
    if len(text) > TEAM_SUMMARY_MAX:
        raise ValidationFailed(_("班子述职报告不能超过 %(max)d 字（现在 %(n)d 字）。") % {"max": TEAM_SUMMARY_MAX,
                                                                                    "n": len(text)})
    with transaction.atomic():
        team = LeadershipTeam.objects.select_for_update().select_related("assessment_year").get(pk=team.pk)
        now = timezone.now()
        _reports_open(team, now)
        old = team.summary
        team.summary, team.summary_updated_at = text, now
        team.save(update_fields=["summary", "summary_updated_at"])
        audit.record("leadership.summary", actor=user, obj=team, organisation_id=_org(team),
                     old={"length": len(old)} if old else None, new={"length": len(text)})
    return team


# ---------------------------------------------------------------- overrides of W and F (office)

def _score(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(_("得分须是 0 到 100 之间的数字。")) from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationFailed(_("得分须是 0 到 100 之间的数字。"))
    return round_half_up(number)


def override_set(*, user, team: LeadershipTeam, score, reason: str,
                 member: LeadershipMember | None = None) -> Decimal | None:
    """The office enters W (``member`` None: the figure of the superior's appraisal) or a member's
    F, with a written reason; an empty score goes back to the computed figure. Audited."""
    _require(user, "office.manage", team.assessment_year)
    value = _score(score)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写录入或撤销的原因。"))
    with transaction.atomic():
        if member is None:
            target = LeadershipTeam.objects.select_for_update().get(pk=team.pk)
            fields = ("work_override", "work_override_reason")
            what = _("%(year)s年度领导班子工作实绩") % {"year": team.assessment_year.year}
        else:
            target = LeadershipMember.objects.select_for_update().select_related("person").get(pk=member.pk,
                                                                                               team=team)
            fields = ("in_charge_override", "in_charge_override_reason")
            what = _("%(name)s 分管工作成绩") % {"name": target.person.name}
        old = getattr(target, fields[0])
        if old == value and value is None:
            raise ValidationFailed(_("没有需要撤销的录入得分。"))
        setattr(target, fields[0], value)
        setattr(target, fields[1], reason if value is not None else "")
        target.save(update_fields=list(fields))
        audit.record("leadership.override", actor=user, obj=target, organisation_id=_org(team), object_repr=what,
                     old={"score": old}, new={"score": value}, reason=reason)
    return value
