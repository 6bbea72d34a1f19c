"""Issue 15 with real processes on PostgreSQL and a real Celery worker on Redis (CI's second pass;
skipped on the embedded default, failed with REQUIRE_SERVICES=1): a worker killed mid-job is
detected by the watchdog and the job reruns to the results of a clean run; two simultaneous
computes of one year end with one job and one set of results; compute_scores exits 1 with the
reason when the worker's run fails.

Faults are placed by the test workers' own Celery app (tests/worker_hooks.py): it pauses the run at
a known point until the test releases it, or makes the computation raise. Every wait polls with a
generous deadline; nothing asserts on wall-clock time."""
import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings

from appraisal.models import AssessmentYear, AuditEvent
from scoring.jobs import job_request
from scoring.models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PersonHalfResult, RewardResult,
    ScoringJob,
)
from scoring.services import year_compute
from scoring.tasks import requeue_pending_jobs
from tests.public_scenarios import SCENARIO_DIR
from tests.services import forget_broker_messages, require_services, worker_database_url, worker_process
from tests.test_year_workbook import run

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TABLES = (MonthlyResult, PersonHalfResult, DepartmentHalfResult, AnnualResult, DepartmentAnnualResult, RewardResult)
# the test workers beat every second and call a job whose beat is 8 s old stale
FAST_WATCHDOG = {"SCORING_HEARTBEAT_SECONDS": "1", "SCORING_JOB_STALE_SECONDS": "8"}


def results() -> dict:
    """Every result row of the database, without ids."""
    return {model.__name__: sorted(model.objects.values_list(
        *[f.attname for f in model._meta.concrete_fields if f.attname != "id"])) for model in TABLES}


def wipe_results() -> None:
    for model in TABLES:
        model.objects.all().delete()


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


@pytest.fixture
def small_year():
    require_services()
    forget_broker_messages()
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    assert code == 0, err
    year = AssessmentYear.objects.select_related("organisation").get(organisation__code="ORG11", year=2025)
    yield year
    forget_broker_messages()


def test_a_worker_killed_mid_publication_is_detected_and_the_job_reruns_to_identical_results(small_year, tmp_path):
    """SECURITY.md item 18. The worker is killed (SIGKILL) while the publication's transaction is
    open, one result table already written in it: readers never see that table, the heartbeat
    stops, the watchdog (run by a worker, as beat would send it) fails the job with the reason and
    queues it again, and the rerun leaves exactly the results of a clean run."""
    from scoring import publication
    from tests.worker_hooks import WRITE_FUNCTION

    assert callable(getattr(publication, WRITE_FUNCTION, None)), "the hook must wrap the table writer"
    year_compute(assessment_year=small_year)
    clean = results()
    wipe_results()
    mark = tmp_path / "paused"
    with worker_process("celery", app="tests.worker_hooks", env={
            **FAST_WATCHDOG, "SCORING_TEST_PAUSE": "publish", "SCORING_TEST_PAUSE_MARK": str(mark)}) as first:
        ticket = job_request(user=None, assessment_year=small_year)
        assert not ticket.joined
        wait_until(mark.exists, 180, "the worker reached the publication")
        job = ScoringJob.objects.get(pk=ticket.job.pk)
        assert job.state == "running" and job.stage == "写入成绩" and job.progress == 60
        assert all(rows == [] for rows in results().values())  # the open transaction shows nothing
        first.kill()
    assert all(rows == [] for rows in results().values())  # killed: rolled back, nothing published

    with worker_process("celery", env=FAST_WATCHDOG) as second:
        def rerun_done():
            requeue_pending_jobs.apply_async(queue=second.queue)  # what beat sends every minute
            time.sleep(1)
            return ScoringJob.objects.filter(retry_of=ticket.job.pk, state="done").first()

        rerun = wait_until(rerun_done, 240, "the watchdog requeued the killed job and the rerun finished")
    killed = ScoringJob.objects.get(pk=ticket.job.pk)
    assert killed.state == "failed" and killed.finished_at is not None
    assert "失去响应" in killed.message and "写入成绩" in killed.message and f"#{rerun.pk}" in killed.message
    assert rerun.requeues == 1 and rerun.progress == 100 and "年度成绩 18 行" in rerun.message
    assert AuditEvent.objects.filter(action="scores.compute_stalled").count() == 1
    assert results() == clean
    assert not ScoringJob.objects.filter(state__in=ScoringJob.ACTIVE).exists()


def _compute_scores_process(out_path):
    env = dict(os.environ, DATABASE_URL=worker_database_url(), DJANGO_SETTINGS_MODULE="appraisal.settings.test",
               PYTHONUNBUFFERED="1")
    out = open(out_path, "w")
    process = subprocess.Popen([sys.executable, "manage.py", "compute_scores", "ORG11", "2025", "--timeout", "600"],
                               cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    process.out = out
    return process


def test_two_simultaneous_computes_of_one_year_end_with_one_job_and_one_set_of_results(small_year, tmp_path):
    """Two operators start compute_scores for the same year at the same moment: one request
    creates the job, the other joins it and says so; both wait for the same job and report it; the
    database keeps one job and one set of results, those of a clean run."""
    year_compute(assessment_year=small_year)
    clean = results()
    wipe_results()
    audits = AuditEvent.objects.filter(action="scores.compute").count()
    mark, release = tmp_path / "paused", tmp_path / "release"
    outputs = [tmp_path / "a.out", tmp_path / "b.out"]
    with worker_process("celery", app="tests.worker_hooks", env={
            "SCORING_TEST_PAUSE": "compute", "SCORING_TEST_PAUSE_MARK": str(mark),
            "SCORING_TEST_RELEASE": str(release)}):
        processes = [_compute_scores_process(path) for path in outputs]
        try:
            # the job runs (held before its computation) and the second request has joined it
            wait_until(lambda: mark.exists() and any("已并入" in p.read_text() for p in outputs), 240,
                       "both requests reached the job")
            release.write_text("go")
            codes = [process.wait(timeout=300) for process in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                process.out.close()
    texts = [path.read_text() for path in outputs]
    assert codes == [0, 0], texts
    (job,) = ScoringJob.objects.filter(assessment_year=small_year)
    assert job.state == "done" and job.attempts == 1
    assert sum("已并入" in text for text in texts) == 1, texts
    assert all(f"计算完成（任务 #{job.pk}）" in text for text in texts), texts
    assert all("Traceback" not in text for text in texts), texts
    assert AuditEvent.objects.filter(action="scores.compute").count() == audits + 1
    assert results() == clean


def test_compute_scores_exits_non_zero_with_the_reason_in_worker_mode(small_year):
    with worker_process("celery", app="tests.worker_hooks", env={"SCORING_TEST_FAIL": "compute"}):
        code, out, err = run("compute_scores", "ORG11", "2025", "--timeout", "300")
    assert code == 1, (out, err)
    job = ScoringJob.objects.get(assessment_year=small_year)
    assert job.state == "failed" and "注入的故障" in job.message
    assert re.search(rf"计算失败（任务 #{job.pk}）：.*注入的故障：计算阶段出错", err), err
    assert "已有成绩保持不变" in err
