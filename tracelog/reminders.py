"""Reminders of due and overdue filings (in the application and by e-mail) and the heads' daily
digest of their department's missing filings. Safe to run twice: each notification has a key,
unique per recipient, and e-mail goes only with a notification that did not exist before."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Organisation, Person

from . import deadlines, labels, selectors
from .models import Notification, TraceEntry

logger = logging.getLogger(__name__)

# Overdue reminders go out once, for filings that fell due within this window; older missing
# filings stay on the head's and the office's lists.
OVERDUE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class ReminderResult:
    notifications: int = 0
    emails: int = 0


def new_entry_url(kind: str, key: str) -> str:
    return reverse("tracelog:entry_new") + "?" + urlencode({"kind": kind, "period": key})


def _email_of(person: Person) -> str:
    return person.email or (person.user.email if person.user_id else "")


def _send(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # noqa: BLE001 — the notifications are saved; a mail outage must not undo them
        logger.exception("trace-log reminder e-mail failed")
        return 0


def _create_new(notifications: list[Notification]) -> list[Notification]:
    """Insert the notifications whose (recipient, key) does not exist yet; return those."""
    if not notifications:
        return []
    existing = set(Notification.objects.filter(recipient_id__in={n.recipient_id for n in notifications},
                                               key__in={n.key for n in notifications})
                   .values_list("recipient_id", "key"))
    fresh = [n for n in notifications if (n.recipient_id, n.key) not in existing]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return fresh


def reminders_send(*, organisation: Organisation, now: datetime | None = None) -> ReminderResult:
    """Remind each filer of filings due within the organisation's lead time, and once of each
    filing that became overdue in the last week, unless it was filed or its month is locked."""
    now = now or timezone.now()
    settings_row = selectors.deadline_settings(organisation)
    rules = settings_row.rules
    soon = deadlines.slots_between(now, now + timedelta(hours=settings_row.reminder_lead_hours), rules)
    overdue = deadlines.slots_between(now - OVERDUE_WINDOW, now, rules)
    locked = selectors.locked_months(organisation.pk)
    soon = [s for s in soon if (s.year, s.month) not in locked]
    overdue = [s for s in overdue if (s.year, s.month) not in locked and s.due_at < now]
    if not soon and not overdue:
        return ReminderResult()
    people = [p for p in selectors.filers(organisation) if p.user_id]
    filed = set(TraceEntry.objects.filter(person__in=people, period_key__in={s.key for s in soon + overdue},
                                          filed_at__isnull=False).values_list("person_id", "kind", "period_key"))
    pending: list[Notification] = []
    for person in people:
        for s in soon:
            if (person.pk, s.kind, s.key) not in filed:
                pending.append(Notification(
                    recipient_id=person.user_id, key=f"due:{s.kind}:{s.key}", url=new_entry_url(s.kind, s.key),
                    text=_("提醒：请在 %(due)s 前填报%(title)s。") % {
                        "due": labels.cn_datetime(s.due_at), "title": labels.slot_title(s.kind, s.key)}))
        for s in overdue:
            if (person.pk, s.kind, s.key) not in filed:
                pending.append(Notification(
                    recipient_id=person.user_id, key=f"overdue:{s.kind}:{s.key}", url=new_entry_url(s.kind, s.key),
                    text=_("您的%(title)s已逾期未报（截止 %(due)s），请尽快补报。") % {
                        "due": labels.cn_datetime(s.due_at), "title": labels.slot_title(s.kind, s.key)}))
    with transaction.atomic():
        fresh = _create_new(pending)
    by_user: dict[int, list[Notification]] = {}
    for notification in fresh:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    messages = []
    for person in people:
        address = _email_of(person)
        if address and person.user_id in by_user:
            body = "\n".join(n.text for n in by_user[person.user_id])
            messages.append(EmailMessage(_("【绩效考核】纪实填报提醒"), f"{person.name}：\n\n{body}\n",
                                         settings.DEFAULT_FROM_EMAIL, [address]))
    return ReminderResult(notifications=len(fresh), emails=_send(messages))


def head_digest_send(*, organisation: Organisation, now: datetime | None = None) -> ReminderResult:
    """Once a day: each head gets the list of the department's filings due this month and last
    month that are still missing."""
    now = now or timezone.now()
    today = now.astimezone(deadlines.SHANGHAI).date()
    months = [deadlines.previous_month(today.year, today.month), (today.year, today.month)]
    locked = selectors.locked_months(organisation.pk)
    months = [m for m in months if m not in locked]
    heads = selectors.heads_of(organisation)
    if not months or not heads:
        return ReminderResult()
    rules = selectors.deadline_rules(organisation.pk)
    people = list(selectors.filers(organisation))
    slots = [s for year, month in months for s in deadlines.slots_of_month(year, month, rules)]
    filed = set(TraceEntry.objects.filter(organisation=organisation, period_key__in={s.key for s in slots},
                                          filed_at__isnull=False).values_list("person_id", "kind", "period_key"))
    names = {p.pk: p for p in people}
    missing = deadlines.missing_filings(person_ids=names, slots=slots, filed=filed, now=now)
    by_department: dict[int, list[deadlines.Missing]] = {}
    for item in missing:
        by_department.setdefault(names[item.person_id].department_id, []).append(item)
    pending, bodies = [], {}
    for department_id, items in by_department.items():
        head = heads.get(department_id)
        if head is None or head.user_id is None:
            continue
        lines = [_("%(name)s：%(title)s，逾期 %(span)s") % {
            "name": names[i.person_id].name, "title": labels.slot_title(i.slot.kind, i.slot.key),
            "span": labels.duration(i.overdue_by)} for i in items]
        count = len({i.person_id for i in items})
        url = reverse("tracelog:missing") + "?" + urlencode({"department": department_id})
        notification = Notification(
            recipient_id=head.user_id, key=f"digest:{department_id}:{today.isoformat()}", url=url,
            text=_("本部门 %(people)d 人共 %(n)d 项纪实逾期未报，请督促补报。") % {"people": count, "n": len(items)})
        pending.append(notification)
        bodies[(head.user_id, notification.key)] = (head, lines)
    with transaction.atomic():
        fresh = _create_new(pending)
    messages = []
    for notification in fresh:
        head, lines = bodies[(notification.recipient_id, notification.key)]
        address = _email_of(head)
        if address:
            messages.append(EmailMessage(_("【绩效考核】本部门纪实缺报汇总"),
                                         f"{head.name}：\n\n{notification.text}\n\n" + "\n".join(lines) + "\n",
                                         settings.DEFAULT_FROM_EMAIL, [address]))
    return ReminderResult(notifications=len(fresh), emails=_send(messages))


def notifications_mark_read(*, user, pk: int | None = None, now: datetime | None = None) -> int:
    """Mark one (or every) unread notification of the user as read."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    return queryset.update(read_at=now or timezone.now())
