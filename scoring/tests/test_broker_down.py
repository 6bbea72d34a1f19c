"""SECURITY.md item 19: with the broker unreachable, the request still succeeds, the job waits in
the database with a message for the office, and the periodic requeue sends it once Redis is back."""
from datetime import timedelta

import pytest
from django.utils import timezone

from appraisal.celery import app
from scoring.models import ScoringJob
from scoring.services import job_request
from scoring.tasks import requeue_pending_jobs
from tests.services import require_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _reset_connections():
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    require_services()  # before touching the app: on the embedded default Celery runs eagerly
    real = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a real refused connection
    _reset_connections()
    try:
        yield
    finally:
        app.conf.broker_url = real
        _reset_connections()


def test_job_waits_while_the_broker_is_down_and_is_requeued_after(world, year, broker_down):
    require_services()
    job = job_request(user=world.users["office"], assessment_year=year)
    job.refresh_from_db()
    assert job.state == "pending"
    assert "消息队列暂不可用" in job.message
    ScoringJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert requeue_pending_jobs() == 0  # still down: nothing sent, nothing lost
    assert ScoringJob.objects.get(pk=job.pk).state == "pending"


def test_requeue_sends_pending_jobs_once_the_broker_is_back(world, year):
    require_services()
    job = ScoringJob.objects.create(assessment_year=year)
    ScoringJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert requeue_pending_jobs() == 1
