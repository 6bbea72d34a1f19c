"""Reminders of routine appraisal's deadlines (docs/routine.md), in the application like the trace-log
reminders: quarterly summaries due soon or overdue, peer evaluations and superior reviews due soon,
reminder talks due soon or overdue, 述职 reports due soon or missing. Keyed per recipient and item, so
a second run the same day adds nothing."""
from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Organisation, PeriodState, Person, Position
from tracelog.models import Notification

from . import people, selectors
from .models import QuarterPeerRating, QuarterSummary, ReportRound, Talk, YearReport
from .services import review_due, scheme_of, summary_due

LEAD = timedelta(days=3)


def _soon_or_late(due: date, today: date) -> str | None:
    if today > due:
        return "overdue"
    if due - today <= LEAD:
        return "due"
    return None


def _peer_reminders(period, due: date) -> list[Notification]:
    """The peers (``people.peers_of``) who still have filed summaries of the quarter to evaluate."""
    summaries = list(QuarterSummary.objects.filter(period=period, submitted_at__isnull=False)
                     .select_related("period", "department"))
    rated = set(QuarterPeerRating.objects.filter(summary__in=summaries).values_list("summary_id", "rater_id"))
    waiting: dict[int, int] = {}
    for summary_id, peers in people.peers_of(summaries).items():
        for rater_id in peers:
            if (summary_id, rater_id) not in rated:
                waiting[rater_id] = waiting.get(rater_id, 0) + 1
    accounts = dict(Person.objects.filter(pk__in=list(waiting), user__isnull=False).values_list("pk", "user_id"))
    return [Notification(recipient_id=accounts[pk], url="/scoring/routine/peers/", key=f"routine:due:peer:{period.pk}",
                         text=_("请在 %(due)s 前完成%(period)s的同类互评（还有 %(n)d 份季度小结待评）。") % {
                             "due": f"{due:%Y-%m-%d}", "period": str(period), "n": n})
            for pk, n in waiting.items() if pk in accounts]


def reminders_send(*, organisation: Organisation, today: date | None = None) -> int:
    """Create the reminders due today; returns how many were new."""
    today = today or timezone.localdate()
    pending: list[Notification] = []
    everyone = list(Person.objects.filter(organisation=organisation, is_active=True, user__isnull=False)
                  .exclude(position=Position.LEADER).select_related("department"))
    for year in selectors.routine_years(organisation.pk):
        scheme = scheme_of(year)
        for period in selectors.quarters(year):
            if period.state not in (PeriodState.OPEN, PeriodState.SCORING):
                continue
            when = _soon_or_late(summary_due(period, scheme), today) if period.state == PeriodState.OPEN else None
            filed = set(QuarterSummary.objects.filter(period=period, submitted_at__isnull=False)
                        .values_list("person_id", flat=True))
            if when and period.number <= (today.month - 1) // 3 + 1 + 4 * (today.year - year.year):
                text = (_("请在 %(due)s 前提交%(period)s季度小结。") if when == "due"
                        else _("您的%(period)s季度小结已逾期未交（截止 %(due)s），请尽快提交。")) % {
                    "due": f"{summary_due(period, scheme):%Y-%m-%d}", "period": str(period)}
                pending += [Notification(recipient_id=p.user_id, text=text, url="/scoring/routine/",
                                         key=f"routine:{when}:summary:{period.pk}")
                            for p in everyone if p.pk not in filed and p.department_id]
            review = _soon_or_late(review_due(period, scheme), today)
            if review == "due":
                unreviewed = QuarterSummary.objects.filter(period=period, submitted_at__isnull=False,
                                                           reviewed_at__isnull=True, department__head__user__isnull=False) \
                    .values_list("department__head__user_id", flat=True).distinct()
                text = _("请在 %(due)s 前完成%(period)s季度小结的点评和同类互评。") % {
                    "due": f"{review_due(period, scheme):%Y-%m-%d}", "period": str(period)}
                pending += [Notification(recipient_id=user_id, text=text, url="/scoring/routine/review/",
                                         key=f"routine:due:review:{period.pk}") for user_id in unreviewed]
                pending += _peer_reminders(period, review_due(period, scheme))
    for talk in Talk.objects.filter(person__organisation=organisation, held_on__isnull=True, closed_at__isnull=True) \
            .select_related("talker", "person__department__head"):
        when = _soon_or_late(talk.due_on, today)
        holder = talk.talker or (talk.person.department.head if talk.person.department else None)
        if when and holder is not None and holder.user_id:
            text = (_("请在 %(due)s 前与%(name)s进行%(kind)s。") if when == "due"
                    else _("与%(name)s的%(kind)s已超过期限（%(due)s）。")) % {
                "due": f"{talk.due_on:%Y-%m-%d}", "name": talk.person.name, "kind": talk.get_kind_display()}
            pending.append(Notification(recipient_id=holder.user_id, text=text,
                                        url=f"/scoring/routine/talks/{talk.pk}/",
                                        key=f"routine:{when}:talk:{talk.pk}"))
    for row in ReportRound.objects.filter(assessment_year__organisation=organisation).select_related(
            "assessment_year"):
        when = _soon_or_late(timezone.localtime(row.deadline).date(), today)
        if when is None or (today - timezone.localtime(row.deadline).date()).days > 7:
            continue
        done = set(YearReport.objects.filter(assessment_year=row.assessment_year).values_list("person_id", flat=True))
        text = (_("请在 %(due)s 前提交%(year)s年度述职报告。") if when == "due"
                else _("您的%(year)s年度述职报告未按期提交（截止 %(due)s）。")) % {
            "due": timezone.localtime(row.deadline).strftime("%Y-%m-%d %H:%M"), "year": row.assessment_year.year}
        pending += [Notification(recipient_id=p.user_id, text=text, url="/scoring/routine/report/",
                                 key=f"routine:{when}:report:{row.pk}") for p in everyone if p.pk not in done]
    if not pending:
        return 0
    with transaction.atomic():
        existing = set(Notification.objects.filter(recipient_id__in={n.recipient_id for n in pending},
                                                   key__in={n.key for n in pending})
                       .values_list("recipient_id", "key"))
        fresh = [n for n in pending if (n.recipient_id, n.key) not in existing]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
