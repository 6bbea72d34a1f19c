"""Celery tasks of the scoring pipeline: thin interfaces that take ids and call services."""
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .models import ScoringJob


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_backoff_max=300, max_retries=8)
def compute_year_task(job_id: int) -> str:
    """Run one scoring job. A database failure retries with backoff; every stage replaces its rows
    by key, so a rerun after a lost worker or a retry leaves exactly the same results."""
    from .services import job_run

    return job_run(job_id).state


@shared_task
def requeue_pending_jobs() -> int:
    """Send again the jobs that could not reach the broker (or whose worker vanished)."""
    from .services import job_dispatch

    stale = timezone.now() - timedelta(minutes=2)
    jobs = list(ScoringJob.objects.filter(state=ScoringJob.State.PENDING, created_at__lt=stale)
                .values_list("pk", flat=True))
    return sum(1 for job_id in jobs if job_dispatch(job_id))
