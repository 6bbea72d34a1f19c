"""Celery tasks of the scoring pipeline: thin interfaces that take ids and call ``scoring.jobs``."""
from celery import shared_task
from django.conf import settings

MAX_RETRIES = 8


def _backoff(retries: int) -> int:
    """1, 2, 4 … seconds, at most five minutes (well under the broker's visibility timeout)."""
    return min(2 ** retries, 300)


def _run(task, job_id: int, resume: int | None) -> str:
    from .jobs import RetryLater, job_run

    retries_left = 0 if task.request.is_eager else task.max_retries - task.request.retries
    try:
        return job_run(job_id, resume=resume, retries_left=retries_left, countdown=_backoff(task.request.retries)).state
    except RetryLater as later:
        raise task.retry(args=[job_id], kwargs={"resume": later.attempt}, countdown=later.countdown) from None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=MAX_RETRIES,
             soft_time_limit=settings.SCORING_JOB_SOFT_TIME_LIMIT, time_limit=settings.SCORING_JOB_TIME_LIMIT)
def compute_year_task(self, job_id: int, resume: int | None = None) -> str:
    """Run one scoring job. A passing failure (database restart, an import of the same year)
    retries with backoff and shows as "retrying" with the next attempt's time; results are upserted
    by key in one transaction, so a rerun after a lost worker leaves exactly the same results.
    Eager (no broker) there is no retry: the job fails with the reason."""
    return _run(self, job_id, resume)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=MAX_RETRIES,
             soft_time_limit=settings.SCORING_JOB_SOFT_TIME_LIMIT, time_limit=settings.SCORING_JOB_TIME_LIMIT)
def exchange_job_task(self, job_id: int, resume: int | None = None) -> str:
    """Run one workbook job (validation, import, export: ``scoring.job_kinds``) the same way."""
    return _run(self, job_id, resume)


@shared_task(ignore_result=True)
def requeue_pending_jobs() -> dict:
    """The watchdog (beat, every minute): fail and requeue running jobs whose heartbeat stopped, send
    again the jobs that could not reach the broker. Records its run for the health page."""
    from appraisal.health import record_beat

    from .job_kinds import purge_expired_files
    from .jobs import jobs_watch

    record_beat("scoring.watchdog")
    report = jobs_watch()
    purged = purge_expired_files()
    return {"requeued": report.requeued, "failed": report.failed, "resent": report.resent, "purged": purged}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def routine_send_reminders(organisation_id: int | None = None) -> dict:
    """Daily: reminders of routine appraisal's deadlines (quarterly summaries, evaluations, talks, 述职);
    safe to run twice (notifications are keyed per recipient)."""
    from appraisal.models import Organisation

    from .routine.reminders import reminders_send

    organisations = Organisation.objects.order_by("pk")
    if organisation_id is not None:
        organisations = organisations.filter(pk=organisation_id)
    return {"notifications": sum(reminders_send(organisation=o) for o in organisations)}
