"""The year-end 述职 of everyone (述德述职述廉 with a self-assessment grade) and the development plan
(成长导航) of the development file. Access through ``appraisal.access``; audited in the transaction."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessmentYear, Period, PeriodKind, PeriodState, Person

from .models import PLAN_MAX, REPORT_MAX, DevelopmentPlan, ReportRound, YearReport
from .rules import REPORT_GRADES
from .services import notify


def _year_locked(assessment_year: AssessmentYear) -> bool:
    return Period.objects.filter(assessment_year=assessment_year, kind=PeriodKind.YEAR,
                                 state=PeriodState.LOCKED).exists()


def round_open(*, user, assessment_year: AssessmentYear, deadline: datetime) -> ReportRound:
    """The office opens (or moves the deadline of) the year's 述职; everyone is told."""
    if not access.can(user, "office.manage", assessment_year):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    if deadline is None or deadline <= timezone.now():
        raise ValidationFailed(_("截止时间应晚于现在。"), details=[("deadline", _("截止时间应晚于现在。"))])
    with transaction.atomic():
        if _year_locked(assessment_year):
            raise StateError(_("%(year)s 年度已锁定。") % {"year": assessment_year.year})
        row = ReportRound.objects.select_for_update().filter(assessment_year=assessment_year).first()
        old = {"deadline": row.deadline} if row else None
        if row is None:
            row = ReportRound.objects.create(assessment_year=assessment_year, deadline=deadline)
        else:
            row.deadline = deadline
            row.save(update_fields=["deadline"])
        audit.record("routine.report_round", actor=user, obj=row, organisation_id=assessment_year.organisation_id,
                     object_repr=_("%(year)s年度述职") % {"year": assessment_year.year}, old=old,
                     new={"deadline": deadline})
        text = _("%(year)s年度述职已开始：请在 %(deadline)s 前提交述德述职述廉报告和自评等次。") % {
            "year": assessment_year.year, "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")}
        for user_id in Person.objects.filter(organisation_id=assessment_year.organisation_id, is_active=True,
                                             user__isnull=False).values_list("user_id", flat=True):
            notify(user_id, text, "/scoring/routine/report/",
                   key=f"routine:report:{assessment_year.pk}:{deadline:%Y%m%d%H%M}")
    return row


def report_save(*, user, assessment_year: AssessmentYear, text: str, self_grade: str) -> YearReport:
    """Everyone files the own report (≤ 1,500 characters) and self-assessment before the deadline."""
    actor = access.actor_for(user)
    if actor.person_id is None or actor.organisation_id != assessment_year.organisation_id:
        raise PermissionDeniedError(_("只能填写本人的述职报告。"))
    text = (text or "").strip()
    problems = []
    if not text:
        problems.append(("text", _("请填写述职报告。")))
    elif len(text) > REPORT_MAX:
        problems.append(("text", _("述职报告不能超过 %(max)d 字（现在 %(n)d 字）。") % {"max": REPORT_MAX,
                                                                                "n": len(text)}))
    if self_grade not in REPORT_GRADES:
        problems.append(("self_grade", _("请选择自评等次。")))
    if problems:
        raise ValidationFailed(_("述职报告未保存，请修改后重试。"), details=problems)
    with transaction.atomic():
        row = ReportRound.objects.select_for_update().filter(assessment_year=assessment_year).first()
        now = timezone.now()
        if row is None:
            raise StateError(_("本年度述职尚未开始。"))
        if now > row.deadline:
            raise StateError(_("述职已于 %(deadline)s 截止，不能再修改。") % {
                "deadline": timezone.localtime(row.deadline).strftime("%Y-%m-%d %H:%M")})
        report = YearReport.objects.filter(assessment_year=assessment_year, person_id=actor.person_id).first()
        old = {"self_grade": report.self_grade, "length": len(report.text)} if report else None
        if report is None:
            report = YearReport(assessment_year=assessment_year, person_id=actor.person_id)
        report.text, report.self_grade, report.submitted_at = text, self_grade, now
        report.save()
        audit.record("routine.report", actor=user, obj=report, organisation_id=assessment_year.organisation_id,
                     object_repr=_("%(year)s年度述职报告") % {"year": assessment_year.year}, old=old,
                     new={"self_grade": self_grade, "length": len(text)})
    return report


# ---------------------------------------------------------------- the development plan

def side_of(user, person: Person) -> str | None:
    """"person" for the person, "head" for the head of the person's department (a head's plan is agreed
    with the office), None otherwise."""
    actor = access.actor_for(user)
    if actor.person_id == person.pk:
        return "person"
    if person.department_id in actor.headed_department_ids:
        return "head"
    if access.can(user, "office.manage", person) and person.department_id is not None \
            and person.department.head_id == person.pk:
        return "head"
    return None


def plan_save(*, user, person: Person, assessment_year: AssessmentYear, goals: str, training: str) -> DevelopmentPlan:
    """The head or the person writes the year's goals and training; the writer's agreement is given with
    the text and the other side's is withdrawn until confirmed again."""
    side = side_of(user, person)
    if side is None or person.organisation_id != assessment_year.organisation_id:
        raise PermissionDeniedError(_("发展计划由本人和部门负责人商定。"))
    goals, training = (goals or "").strip(), (training or "").strip()
    problems = []
    if not goals:
        problems.append(("goals", _("请填写发展目标。")))
    for field, value in (("goals", goals), ("training", training)):
        if len(value) > PLAN_MAX:
            problems.append((field, _("不能超过 %(max)d 字。") % {"max": PLAN_MAX}))
    if problems:
        raise ValidationFailed(_("发展计划未保存，请修改后重试。"), details=problems)
    with transaction.atomic():
        plan = DevelopmentPlan.objects.select_for_update().filter(person=person,
                                                                  assessment_year=assessment_year).first()
        old = {"goals": plan.goals, "training": plan.training} if plan else None
        plan = plan or DevelopmentPlan(person=person, assessment_year=assessment_year)
        now = timezone.now()
        if old is None or old != {"goals": goals, "training": training}:
            plan.person_agreed_at = now if side == "person" else None
            plan.head_agreed_at = now if side == "head" else None
        plan.goals, plan.training, plan.updated_by = goals, training, user
        plan.save()
        audit.record("routine.plan_save", actor=user, obj=plan, organisation_id=person.organisation_id,
                     object_repr=_("%(name)s %(year)s年度发展计划") % {"name": person.name,
                                                                 "year": assessment_year.year},
                     old=old, new={"goals": goals, "training": training, "side": side})
        other = person.user_id if side == "head" else (person.department.head.user_id
                                                       if person.department and person.department.head else None)
        notify(other, _("%(name)s 的%(year)s年度发展计划已更新，请确认。") % {"name": person.name,
                                                                   "year": assessment_year.year},
               f"/scoring/routine/file/{person.pk}/")
    return plan


def plan_agree(*, user, plan: DevelopmentPlan) -> DevelopmentPlan:
    side = side_of(user, plan.person)
    if side is None:
        raise PermissionDeniedError(_("发展计划由本人和部门负责人商定。"))
    with transaction.atomic():
        plan = DevelopmentPlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
        field = "person_agreed_at" if side == "person" else "head_agreed_at"
        setattr(plan, field, timezone.now())
        plan.save(update_fields=[field])
        audit.record("routine.plan_agree", actor=user, obj=plan, organisation_id=plan.person.organisation_id,
                     new={"side": side})
    return plan
