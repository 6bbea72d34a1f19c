"""Scheduled reminders (django-celery-beat runs them; see migration 0002_schedules). Each task
takes ids, calls a service and is safe to run twice: notifications are keyed per recipient."""
from celery import shared_task

from appraisal.models import Organisation

from . import reminders


def _organisations(organisation_id: int | None):
    queryset = Organisation.objects.order_by("pk")
    return queryset.filter(pk=organisation_id) if organisation_id is not None else queryset


@shared_task(acks_late=True, reject_on_worker_lost=True)
def tracelog_send_reminders(organisation_id: int | None = None) -> dict:
    """Hourly: due-soon and overdue reminders to the people who still owe a filing."""
    notifications = emails = 0
    for organisation in _organisations(organisation_id):
        result = reminders.reminders_send(organisation=organisation)
        notifications += result.notifications
        emails += result.emails
    return {"notifications": notifications, "emails": emails}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def tracelog_head_digest(organisation_id: int | None = None) -> dict:
    """Working-day mornings: each head gets the department's missing filings."""
    notifications = emails = 0
    for organisation in _organisations(organisation_id):
        result = reminders.head_digest_send(organisation=organisation)
        notifications += result.notifications
        emails += result.emails
    return {"notifications": notifications, "emails": emails}
