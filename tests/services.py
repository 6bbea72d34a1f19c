"""Helpers for tests that need the real services: PostgreSQL and a Celery worker on Redis.

On the embedded default (SQLite, eager Celery) these tests are skipped with the reason; with
REQUIRE_SERVICES=1 (as .ci/run sets for its second pass) a missing service fails them instead.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection


def require_services() -> None:
    missing = []
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL=postgres://…")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL=redis://…")
    if missing:
        message = "需要真实服务：" + "、".join(missing) + "（.ci/run 第二轮会设置）"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def require_postgresql() -> None:
    """For tests of several processes on one database: the in-memory SQLite test database cannot be
    shared between processes, so they need PostgreSQL (skipped, or failed with REQUIRE_SERVICES=1)."""
    if connection.vendor != "postgresql":
        message = "需要真实服务：DATABASE_URL=postgres://…（.ci/run 第二轮会设置）"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def worker_database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@dataclass
class RunningWorker:
    queue: str
    process: subprocess.Popen

    def kill(self) -> None:
        """SIGKILL: the worker vanishes mid-task (no cleanup, no acknowledgement, no last word)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def worker_process(queue: str | None = None, *, app: str = "appraisal", env: dict | None = None):
    """Start a real worker process (solo pool) against the test database on ``queue`` (a queue of
    its own unless one is named, e.g. Celery's default "celery"), with ``env`` added to its
    environment and ``app`` as its Celery app (tests.worker_hooks for injected faults)."""
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    # the worker reads and writes the test's private files (uploads, exports: issue 16)
    environment = dict(os.environ, DATABASE_URL=worker_database_url(), DJANGO_SETTINGS_MODULE="appraisal.settings.test",
                       PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT))
    environment.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", app, "worker", "--pool=solo", "--loglevel=WARNING",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h"],
        env=environment, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        from appraisal.celery import app as celery_app

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("celery worker exited: " + process.stdout.read().decode(errors="replace"))
            replies = celery_app.control.ping(timeout=1.0)
            if any(name.startswith(f"{queue}-") for reply in replies for name in reply):
                break
        else:
            raise RuntimeError("celery worker did not start within 90 s")
        yield RunningWorker(queue, process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


@contextmanager
def celery_worker(queue: str | None = None):
    """Start a real worker process against the test database; yield the queue it consumes."""
    with worker_process(queue) as worker:
        yield worker.queue


def wait_for_job(job_id: int, timeout: float = 60.0):
    """Poll a scoring job until it is no longer active (the task keeps no result: the database is
    the one record of its state)."""
    from scoring.models import ScoringJob

    deadline = time.monotonic() + timeout
    while True:
        job = ScoringJob.objects.get(pk=job_id)
        if not job.active or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


@contextmanager
def default_queue_worker():
    """With REDIS_URL set (CI's second pass) jobs queued by the pages go to Celery's default queue:
    run a real worker on it for the duration. On the embedded default Celery is eager: no-op."""
    if not settings.REDIS_URL:
        yield
        return
    from appraisal.celery import app

    app.control.purge()  # jobs other tests queued on commit refer to rows that are gone
    with celery_worker(queue="celery"):
        yield


def forget_broker_messages() -> None:
    """Drop every message of the test's Redis database, the unacknowledged ones of a killed worker
    too (Redis would hand them to a later worker once the visibility timeout is over)."""
    from appraisal import broker
    from appraisal.celery import app

    app.control.purge()
    with broker.connection(app) as conn:
        conn.default_channel.client.delete("unacked", "unacked_index")
