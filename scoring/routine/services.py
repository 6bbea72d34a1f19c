"""Writes of routine appraisal (docs/routine.md): the quarterly summary, peer evaluations, the
superior's comment and grade with the quarter's grade and the reminder talk it may call for; talks'
records and follow-up. 述职 and the development plan are in ``scoring.routine.reports``.

Every service checks access (``appraisal.access`` and the routine's own who-is-who), runs in one
transaction and records its audit event in it; notifications are written in the same transaction.
"""
from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessmentYear, Period, PeriodKind, PeriodState, Person
from indicators.models import Indicator, ResponsibilityWeight
from tracelog.models import Notification, TraceEntry

from . import people, rules
from .models import COMMENT_MAX, SUMMARY_MAX, QuarterPeerRating, QuarterSummary, Talk, TalkKind

REVIEW_STATES = (PeriodState.OPEN, PeriodState.SCORING)


def scheme_of(assessment_year: AssessmentYear) -> dict:
    from appraisal.scheme import merge_scheme

    scheme = getattr(assessment_year, "scheme", None)
    return scheme.as_decimals() if scheme is not None else merge_scheme()


def notify(user_id: int | None, text: str, url: str = "", key: str = "") -> None:
    if user_id:
        Notification.objects.get_or_create(recipient_id=user_id, key=key[:100], defaults={
            "text": text[:500], "url": url[:200]}) if key else Notification.objects.create(
            recipient_id=user_id, text=text[:500], url=url[:200])


def quarter_end(period: Period) -> date:
    last = rules.quarter_months(period.number)[2]
    year = period.assessment_year.year
    return (date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)) - timedelta(days=1)


def summary_due(period: Period, scheme: dict) -> date:
    return quarter_end(period) + timedelta(days=int(scheme["routine.summary_days"]))


def review_due(period: Period, scheme: dict) -> date:
    return quarter_end(period) + timedelta(days=int(scheme["routine.review_days"]))


def _org(summary: QuarterSummary) -> int:
    return summary.person.organisation_id


def _url(summary: QuarterSummary) -> str:
    return f"/scoring/routine/summaries/{summary.pk}/"


# ---------------------------------------------------------------- the quarterly summary

def _linkable(person: Person, period: Period, entry_ids, indicator_ids) -> tuple[list[int], list[int]]:
    """The person's own trace-log entries of the quarter's months, and indicators the person carries."""
    entries = list(TraceEntry.objects.filter(pk__in=list(entry_ids), person=person,
                                             period_year=period.assessment_year.year,
                                             period_month__in=rules.quarter_months(period.number))
                   .values_list("pk", flat=True))
    if len(entries) != len(set(entry_ids)):
        raise ValidationFailed(_("只能关联本人本季度的纪实。"), details=[("entries", _("所选纪实无效"))])
    carried = set(ResponsibilityWeight.objects.filter(person=person, weight__gt=0,
                                                      indicator__assessment_year_id=period.assessment_year_id)
                  .values_list("indicator_id", flat=True))
    indicators = [pk for pk in dict.fromkeys(int(i) for i in indicator_ids)]
    if not set(indicators) <= carried:
        raise ValidationFailed(_("只能关联本人承担的指标。"), details=[("indicators", _("所选指标无效"))])
    return entries, indicators


def summary_save(*, user, period: Period, text: str, self_grade: str, entry_ids=(), indicator_ids=(),
                 submit: bool = False) -> QuarterSummary:
    """A civil servant writes (and, with ``submit``, files) the own summary of an open quarter, with
    the self-evaluation grade and links to the quarter's trace-log entries and own indicators. A filed
    summary is final: colleagues and the superior evaluate what was filed."""
    if not access.can(user, "staff.self"):
        raise PermissionDeniedError(_("只有本单位人员可以填写季度小结。"))
    actor = access.actor_for(user)
    person = Person.objects.select_related("department").get(pk=actor.person_id)
    text = (text or "").strip()
    problems = []
    if period.kind != PeriodKind.QUARTER or period.assessment_year.organisation_id != person.organisation_id:
        raise ValidationFailed(_("请选择本单位的季度。"))
    if person.department is None:
        problems.append(("department", _("您没有所在部门，不能填写季度小结。")))
    if not text:
        problems.append(("text", _("请填写季度小结。")))
    elif len(text) > SUMMARY_MAX:
        problems.append(("text", _("季度小结不能超过 %(max)d 字（现在 %(n)d 字）。") % {"max": SUMMARY_MAX,
                                                                                 "n": len(text)}))
    if self_grade not in rules.QUARTER_GRADES:
        problems.append(("self_grade", _("请选择个人自评等次。")))
    if problems:
        raise ValidationFailed(_("季度小结未保存，请修改后重试。"), details=problems)
    entries, indicators = _linkable(person, period, entry_ids, indicator_ids)
    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("assessment_year").get(pk=period.pk)
        if period.state != PeriodState.OPEN:
            raise StateError(_("%(period)s已不在填报状态，季度小结不能再修改。") % {"period": str(period)})
        summary = (QuarterSummary.objects.select_for_update().filter(period=period, person=person).first()
                   or QuarterSummary(period=period, person=person))
        if summary.submitted_at is not None:
            raise StateError(_("季度小结已提交，不能再修改。"))
        old = {"self_grade": summary.self_grade, "length": len(summary.text)} if summary.pk else None
        summary.department, summary.category = person.department, person.category
        summary.text, summary.self_grade = text, self_grade
        now = timezone.now()
        if submit:
            summary.submitted_at = now
        summary.save()
        summary.entries.set(entries)
        summary.indicators.set(indicators)
        new = {"self_grade": self_grade, "length": len(text), "entries": len(entries),
               "indicators": len(indicators), "submitted": bool(submit)}
        audit.record("routine.summary_submit" if submit else "routine.summary_save", actor=user, obj=summary,
                     organisation_id=person.organisation_id, old=old, new=new)
        if submit:
            title = _("%(name)s 提交了%(period)s季度小结，请点评。") % {"name": person.name, "period": str(period)}
            for user_id in people.superior_users(summary):
                notify(user_id, title, _url(summary))
            peer_text = _("同事提交了%(period)s季度小结，请参加同类互评。") % {"period": str(period)}
            for user_id in Person.objects.filter(pk__in=people.peer_ids(summary), user__isnull=False) \
                    .values_list("user_id", flat=True):
                notify(user_id, peer_text, "/scoring/routine/peers/", key=f"routine:peer:{period.pk}")
    return summary


# ---------------------------------------------------------------- peer evaluation (同类互评)

def _open_for_review(summary: QuarterSummary) -> None:
    if summary.submitted_at is None:
        raise StateError(_("季度小结尚未提交。"))
    if summary.period.state not in REVIEW_STATES:
        raise StateError(_("%(period)s已进入公示或锁定，不能再评价。") % {"period": str(summary.period)})


def peer_rate(*, user, summary: QuarterSummary, grade: str) -> QuarterPeerRating:
    """A colleague of the same category grades a filed summary (one ballot each, changeable until the
    quarter leaves 评分). Nobody rates the own summary."""
    actor = access.actor_for(user)
    if grade not in rules.QUARTER_GRADES:
        raise ValidationFailed(_("请选择等次。"))
    with transaction.atomic():
        summary = (QuarterSummary.objects.select_for_update().select_related("period__assessment_year", "person",
                                                                             "department").get(pk=summary.pk))
        if actor.person_id is None or actor.person_id not in people.peer_ids(summary):
            raise PermissionDeniedError(_("只有这份季度小结的互评人（同部门同类别的同事，或同一互评小组的成员）可以评价。"))
        _open_for_review(summary)
        rating = QuarterPeerRating.objects.filter(summary=summary, rater_id=actor.person_id).first()
        old = {"grade": rating.grade} if rating else None
        if rating is None:
            rating = QuarterPeerRating.objects.create(summary=summary, rater_id=actor.person_id, grade=grade)
        elif rating.grade != grade:
            rating.grade = grade
            rating.save(update_fields=["grade", "updated_at"])
        # The ballot next to its rater, sealed like the monthly peer ballots (audit.BALLOT_ACTIONS): who
        # was graded is in the values, which the audit administrator opens only with a reason.
        ratee = f"{summary.person.staff_id} {summary.person.name}"
        audit.record("routine.peer_rate", actor=user, obj=rating, organisation_id=_org(summary),
                     object_repr=_("%(period)s 同类互评") % {"period": str(summary.period)},
                     old={ratee: old["grade"]} if old else None, new={ratee: grade})
    return rating


# ---------------------------------------------------------------- the superior's comment and grade

def superior_review(*, user, summary: QuarterSummary, comment: str, grade: str) -> QuarterSummary:
    """The superior comments and grades; the quarter's grade follows the scheme's rule over the peer
    aggregate as it stands (counted only at or above ``peer.min_raters``). A grade of 一般 or 较差 opens
    a reminder talk due within ``routine.talk_days``; a later better grade withdraws a talk not yet held."""
    comment = (comment or "").strip()
    problems = []
    if grade not in rules.QUARTER_GRADES:
        problems.append(("grade", _("请选择等次。")))
    if not comment:
        problems.append(("comment", _("请填写点评意见。")))
    elif len(comment) > COMMENT_MAX:
        problems.append(("comment", _("点评意见不能超过 %(max)d 字。") % {"max": COMMENT_MAX}))
    if problems:
        raise ValidationFailed(_("点评未保存，请修改后重试。"), details=problems)
    with transaction.atomic():
        summary = (QuarterSummary.objects.select_for_update(of=("self",))
                   .select_related("period__assessment_year__scheme", "person", "department").get(pk=summary.pk))
        if not people.is_superior(user, summary):
            raise PermissionDeniedError(_("只有上级（部门负责人；部门负责人由分管领导）可以点评。"))
        _open_for_review(summary)
        scheme = scheme_of(summary.period.assessment_year)
        peer = rules.peer_aggregate(people.counted_grades([summary])[summary.pk], int(scheme["peer.min_raters"]))
        final = rules.quarter_grade(grade, peer, int(scheme["routine.peer_gap"]))
        old = {"superior_grade": summary.superior_grade, "grade": summary.grade} if summary.reviewed_at else None
        actor = access.actor_for(user)
        summary.superior_id = actor.person_id
        summary.superior_comment, summary.superior_grade = comment, grade
        summary.peer_grade, summary.grade = peer or "", final
        summary.reviewed_at = timezone.now()
        summary.save(update_fields=["superior", "superior_comment", "superior_grade", "peer_grade", "grade",
                                    "reviewed_at", "updated_at"])
        talk = _talk_for(summary, final, scheme, user)
        audit.record("routine.superior_review", actor=user, obj=summary, organisation_id=_org(summary), old=old,
                     new={"superior_grade": grade, "peer_grade": peer, "grade": final,
                          "talk": talk.pk if talk else None, "comment_length": len(comment)})
        notify(summary.person.user_id, _("您的%(period)s季度小结已点评，季度等次：%(grade)s。") % {
            "period": str(summary.period), "grade": final}, _url(summary))
    return summary


def _talk_for(summary: QuarterSummary, grade: str, scheme: dict, user) -> Talk | None:
    existing = Talk.objects.filter(summary=summary).first()
    if not rules.needs_talk(grade):
        if existing is not None and existing.held_on is None:
            existing.delete()
        return None
    if existing is not None:
        return existing
    due = timezone.localdate() + timedelta(days=int(scheme["routine.talk_days"]))
    talk = Talk.objects.create(assessment_year=summary.period.assessment_year, person=summary.person,
                               kind=TalkKind.REMINDER, summary=summary, due_on=due,
                               talker_id=access.actor_for(user).person_id,
                               reason=_("%(period)s季度等次为“%(grade)s”") % {"period": str(summary.period),
                                                                        "grade": grade})
    notify(user.pk, _("%(name)s %(period)s季度等次为“%(grade)s”，请于 %(due)s 前进行谈话提醒。") % {
        "name": summary.person.name, "period": str(summary.period), "grade": grade, "due": f"{due:%Y-%m-%d}"},
        f"/scoring/routine/talks/{talk.pk}/")
    return talk


# ---------------------------------------------------------------- talks

def can_hold(user, talk: Talk) -> bool:
    """The talker named on the talk, the head of the person's department, or the office."""
    actor = access.actor_for(user)
    person = talk.person
    return (access.can(user, "office.manage", person) or (talk.talker_id is not None
                                                          and talk.talker_id == actor.person_id)
            or (person.department_id in actor.headed_department_ids and person.pk != actor.person_id))


def _talk_date(value, field: str, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("日期格式有误。"), details=[(field, _("%(label)s 应为 年-月-日") % {"label": label})]) \
            from None


def talk_record(*, user, talk: Talk, held_on, notes: str, improve_by) -> Talk:
    """The talk was held: its date, what was said, and the deadline to improve (限期改进)."""
    notes = (notes or "").strip()
    held = _talk_date(held_on, "held_on", _("谈话日期"))
    improve = _talk_date(improve_by, "improve_by", _("限期改进至"))
    problems = []
    if held is None:
        problems.append(("held_on", _("请填写谈话日期。")))
    elif held > timezone.localdate():
        problems.append(("held_on", _("谈话日期不能晚于今天。")))
    if not notes:
        problems.append(("notes", _("请填写谈话内容。")))
    if improve is None:
        problems.append(("improve_by", _("请填写限期改进的期限。")))
    elif held is not None and improve <= held:
        problems.append(("improve_by", _("限期改进的期限应晚于谈话日期。")))
    if problems:
        raise ValidationFailed(_("谈话记录未保存，请修改后重试。"), details=problems)
    with transaction.atomic():
        talk = Talk.objects.select_for_update().select_related("person").get(pk=talk.pk)
        if not can_hold(user, talk):
            raise PermissionDeniedError(_("您不是这次谈话的谈话人。"))
        if talk.closed_at:
            raise StateError(_("谈话已办结。"))
        old = {"held_on": talk.held_on, "improve_by": talk.improve_by}
        talk.held_on, talk.notes, talk.improve_by = held, notes, improve
        if talk.talker_id is None:
            talk.talker_id = access.actor_for(user).person_id
        talk.save(update_fields=["held_on", "notes", "improve_by", "talker"])
        audit.record("routine.talk_held", actor=user, obj=talk, organisation_id=talk.person.organisation_id,
                     old=old, new={"held_on": held, "improve_by": improve, "notes_length": len(notes)})
        notify(talk.person.user_id, _("谈话记录：请于 %(date)s 前完成改进。") % {"date": f"{improve:%Y-%m-%d}"},
               f"/scoring/routine/talks/{talk.pk}/")
    return talk


def talk_close(*, user, talk: Talk, follow_up: str) -> Talk:
    """The follow-up (回头看): how the person improved; closes the talk."""
    follow_up = (follow_up or "").strip()
    if not follow_up:
        raise ValidationFailed(_("请填写改进情况。"), details=[("follow_up", _("请填写改进情况。"))])
    with transaction.atomic():
        talk = Talk.objects.select_for_update().select_related("person").get(pk=talk.pk)
        if not can_hold(user, talk):
            raise PermissionDeniedError(_("您不是这次谈话的谈话人。"))
        if talk.held_on is None:
            raise StateError(_("请先记录谈话。"))
        if talk.closed_at:
            raise StateError(_("谈话已办结。"))
        talk.follow_up, talk.closed_at = follow_up, timezone.now()
        talk.save(update_fields=["follow_up", "closed_at"])
        audit.record("routine.talk_close", actor=user, obj=talk, organisation_id=talk.person.organisation_id,
                     new={"closed": True, "follow_up_length": len(follow_up)})
    return talk


def admonishment_create(*, user, person: Person, assessment_year: AssessmentYear, reason: str,
                        due_on) -> Talk:
    """The office records an admonishment talk (诫勉谈话) for a person, e.g. the head of the last
    department (DOMAIN.md §7.2), with the date by which it is held."""
    if not access.can(user, "office.manage", assessment_year) or person.organisation_id != \
            assessment_year.organisation_id:
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    reason = (reason or "").strip()
    due = _talk_date(due_on, "due_on", _("谈话期限"))
    problems = []
    if not reason:
        problems.append(("reason", _("请填写事由。")))
    if due is None:
        problems.append(("due_on", _("请填写谈话期限。")))
    if problems:
        raise ValidationFailed(_("诫勉谈话未保存，请修改后重试。"), details=problems)
    with transaction.atomic():
        talk = Talk.objects.create(assessment_year=assessment_year, person=person, kind=TalkKind.ADMONISHMENT,
                                   reason=reason[:200], due_on=due)
        audit.record("routine.admonishment", actor=user, obj=talk, organisation_id=person.organisation_id,
                     new={"person": person.staff_id, "due_on": due, "reason": reason[:200]})
    return talk


def indicators_of(person: Person, period: Period) -> list[Indicator]:
    return list(Indicator.objects.filter(assessment_year_id=period.assessment_year_id, weights__person=person,
                                         weights__weight__gt=0, children__isnull=True)
                .order_by("sort_order", "code").distinct())
