"""Scoring jobs that never lie (issue 15): one active job per organisation-year, states that say
what is happening, a heartbeat, and a watchdog that notices a vanished worker.

- ``job_request`` (pages, commands, the publicity transition) returns the year's active job if there
  is one (the request joins it) or queues a new one; the task is sent once the transaction commits,
  through ``appraisal.broker.send`` (never waits on the broker). Unsent jobs wait in the database.
- ``job_run`` (the Celery task) claims the job with a fencing token (``attempts``), beats while it
  works, and publishes the results together with the job's completion in one transaction. Every
  failure is recorded with its reason in Chinese; a database outage becomes ``retrying`` with the
  next attempt's time.
- ``jobs_watch`` (the beat task, every minute) fails and requeues running jobs whose heartbeat
  stopped, and sends again the jobs that never reached the broker or whose retry got lost.

The same mechanism runs the workbook jobs (issue 16: validation, import, exports): a job has a
``kind``; ``scoring.job_kinds`` holds what runs for each kind other than ``compute`` and queues them.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appraisal import access, audit, broker
from appraisal.errors import ApplicationError, PermissionDeniedError
from appraisal.locks import YearBusy
from appraisal.models import AssessmentYear

from .models import ScoringJob
from .publication import ComputeSummary, frozen_periods, refuse_if_year_frozen
from .services import year_compute

logger = logging.getLogger(__name__)
State = ScoringJob.State
Kind = ScoringJob.Kind
# Errors that say "try again later", not "this cannot work".
TRANSIENT = (OperationalError, InterfaceError, YearBusy)
MAX_ATTEMPTS = 5  # executions of one job (retries and redeliveries) before it is failed for good
MAX_REQUEUES = 2  # automatic requeues by the watchdog of a chain of jobs that keep losing their worker


def _local(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i:s")


# ---------------------------------------------------------------- request and dispatch

@dataclass(frozen=True)
class JobTicket:
    job: ScoringJob
    joined: bool  # the year already had an active job: this request joined it

    def message(self) -> str:
        """What to tell the user who asked, right now."""
        job = self.job
        if self.joined:
            return _("本年度已有计算任务（#%(id)s，%(state)s），本次请求已并入该任务，无需重复提交。") % {
                "id": job.pk, "state": job.get_state_display()}
        if job.state == State.PENDING and job.dispatched_at is None:
            return _("消息队列暂不可用：计算任务（#%(id)s）已保存在数据库中排队，恢复后将自动执行。") % {"id": job.pk}
        if job.state == State.DONE:
            return _("成绩计算已完成（任务 #%(id)s）：%(summary)s") % {"id": job.pk, "summary": job.message}
        if job.state == State.FAILED:
            return _("成绩计算失败（任务 #%(id)s）：%(reason)s") % {"id": job.pk, "reason": job.message}
        return _("已提交成绩计算任务（#%(id)s），正在排队，请稍候。") % {"id": job.pk}


def job_request(*, user, assessment_year: AssessmentYear, retry_of: ScoringJob | None = None) -> JobTicket:
    """Queue a pipeline run of the year, or join the one already queued or running."""
    if user is not None and not access.can(user, "office.manage", assessment_year):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    refuse_if_year_frozen(assessment_year, frozen_periods(assessment_year))
    with transaction.atomic():
        # serialise the requests of the year; the partial unique constraint is the last word
        AssessmentYear.objects.select_for_update().filter(pk=assessment_year.pk).values_list("pk").first()
        active = _active(assessment_year)
        if active is not None:
            return JobTicket(active, joined=True)
        try:
            with transaction.atomic():
                job = ScoringJob.objects.create(assessment_year=assessment_year, requested_by=user, stage=_("排队中"),
                                                retry_of=retry_of, organisation_id=assessment_year.organisation_id)
        except IntegrityError:
            return JobTicket(_active(assessment_year), joined=True)
        audit.record("scores.compute_requested", actor=user, obj=assessment_year,
                     organisation_id=assessment_year.organisation_id,
                     new={"job": job.pk, "retry_of": retry_of.pk if retry_of else None})
        transaction.on_commit(lambda: job_dispatch(job.pk))
    if not transaction.get_connection().in_atomic_block:
        job.refresh_from_db()  # sent (or run, when eager) on commit: report what happened
    return JobTicket(job, joined=False)


def _active(assessment_year, kind: str = Kind.COMPUTE) -> ScoringJob | None:
    return ScoringJob.objects.filter(assessment_year=assessment_year, kind=kind, state__in=ScoringJob.ACTIVE).first()


def job_dispatch(job_id: int) -> bool:
    """Send the job to the workers. With the broker down it stays pending with a message, and the
    watchdog sends it once the broker is back (SECURITY.md item 19)."""
    from .tasks import compute_year_task, exchange_job_task

    kind = ScoringJob.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    task = compute_year_task if kind in (None, Kind.COMPUTE) else exchange_job_task
    if broker.send(task, args=[job_id]):
        ScoringJob.objects.filter(pk=job_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
        return True
    ScoringJob.objects.filter(pk=job_id, state=State.PENDING).update(
        message=_("消息队列暂不可用，任务已保存在数据库中，恢复后将自动执行。"))
    return False


# ---------------------------------------------------------------- running a job

class RetryLater(Exception):
    """The run hit a passing failure (database, import in progress): retry in ``countdown`` s."""

    def __init__(self, countdown: float, attempt: int):
        super().__init__(countdown)
        self.countdown = countdown
        self.attempt = attempt


class _Superseded(ApplicationError):
    """The job is no longer this run's (the watchdog failed it): publish nothing."""


def _owned(job_id: int, attempt: int):
    return ScoringJob.objects.filter(pk=job_id, state=State.RUNNING, attempts=attempt)


class _Heartbeat:
    """Beats every SCORING_HEARTBEAT_SECONDS from a thread of its own (its own connection), so a long
    stage still shows the worker is alive; a killed worker stops beating and the watchdog sees it."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"scoring-job-{job_id}-heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.SCORING_HEARTBEAT_SECONDS):
                try:
                    _owned(self.job_id, self.attempt).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 — a missed beat is what the watchdog is for
                    logger.warning("heartbeat of scoring job %s failed", self.job_id, exc_info=True)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=10)


def job_run(job_id: int, *, resume: int | None = None, retries_left: int = 0, countdown: float = 0) -> ScoringJob:
    """Run a queued job (the Celery task calls this); safe to call twice or after a lost worker.

    ``resume`` is the attempt of the same task's previous try (a retry may find its job still
    marked running when the database could not be told); ``retries_left``/``countdown`` say whether
    a passing failure is retried (RetryLater) or ends the job."""
    job = ScoringJob.objects.select_related("assessment_year__organisation", "requested_by", "organisation").get(pk=job_id)
    if job.state in (State.DONE, State.FAILED):
        return job  # a redelivered or duplicate message: nothing to do
    if job.state == State.RUNNING and job.attempts != resume and _alive(job):
        return job  # another worker runs it right now
    if job.attempts >= MAX_ATTEMPTS:
        ScoringJob.objects.filter(pk=job.pk, attempts=job.attempts, state__in=ScoringJob.ACTIVE).update(
            state=State.FAILED, finished_at=timezone.now(),
            message=_("任务已执行 %(n)s 次仍未完成（计算进程反复中断），不再自动重试。请检查计算服务后在页面上重试。")
            % {"n": job.attempts})
        job.refresh_from_db()
        return job
    attempt = job.attempts + 1
    now = timezone.now()
    claimed = ScoringJob.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
        state=State.RUNNING, attempts=attempt, started_at=job.started_at or now, heartbeat_at=now,
        next_attempt_at=None, progress=0, stage=_("开始"), message="")
    if not claimed:
        job.refresh_from_db()
        return job  # someone else claimed it between our read and our update

    def progress(percent: int, stage: str) -> None:
        _owned(job.pk, attempt).update(progress=percent, stage=stage, heartbeat_at=timezone.now())

    def complete(summary: ComputeSummary | str, **fields) -> None:
        # inside the publication's (the import's) transaction: the row lock taken here fences out the watchdog
        line = summary if isinstance(summary, str) else summary.line()
        if not _owned(job.pk, attempt).update(state=State.DONE, progress=100, stage=_("完成"), message=line,
                                              finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields):
            raise _Superseded(_("任务已被判定为中断并另行处理，本次计算结果未写入。"))

    compute = job.kind == Kind.COMPUTE
    try:
        with _Heartbeat(job.pk, attempt):
            if compute:
                year_compute(assessment_year=job.assessment_year, user=job.requested_by, progress=progress,
                             on_publish=complete)
            else:
                from .job_kinds import runner

                runner(job.kind)(job, progress=progress, complete=complete)
    except TRANSIENT as error:
        _transient(job.pk, attempt, error, retries_left, countdown)
    except _Superseded:
        pass
    except ApplicationError as error:
        _fail(job.pk, attempt, error.message)
    except SoftTimeLimitExceeded:
        minutes = {"n": settings.SCORING_JOB_SOFT_TIME_LIMIT // 60}
        _fail(job.pk, attempt, (_("计算超过时限（%(n)s 分钟）被终止，已写入的成绩保持不变。") if compute
                                else _("任务超过时限（%(n)s 分钟）被终止，未写入任何数据。")) % minutes)
    except Exception as error:  # noqa: BLE001 — any other failure is recorded, never left as "running"
        logger.exception("%s job %s failed", job.kind, job.pk)
        detail = {"error": f"{type(error).__name__}: {error}"[:300]}
        _fail(job.pk, attempt, (_("计算出错（%(error)s），已有成绩保持不变。请联系系统管理员。") if compute
                                else _("任务出错（%(error)s），未写入任何数据。请联系系统管理员。")) % detail)
    job.refresh_from_db()
    return job


def _alive(job: ScoringJob) -> bool:
    """A running job whose heartbeat is recent enough that its worker is still at it."""
    beat = job.heartbeat_at or job.started_at
    return beat is not None and beat > timezone.now() - timedelta(seconds=3 * settings.SCORING_HEARTBEAT_SECONDS)


def _fail(job_id: int, attempt: int, reason: str) -> None:
    _owned(job_id, attempt).update(state=State.FAILED, message=reason, finished_at=timezone.now())


def _transient(job_id: int, attempt: int, error: Exception, retries_left: int, countdown: float) -> None:
    reason = error.message if isinstance(error, ApplicationError) else _("数据库暂不可用（%(error)s）") % {
        "error": f"{type(error).__name__}: {error}".strip()[:200]}
    try:
        if retries_left <= 0:
            _fail(job_id, attempt, _("%(reason)s；已多次重试仍未成功，任务失败，已有成绩保持不变。") % {"reason": reason})
            return
        at = timezone.now() + timedelta(seconds=countdown)
        _owned(job_id, attempt).update(state=State.RETRYING, next_attempt_at=at, message=_(
            "%(reason)s；将于 %(time)s 自动重试。") % {"reason": reason, "time": _local(at)})
    except DatabaseError:
        logger.warning("could not record the state of scoring job %s", job_id, exc_info=True)
    if retries_left > 0:
        raise RetryLater(countdown, attempt) from error


# ---------------------------------------------------------------- the watchdog

@dataclass(frozen=True)
class WatchReport:
    requeued: list[int]  # stale running jobs failed and requeued (the new jobs' ids)
    failed: list[int]  # stale running jobs failed without requeue (the chain kept failing)
    resent: list[int]  # queued jobs sent (again) to the broker


def jobs_watch() -> WatchReport:
    """Fail running jobs whose worker vanished (heartbeat older than SCORING_JOB_STALE_SECONDS) and
    queue them again; send the pending jobs that never reached the broker and the retries that
    got lost. Safe to run concurrently with workers: every change is conditional."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SCORING_JOB_STALE_SECONDS)
    requeued, failed = [], []
    for job in (ScoringJob.objects.filter(state=State.RUNNING)
                .filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale))
                .select_related("assessment_year", "organisation")):
        new = _requeue_stale(job, now)
        if new is None:
            continue
        (requeued if new else failed).append(new or job.pk)
    resend = (ScoringJob.objects.filter(state=State.PENDING)
              .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale), created_at__lt=now - timedelta(seconds=30))
              | ScoringJob.objects.filter(state=State.RETRYING, next_attempt_at__lt=stale))
    resent = [job_id for job_id in resend.values_list("pk", flat=True).order_by("pk") if job_dispatch(job_id)]
    return WatchReport(requeued, failed, resent)


def _requeue_stale(job: ScoringJob, now) -> int | None:
    """Fail one stale job; queue its successor unless the chain already lost its worker too often.
    Returns the new job's id, 0 when failed without requeue, None when the job moved on meanwhile."""
    beat = job.heartbeat_at or job.started_at
    again = job.requeues < MAX_REQUEUES
    with transaction.atomic():
        taken = (ScoringJob.objects.filter(pk=job.pk, state=State.RUNNING, attempts=job.attempts,
                                           heartbeat_at=job.heartbeat_at)
                 .update(state=State.FAILED, finished_at=now, message=_(
                     "计算进程已失去响应（最后心跳 %(time)s，停留在“%(stage)s”），任务判定为失败，已有成绩保持不变。")
                     % {"time": _local(beat), "stage": job.stage}))
        if not taken:
            return None
        audit.record("scores.compute_stalled" if job.kind == Kind.COMPUTE else "exchange.job_stalled",
                     obj=job.assessment_year or job.organisation,
                     organisation_id=job.organisation_id or job.assessment_year.organisation_id,
                     new={"job": job.pk, "kind": job.kind, "heartbeat_at": beat, "stage": job.stage, "requeue": again})
        if not again:
            ScoringJob.objects.filter(pk=job.pk).update(message=_(
                "计算进程已连续 %(n)s 次失去响应，不再自动重试。请检查计算服务后在页面上重试。") % {"n": job.requeues + 1})
            return 0
        new = ScoringJob.objects.create(
            assessment_year_id=job.assessment_year_id, requested_by_id=job.requested_by_id, stage=_("排队中"),
            retry_of=job, requeues=job.requeues + 1, kind=job.kind, organisation_id=job.organisation_id,
            org_code=job.org_code, year=job.year, source_id=job.source_id, file=job.file, file_name=job.file_name,
            expires_at=job.expires_at)
        ScoringJob.objects.filter(pk=job.pk).update(message=_(
            "计算进程已失去响应（最后心跳 %(time)s，停留在“%(stage)s”），任务判定为失败，已自动重新排队为任务 #%(new)s。")
            % {"time": _local(beat), "stage": job.stage, "new": new.pk})
        transaction.on_commit(lambda: job_dispatch(new.pk))
    return new.pk
