"""SECURITY.md item 19: with the broker unreachable, the request still succeeds, the job waits in
the database with a message for the office, and the periodic requeue sends it once Redis is back.

The broker outage is real: a separate process whose REDIS_URL points at a port nothing listens
on requests the job against the same test database."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from scoring.models import ScoringJob
from scoring.tasks import requeue_pending_jobs
from tests.services import require_services, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REQUEST = """
from appraisal.models import AssessmentYear
from scoring.services import job_request
job = job_request(user=None, assessment_year=AssessmentYear.objects.get(pk={pk}))
job.refresh_from_db()
print(job.pk, job.state, job.message)
"""


def test_job_waits_while_the_broker_is_down_and_is_requeued_after(world, year):
    require_services()
    env = dict(os.environ, DATABASE_URL=worker_database_url(), REDIS_URL="redis://127.0.0.1:1/0",
               DJANGO_SETTINGS_MODULE="appraisal.settings.test")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", REQUEST.format(pk=year.pk)],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    job_id, state, message = result.stdout.strip().splitlines()[-1].split(" ", 2)
    assert state == "pending" and "消息队列暂不可用" in message
    job = ScoringJob.objects.get(pk=int(job_id))
    ScoringJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert requeue_pending_jobs() == 1  # this process reaches the real broker: sent
