"""The year workbook in the browser for the office (issue 16): empty template; upload, stored privately
and validated in a background job whose page shows the progress, then every problem (sheet, row,
column) or the preview; the import confirmed from that page without a second upload; the year's input
workbook and large exports produced in jobs and downloaded when ready (``scoring.job_kinds``)."""
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from scoring import job_kinds
from scoring.models import ScoringJob

from .. import access, audit, downloads
from ..exchange.reader import WorkbookError, write_template
from ..forms import SpreadsheetUploadForm
from ..models import AssessmentYear
from ..selectors import current_organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = ScoringJob.Kind
WORKBOOK_KINDS = (Kind.VALIDATE, Kind.IMPORT, Kind.EXPORT_INPUT, Kind.EXPORT_RESULTS)
# The report pages its problems (a broken 300k-row workbook must not become a 13 MB page); every
# problem is kept and reachable page by page.
ERRORS_PER_PAGE = 200


@access.require("office.manage")
def workbook_template(request):
    buffer = io.BytesIO()
    write_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    return downloads.attach(response, "年度工作簿模板.xlsx", "year-workbook-template.xlsx")


@access.require("office.manage")
def workbook_import(request):
    """The upload: stored privately, then validated by a job; its page follows the validation."""
    organisation = current_organisation(request.user)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = job_kinds.store_upload(upload)
        ticket = job_kinds.enqueue(Kind.VALIDATE, user=request.user, organisation=organisation, file=name,
                                   file_name=upload.name[-200:])
        return redirect("workbook_job", pk=ticket.job.pk)
    recent = (ScoringJob.objects.filter(kind__in=WORKBOOK_KINDS)
              .filter(Q(organisation=organisation) | Q(requested_by=request.user))
              .select_related("requested_by").order_by("-id")[:10])
    return render(request, "appraisal/workbook_import.html", {"form": form, "recent": recent})


def _job(request, pk) -> ScoringJob:
    job = get_object_or_404(ScoringJob.objects.select_related("assessment_year__organisation", "organisation",
                                                              "requested_by"), pk=pk, kind__in=WORKBOOK_KINDS)
    access.check(request.user, "exchange.job", job)
    return job


def _payload(job: ScoringJob) -> dict:
    label = job.get_state_display() if job.state != ScoringJob.State.RUNNING else _("进行中")
    return {"id": job.pk, "state": job.state, "state_label": str(label), "progress": job.progress,
            "stage": job.stage, "message": job.message, "finished": job.finished,
            "queued_in_database": job.state == ScoringJob.State.PENDING and job.dispatched_at is None}


def _confirmable(request, job: ScoringJob) -> bool:
    report = job.report or {}
    return (job.kind == Kind.VALIDATE and job.state == ScoringJob.State.DONE and bool(job.file)
            and not report.get("errors") and "preview" in report
            and access.can(request.user, "office.manage", job.organisation))


@access.require("exchange.job")
@never_cache
def workbook_job(request, pk):
    """A workbook job's page: progress while it runs (polled by static/js/exchange_job.js), then the
    report of every problem, the preview with the import button, the import's summary or the download."""
    job = _job(request, pk)
    report = job.report or {}
    errors = Paginator(report.get("errors") or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    imported = None
    if job.kind == Kind.VALIDATE:
        imported = ScoringJob.objects.filter(kind=Kind.IMPORT, source=job).order_by("-id").first()
    return render(request, "appraisal/workbook_job.html", {
        "job": job, "payload": _payload(job), "errors": errors, "total_errors": report.get("total", 0),
        "error_lines": [str(WorkbookError(*error)) for error in errors.object_list],
        "preview": report.get("preview"), "confirmable": _confirmable(request, job) and imported is None,
        "imported": imported, "source": job.source, "can_download": job_kinds.may_download(request.user, job)})


@access.require("exchange.job")
@never_cache
def workbook_job_status(request, pk):
    return JsonResponse(_payload(_job(request, pk)))


@require_POST
@access.require("office.manage")
def workbook_confirm(request, pk):
    """Import the validated upload (no second upload); imports of one organisation-year one at a time."""
    job = _job(request, pk)
    if not _confirmable(request, job):
        messages.error(request, _("该工作簿未通过校验或已过保留期限，不能导入，请重新上传。"))
        return redirect("workbook_job", pk=job.pk)
    ticket = job_kinds.enqueue(Kind.IMPORT, user=request.user, organisation=job.organisation, org_code=job.org_code,
                               year=job.year, source=job, file=job.file, file_name=job.file_name)
    if ticket.joined:
        messages.warning(request, _("%(org)s %(year)s 年度已有导入任务（#%(id)s）正在进行，请等待其完成后再导入。")
                         % {"org": job.org_code, "year": job.year, "id": ticket.job.pk})
    return redirect("workbook_job", pk=ticket.job.pk)


@require_POST
@access.require("office.manage")
def year_workbook_export(request, year_pk):
    """Queue the export of the year's input workbook (or join the one running)."""
    year = get_object_or_404(AssessmentYear.objects.select_related("organisation"), pk=year_pk,
                             organisation=current_organisation(request.user))
    access.check(request.user, "office.manage", year)
    ticket = job_kinds.enqueue(Kind.EXPORT_INPUT, user=request.user, organisation=year.organisation,
                               assessment_year=year)
    return redirect("workbook_job", pk=ticket.job.pk)


@access.require("exchange.job")
@never_cache
def workbook_job_download(request, pk):
    """The file an export job produced, to whoever may still read it (checked again now)."""
    job = _job(request, pk)
    if not job.file and job.finished and job.kind in (Kind.EXPORT_INPUT, Kind.EXPORT_RESULTS):
        raise Http404(_("文件已过保留期限被删除，请重新导出。"))
    if not job_kinds.may_download(request.user, job):
        raise PermissionDenied("exchange.download")
    try:
        handle = job_kinds.open_file(job.file)
    except FileNotFoundError:
        raise Http404(_("文件已过保留期限被删除，请重新导出。")) from None
    audit.record("exchange.download", actor=request.user, obj=job.assessment_year or job.organisation,
                 organisation_id=job.organisation_id, new={"job": job.pk, "kind": job.kind})
    response = FileResponse(handle, content_type=XLSX)
    return downloads.attach(response, job.file_name, (job.report or {}).get("file_name_en") or f"job-{job.pk}.xlsx")
