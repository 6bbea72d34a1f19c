"""Background jobs other than the pipeline run (issue 16): the workbook's validation and import, and
the large exports, on the same mechanism as ``scoring.jobs`` (states, heartbeat, fencing, watchdog,
publishing through ``appraisal.broker`` on commit, eager on the embedded default).

A kind is registered by the app that knows how to do it (``register`` in its ``AppConfig.ready``):
``run(job, progress=…, complete=…)`` does the work, reports ``progress(percent, stage)`` and ends with
``complete(line, **fields)`` (fields of the job to set with its completion, e.g. ``report`` or ``file``);
``may_download(user, job)`` says who may fetch the file the job produced.

Files (the uploaded workbook, an export) live in the private storage, outside every served
directory, under random names; a job keeps its file until ``expires_at`` (EXCHANGE_FILE_TTL_HOURS),
when the watchdog deletes it (``purge_expired_files``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from appraisal import audit
from appraisal.errors import ApplicationError
from appraisal.models import AssessmentYear
from tracelog.models import private_storage

from .models import ScoringJob

logger = logging.getLogger(__name__)
Kind = ScoringJob.Kind
State = ScoringJob.State


@dataclass(frozen=True)
class JobKind:
    run: Callable  # run(job, *, progress, complete)
    may_download: Callable  # may_download(user, job) -> bool


_KINDS: dict[str, JobKind] = {}


def register(kind: str, run: Callable, *, may_download: Callable | None = None) -> None:
    _KINDS[kind] = JobKind(run, may_download or (lambda user, job: False))


def runner(kind: str) -> Callable:
    if kind not in _KINDS:
        raise ApplicationError(_("未知的任务类型“%(kind)s”。") % {"kind": kind})
    return _KINDS[kind].run


def may_download(user, job: ScoringJob) -> bool:
    spec = _KINDS.get(job.kind)
    return spec is not None and bool(job.file) and spec.may_download(user, job)


@dataclass(frozen=True)
class Ticket:
    job: ScoringJob
    joined: bool  # the same work was already queued or running: this request joined it


def enqueue(kind: str, *, user, organisation, assessment_year: AssessmentYear | None = None, org_code: str = "",
            year: int | None = None, source: ScoringJob | None = None, file: str = "", file_name: str = "") -> Ticket:
    """Queue a job of ``kind`` (sent to the workers once the transaction commits), or join the active
    one of the same kind and year (exports; imports by organisation code and year)."""
    from .jobs import job_dispatch

    with transaction.atomic():
        if assessment_year is not None:  # serialise the requests of the year, as job_request does
            AssessmentYear.objects.select_for_update().filter(pk=assessment_year.pk).values_list("pk").first()
        active = _active(kind, assessment_year, org_code, year)
        if active is not None:
            return Ticket(active, joined=True)
        try:
            with transaction.atomic():
                job = ScoringJob.objects.create(
                    kind=kind, requested_by=user, organisation=organisation, assessment_year=assessment_year,
                    org_code=org_code, year=year, source=source, file=file, file_name=file_name, stage=_("排队中"),
                    expires_at=expiry() if file else None)
        except IntegrityError:
            return Ticket(_active(kind, assessment_year, org_code, year), joined=True)
        audit.record(f"exchange.{kind}_requested", actor=user, obj=assessment_year or organisation,
                     organisation_id=getattr(organisation, "pk", None),
                     new={"job": job.pk, "file_name": file_name, "source": source.pk if source else None})
        transaction.on_commit(lambda: job_dispatch(job.pk))
    if not transaction.get_connection().in_atomic_block:
        job.refresh_from_db()  # sent (or run, when eager) on commit: report what happened
    return Ticket(job, joined=False)


def _active(kind, assessment_year, org_code, year) -> ScoringJob | None:
    active = ScoringJob.objects.filter(kind=kind, state__in=ScoringJob.ACTIVE)
    if kind == Kind.IMPORT:
        return active.filter(org_code=org_code, year=year).first()
    if assessment_year is not None:
        return active.filter(assessment_year=assessment_year).first()
    return None  # a validation: each upload is its own


# ---------------------------------------------------------------- private files

def expiry():
    return timezone.now() + timedelta(hours=settings.EXCHANGE_FILE_TTL_HOURS)


def new_file_name(kind: str, extension: str = ".xlsx") -> str:
    """A random name in the private storage: nothing of a user's file name reaches the file system."""
    return f"jobs/{kind}/{get_random_string(32)}{extension}"


def store_upload(uploaded, kind: str = Kind.VALIDATE) -> str:
    return private_storage.save(new_file_name(kind), uploaded)


def path_of(name: str) -> str:
    return private_storage.path(name)


def open_file(name: str):
    return private_storage.open(name, "rb")


def delete_file(name: str) -> None:
    if name and private_storage.exists(name):
        private_storage.delete(name)


def release_file(job: ScoringJob) -> None:
    """The file has served its purpose (an upload once imported): delete it, for every job naming it."""
    if job.file:
        delete_file(job.file)
        ScoringJob.objects.filter(file=job.file).update(file="")


def purge_expired_files(now=None) -> int:
    """Delete the files of finished jobs past their ``expires_at``; returns how many."""
    now = now or timezone.now()
    names = set(ScoringJob.objects.filter(expires_at__lt=now).exclude(file="")
                .exclude(state__in=ScoringJob.ACTIVE).values_list("file", flat=True))
    for name in names:
        try:
            delete_file(name)
        except OSError:
            logger.warning("could not delete the expired job file %s", name, exc_info=True)
            continue
        ScoringJob.objects.filter(file=name).update(file="")
    return len(names)
