"""Scheduled job: lock the periods whose publicity window is over (django-celery-beat; see the
0002 migration). Idempotent: a period locked once is no longer due."""
from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def autolock_periods() -> dict:
    from .services import autolock_due

    report = autolock_due()
    return {"locked": report.locked, "waiting": report.waiting}
