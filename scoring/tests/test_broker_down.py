"""SECURITY.md item 19 and issue 15: with the broker unreachable, a web request still answers at
once (under 2 s), the job waits in the database, the user is told it is queued, the health page
says the broker is down, and the watchdog sends the job once Redis is back.

The outage is real: a separate process whose REDIS_URL points at a port nothing listens on (the
broker refuses) or at a socket that accepts and never answers (the broker hangs) serves the
requests through Django's test client, against the same test database."""
import json
import os
import socket
import subprocess
import sys
import threading

import pytest
from django.conf import settings

from scoring.models import ScoringJob
from scoring.tasks import requeue_pending_jobs
from tests.services import require_services, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REQUESTS = """
import json, time
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="office"))
timings, pages = {{}}, {{}}
# warm up (imports of Django, Celery and the Redis transport, templates), as a long-running server is
client.get("/results/?year={pk}")
from appraisal import broker
broker.ping()
for name, method, url in [("compute", "post", "/results/{pk}/compute/"), ("page", "get", "/results/?year={pk}"),
                          ("health", "get", "/scoring/health/")]:
    started = time.monotonic()
    response = getattr(client, method)(url, follow=True)
    timings[name] = time.monotonic() - started
    pages[name] = [response.status_code, response.content.decode()]
print(json.dumps({{"timings": timings, "pages": pages}}))
"""


@pytest.fixture
def hung_broker():
    """A local socket that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for conn in held:
        conn.close()


def _serve(broker_url: str, year) -> dict:
    env = dict(os.environ, DATABASE_URL=worker_database_url(), REDIS_URL=broker_url, ALLOWED_HOSTS="testserver",
               DJANGO_SETTINGS_MODULE="appraisal.settings.test")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", REQUESTS.format(pk=year.pk)],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("outage", ["refused", "hung"])
def test_a_broker_that_refuses_or_hangs_costs_a_request_under_two_seconds(world, year, outage, hung_broker):
    require_services()
    broker_url = "redis://127.0.0.1:1/0" if outage == "refused" else hung_broker
    served = _serve(broker_url, year)
    assert max(served["timings"].values()) < 2.0, served["timings"]
    status, page = served["pages"]["compute"]
    assert status == 200 and "消息队列暂不可用" in page and "已保存在数据库中排队" in page
    job = ScoringJob.objects.get(assessment_year=year)
    assert job.state == "pending" and job.dispatched_at is None and "消息队列暂不可用" in job.message
    status, page = served["pages"]["page"]
    assert status == 200 and "消息队列暂不可用" in page
    status, page = served["pages"]["health"]
    assert status == 200 and "消息队列" in page and "无法连接" in page
    # this process reaches the real broker: the watchdog sends the waiting job
    ScoringJob.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=2020))
    assert requeue_pending_jobs()["resent"] == [job.pk]
    job.refresh_from_db()
    assert job.dispatched_at is not None
