"""Running the jobs a page queued, in tests of pages (not of the worker: tests/services.py).

Inside a test's transaction the job is sent on commit, so the page's request is wrapped in
``django_capture_on_commit_callbacks(execute=True)``; on the embedded default (eager Celery) the job
then runs there. With a broker (CI's second pass) it went to Redis, where no worker can see this
test's uncommitted rows: ``run_queued`` runs its body here."""
from django.conf import settings


def run_queued() -> None:
    from scoring.jobs import job_run
    from scoring.models import ScoringJob

    if settings.REDIS_URL:
        for job_id in ScoringJob.objects.filter(state=ScoringJob.State.PENDING).order_by("id").values_list("pk", flat=True):
            job_run(job_id)


def request_and_run(capture, send):
    """``send()`` (a client call) with the jobs it queues run; returns its response."""
    with capture(execute=True):
        response = send()
    run_queued()
    return response


def fetch_results(client, capture, url):
    """GET a results export: the file itself (a job done within the request), else the job's download."""
    from django.urls import reverse

    from scoring.models import ScoringJob

    response = request_and_run(capture, lambda: client.get(url))
    if response.status_code != 302 or "/years/workbook/jobs/" not in response.url:
        return response
    job = ScoringJob.objects.filter(kind=ScoringJob.Kind.EXPORT_RESULTS).latest("id")
    return client.get(reverse("workbook_job_download", args=[job.pk]))
