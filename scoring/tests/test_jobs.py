"""Issue 15 in process (SQLite, and PostgreSQL in CI's second pass): one publication per run, honest
job states, one active job per year, the watchdog, and compute_scores' exit status.

The year is a public scenario imported into the database; "changed" inputs (every peer grade set to
优秀, one person gone) make the next run differ in every result table, so a half-written year
would show."""
from io import StringIO
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from appraisal.models import AssessmentYear, AuditEvent, Period, PeriodState, Person, Role
from appraisal.tests.factories import role_user
from scoring import jobs, publication, services
from scoring.jobs import job_request, job_run, jobs_watch
from scoring.models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PeerRating, PersonHalfResult,
    RewardResult, ScoringJob,
)
from tests.public_scenarios import input_path
from tests.test_year_workbook import run

TABLES = (MonthlyResult, PersonHalfResult, DepartmentHalfResult, AnnualResult, DepartmentAnnualResult, RewardResult)


def results():
    out = {}
    for model in TABLES:
        fields = [f.attname for f in model._meta.concrete_fields]  # ids too: rows updated in place keep them
        out[model.__name__] = sorted(model.objects.values_list(*fields))
    return out


@pytest.fixture
def year(db):
    return _load()


@pytest.fixture
def committed_year(transactional_db):
    """For what runs on commit (the job is sent when the request's transaction commits)."""
    return _load()


def _load():
    code, _out, err = run("import_workbook", str(input_path("small-11")))
    assert code == 0, err
    year = AssessmentYear.objects.select_related("organisation").get(organisation__code="ORG11", year=2025)
    services.year_compute(assessment_year=year)
    return year


def change_inputs(year):
    PeerRating.objects.filter(period__assessment_year=year).update(grade="优秀")
    Person.objects.filter(organisation=year.organisation, staff_id="1004").update(is_active=False)


def test_a_rerun_updates_rows_in_place_and_removes_only_rows_that_are_gone(year):
    before = {m.__name__: dict(((r[1:]), r[0]) for r in m.objects.values_list("pk", *_key(m))) for m in TABLES}
    change_inputs(year)
    services.year_compute(assessment_year=year)
    gone = Person.objects.get(organisation=year.organisation, staff_id="1004")
    assert not MonthlyResult.objects.filter(person=gone).exists() and not AnnualResult.objects.filter(person=gone)
    for model in TABLES:
        after = dict(((r[1:]), r[0]) for r in model.objects.values_list("pk", *_key(model)))
        # every row that came back kept its id: updated in place, never deleted and re-inserted
        assert {k: before[model.__name__][k] for k in after if k in before[model.__name__]} == \
            {k: v for k, v in after.items() if k in before[model.__name__]}, model.__name__


def _key(model):
    return [n for n in {"MonthlyResult": ("person_id", "month"), "PersonHalfResult": ("person_id", "half"),
                        "DepartmentHalfResult": ("department_id", "half"), "AnnualResult": ("person_id",),
                        "DepartmentAnnualResult": ("department_id",),
                        "RewardResult": ("person_id", "reward_type")}[model.__name__]]


def test_locked_months_stay_untouched_and_frozen_periods_is_the_one_list(year):
    Period.objects.filter(assessment_year=year, kind="month", number=3).update(state=PeriodState.LOCKED)
    assert publication.frozen_periods(year) == {("month", 3)}
    march = sorted(MonthlyResult.objects.filter(assessment_year=year, month=3).values_list())
    april = sorted(MonthlyResult.objects.filter(assessment_year=year, month=4).values_list())
    change_inputs(year)
    services.year_compute(assessment_year=year)
    assert sorted(MonthlyResult.objects.filter(assessment_year=year, month=3).values_list()) == march
    assert sorted(MonthlyResult.objects.filter(assessment_year=year, month=4).values_list()) != april


def _fail_at(stage, monkeypatch):
    """Make the pipeline fail at one stage: reading, computing, writing the n-th table, marking the
    job done, or writing the audit event."""
    boom = RuntimeError(f"注入的故障：{stage}")

    def raiser(*args, **kwargs):
        raise boom

    if stage == "load":
        monkeypatch.setattr(services, "load_year", raiser)
    elif stage == "compute":
        monkeypatch.setattr(services, "compute_year", raiser)
    elif stage.startswith("write"):
        n, real, calls = int(stage[5:]), publication.replace_rows, []

        def write(*args, **kwargs):
            calls.append(1)
            if len(calls) == n:
                raise boom
            return real(*args, **kwargs)

        monkeypatch.setattr(publication, "replace_rows", write)
    elif stage == "complete":
        real_owned = jobs._owned

        class Refusing:
            def __init__(self, queryset):
                self.queryset = queryset

            def update(self, **values):
                if values.get("state") == "done":
                    raise IntegrityError("注入的故障：标记任务完成")
                return self.queryset.update(**values)

        monkeypatch.setattr(jobs, "_owned", lambda job_id, attempt: Refusing(real_owned(job_id, attempt)))
    elif stage == "audit":
        real_record = publication.audit.record

        def record(action, **kwargs):
            if action == "scores.compute":
                raise IntegrityError("注入的故障：审计写入失败")
            return real_record(action, **kwargs)

        monkeypatch.setattr(publication.audit, "record", record)


STAGES = ["load", "compute", "write1", "write2", "write3", "write4", "write5", "write6", "complete", "audit"]


@pytest.mark.parametrize("stage", STAGES)
def test_a_failure_at_any_stage_keeps_the_previous_results_and_fails_the_job(year, stage, monkeypatch):
    before = results()
    audits = AuditEvent.objects.filter(action="scores.compute").count()
    change_inputs(year)
    job = ScoringJob.objects.create(assessment_year=year)
    _fail_at(stage, monkeypatch)
    job = job_run(job.pk)
    assert results() == before
    assert AuditEvent.objects.filter(action="scores.compute").count() == audits
    assert job.state == "failed" and job.finished_at is not None
    assert "注入的故障" in job.message and "已有成绩保持不变" in job.message
    monkeypatch.undo()
    again = job_run(ScoringJob.objects.create(assessment_year=year).pk)
    assert again.state == "done" and results() != before


def test_the_audit_failure_rolls_back_the_results(year, monkeypatch):
    """SECURITY.md item 17 for the pipeline: no published results without their audit event."""
    before = results()
    change_inputs(year)
    _fail_at("audit", monkeypatch)
    with pytest.raises(IntegrityError):
        services.year_compute(assessment_year=year)
    assert results() == before


def test_a_second_request_joins_the_active_job_and_the_database_refuses_two(year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # not sent: the job stays queued
        first = job_request(user=None, assessment_year=year)
        second = job_request(user=None, assessment_year=year)
    assert not first.joined and second.joined and second.job.pk == first.job.pk
    assert "已并入" in second.message()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringJob.objects.create(assessment_year=year, state="running")
    ScoringJob.objects.filter(pk=first.job.pk).update(state="failed")
    assert not job_request(user=None, assessment_year=year).joined


def test_the_page_says_when_the_request_joined_a_running_job(year, client):
    office = role_user(Role.OFFICE, year.organisation, "office11")
    running = ScoringJob.objects.create(assessment_year=year, state="running", attempts=1, stage="计算成绩",
                                        progress=30, heartbeat_at=timezone.now())
    client.force_login(office)
    page = client.post(reverse("results:compute", args=[year.pk]), follow=True).content.decode()
    assert f"#{running.pk}" in page and "已并入该任务" in page
    assert ScoringJob.objects.filter(assessment_year=year).count() == 1


def test_a_duplicate_delivery_does_not_run_a_job_twice(year):
    job = ScoringJob.objects.create(assessment_year=year, state="running", attempts=1, heartbeat_at=timezone.now())
    assert job_run(job.pk).state == "running"
    job.refresh_from_db()
    assert job.attempts == 1
    done = ScoringJob.objects.create(assessment_year=year, state="done")
    assert job_run(done.pk).state == "done"


def test_a_passing_database_failure_shows_retrying_with_the_next_attempt(year, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "load_year", down)
    job = ScoringJob.objects.create(assessment_year=year)
    with pytest.raises(jobs.RetryLater) as later:
        job_run(job.pk, retries_left=3, countdown=30)
    job.refresh_from_db()
    assert job.state == "retrying" and "将于" in job.message and "自动重试" in job.message
    assert timedelta(seconds=25) < job.next_attempt_at - timezone.now() <= timedelta(seconds=30)
    monkeypatch.undo()
    # the retry of the same task resumes it, even if the database could not be told it was retrying
    ScoringJob.objects.filter(pk=job.pk).update(state="running", heartbeat_at=timezone.now())
    assert job_run(job.pk, resume=later.value.attempt).state == "done"


def test_exhausted_retries_fail_the_job_with_the_reason(year, monkeypatch):
    monkeypatch.setattr(services, "load_year", lambda *a: (_ for _ in ()).throw(OperationalError("连接被拒绝")))
    job = job_run(ScoringJob.objects.create(assessment_year=year).pk, retries_left=0)
    assert job.state == "failed" and "数据库暂不可用" in job.message and "连接被拒绝" in job.message


@override_settings(SCORING_JOB_STALE_SECONDS=60)
def test_the_watchdog_fails_a_silent_job_and_queues_it_again(year, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(minutes=5)
    stale = ScoringJob.objects.create(assessment_year=year, state="running", attempts=1, stage="计算成绩",
                                      started_at=long_ago, heartbeat_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        report = jobs_watch()
    stale.refresh_from_db()
    (new_id,) = report.requeued
    new = ScoringJob.objects.get(pk=new_id)
    assert stale.state == "failed" and "失去响应" in stale.message and f"#{new.pk}" in stale.message
    assert new.retry_of_id == stale.pk and new.requeues == 1
    assert new.state == ("pending" if not _eager() else "done")
    assert AuditEvent.objects.filter(action="scores.compute_stalled").exists()


@override_settings(SCORING_JOB_STALE_SECONDS=60)
def test_the_watchdog_stops_requeueing_a_job_that_keeps_losing_its_worker(year):
    long_ago = timezone.now() - timedelta(minutes=5)
    stale = ScoringJob.objects.create(assessment_year=year, state="running", attempts=1, heartbeat_at=long_ago,
                                      requeues=jobs.MAX_REQUEUES)
    assert jobs_watch().failed == [stale.pk]
    stale.refresh_from_db()
    assert stale.state == "failed" and "不再自动重试" in stale.message
    assert not ScoringJob.objects.filter(state__in=ScoringJob.ACTIVE).exists()


def test_a_runner_declared_dead_publishes_nothing(year, monkeypatch, django_capture_on_commit_callbacks):
    """The watchdog failed the job while its worker was still computing: when that worker gets to
    the publication, the fencing token no longer matches and nothing is written."""
    before = results()
    change_inputs(year)
    real = services.compute_year
    job = ScoringJob.objects.create(assessment_year=year)

    def slow_and_declared_dead(data):
        ScoringJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        with override_settings(SCORING_JOB_STALE_SECONDS=60), django_capture_on_commit_callbacks(execute=False):
            jobs_watch()
        return real(data)

    monkeypatch.setattr(services, "compute_year", slow_and_declared_dead)
    job = job_run(job.pk)
    assert results() == before
    assert job.state == "failed" and "失去响应" in job.message


def _eager():
    from django.conf import settings

    return settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.skipif("not __import__('django.conf').conf.settings.CELERY_TASK_ALWAYS_EAGER")
def test_compute_scores_exits_non_zero_with_the_reason_in_eager_mode(committed_year, monkeypatch):
    monkeypatch.setattr(services, "compute_year", lambda data: (_ for _ in ()).throw(ValueError("缺少参数")))
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("compute_scores", "ORG11", "2025", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "计算失败" in err.getvalue() and "缺少参数" in err.getvalue()
    assert ScoringJob.objects.get(assessment_year=committed_year, state="failed")
