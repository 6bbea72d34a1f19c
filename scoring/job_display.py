"""How a scoring job shows on the results page and the health page (issue 15; issue 14: the eager
run of the embedded default is over before the page shows, so the page lists the steps it went
through and when it finished, not only a bar nobody saw move)."""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appraisal.models import AssessmentYear

from .models import ScoringJob
from .services import STAGES

State = ScoringJob.State


def latest_job(assessment_year: AssessmentYear) -> ScoringJob | None:
    return ScoringJob.objects.filter(assessment_year=assessment_year, kind=ScoringJob.Kind.COMPUTE).order_by("-id").first()


def recent_jobs(organisation, limit: int = 10) -> list[ScoringJob]:
    """The organisation's latest jobs, newest first, for the health page."""
    return list(ScoringJob.objects.filter(Q(assessment_year__organisation=organisation) | Q(organisation=organisation))
                .select_related("assessment_year", "requested_by").order_by("-id")[:limit])


def job_stages(job: ScoringJob) -> list[dict]:
    """The steps of a job for its page, each "done", "current", "retrying", "failed" or "todo": queued,
    the pipeline's stages, finished. An eager run (the embedded default) is over before the page
    shows, so the page lists every step it went through instead of a bar nobody saw move."""
    names = [_("排队")] + [str(name) for _percent, name in STAGES] + [_("完成")]
    if job.state == State.DONE:
        return [{"label": name, "status": "done"} for name in names]
    if job.state == State.PENDING or (job.attempts == 0 and job.state != State.FAILED):
        return [{"label": name, "status": "current" if i == 0 else "todo"} for i, name in enumerate(names)]
    reached = max([i + 1 for i, (percent, _name) in enumerate(STAGES) if job.progress >= percent] or [1])
    here = {State.FAILED: "failed", State.RETRYING: "retrying"}.get(job.state, "current")
    if job.attempts == 0:  # failed before any worker took it
        reached = 0
    return [{"label": name, "status": "done" if i < reached else here if i == reached else "todo"}
            for i, name in enumerate(names)]


def finished_label(job: ScoringJob) -> str:
    """"完成于 … ，用时 … 秒" / "失败于 …" for a finished job; empty otherwise."""
    if job.finished_at is None or job.active:
        return ""
    at = date_format(timezone.localtime(job.finished_at), "Y-m-d H:i:s")
    took = ""
    if job.started_at is not None:
        seconds = max((job.finished_at - job.started_at).total_seconds(), 0)
        took = _("，用时 %(s)s 秒") % {"s": f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}"}
    if job.state == State.DONE:
        return _("完成于 %(at)s%(took)s") % {"at": at, "took": took}
    return _("失败于 %(at)s%(took)s") % {"at": at, "took": took}


def job_payload(job: ScoringJob | None) -> dict:
    if job is None:
        return {"state": "", "state_label": "", "progress": 0, "stage": "", "message": "", "finished": True,
                "stages": [], "finished_label": ""}
    finished = job.state in (State.DONE, State.FAILED)
    return {"id": job.pk, "state": job.state, "state_label": str(job.get_state_display()), "progress": job.progress,
            "stage": job.stage, "message": job.message, "finished": finished,
            "created_at": job.created_at.isoformat() if job.created_at else "",
            "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at else "",
            "next_attempt_at": job.next_attempt_at.isoformat() if job.next_attempt_at else "",
            "queued_in_database": job.state == State.PENDING and job.dispatched_at is None,
            "stages": job_stages(job), "finished_label": finished_label(job)}
