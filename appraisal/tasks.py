"""Scheduled jobs of the organisation core (django-celery-beat runs them; see the 0003 migration)."""
import logging

from celery import shared_task
from django.db import transaction

from . import audit

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def audit_verify_chain() -> dict:
    """Nightly: walk the audit chain; a break is itself recorded, so the auditor sees it."""
    report = audit.verify_chain()
    if not report.ok:
        logger.error("audit chain broken: %s", report.message)
    with transaction.atomic():
        audit.record("audit.verify", object_type="appraisal.AuditEvent",
                     new={"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at},
                     reason=report.message)
    return {"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def audit_purge_expired() -> int:
    """Monthly: remove events past the retention period (never younger than 184 days)."""
    with transaction.atomic():
        deleted = audit.purge_expired()
        if deleted:
            audit.record("audit.purge", object_type="appraisal.AuditEvent", new={"deleted": deleted})
    return deleted
