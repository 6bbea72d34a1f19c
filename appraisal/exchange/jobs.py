"""The year workbook as background jobs (issue 16), run by ``scoring.jobs`` like the pipeline:

- ``validate``: read and check an uploaded workbook (stored privately) with a progress bar of rows read
  and sheets checked; the report keeps every problem (sheet, row, column, message), or the preview of
  what an import would write. The dry run also asks what the import would ask: may the uploader import
  this organisation's data, and is the year still replaceable (no period in publicity or locked).
- ``import``: the confirmed import of a validated upload (no second upload): reads it again and writes
  it in one transaction, serialised per organisation-year (``appraisal.locks``: another import or
  publication of the year makes the job wait and retry, with the reason in Chinese).
- ``export_input``: the year's input workbook (``input_writer``), for the round trip.
The registration is in ``scoring.apps`` (the runner lives above this package).
"""
from __future__ import annotations

import os

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import ApplicationError, StateError
from appraisal.models import AssessmentYear, Organisation, Period, PeriodState
from scoring import job_kinds

from .importer import year_import
from .input_writer import write_year_input, year_input
from .reader import SHEET_SPECS, read_workbook

# what the preview counts, in the order shown: (label, YearInput field)
PREVIEW_COUNTS = (
    ("部门", "departments"), ("人员", "persons"), ("指标", "indicators"), ("责任比重", "weights"),
    ("月度指标得分", "monthly_scores"), ("民主测评", "peer_ratings"), ("工作量系数", "workload"),
    ("半年指标得分", "half_scores"), ("满意度测评", "satisfaction"), ("共同类得分", "common_scores"),
    ("历史等次", "history"), ("班子成员", "leadership_members"), ("班子测评", "leadership_ratings"),
)


def _upload_path(job) -> str:
    if not job.file:
        raise ApplicationError(_("上传的工作簿已过保留期限被删除，请重新上传。"))
    path = job_kinds.path_of(job.file)
    if not os.path.exists(path):
        raise ApplicationError(_("上传的工作簿已过保留期限被删除，请重新上传。"))
    return path


def _read(job, progress, low: int, high: int):
    """Read the job's workbook, reporting rows read and sheets checked between ``low`` and ``high`` %."""
    last = [(-1, -1)]

    def report(rows: int, declared: int, sheets: int, total_sheets: int) -> None:
        done = max(sheets / total_sheets, min(rows / declared, 1.0) if declared else 0.0)
        percent = low + int((high - low) * done)
        if (percent, sheets) == last[0] and rows % 65536:
            return  # nothing new to show: spare the database
        last[0] = (percent, sheets)
        progress(percent, _("已读取 %(rows)s 行，已检查 %(sheets)s / %(total)s 张表") % {
            "rows": f"{rows:,}", "sheets": sheets, "total": total_sheets})

    return read_workbook(_upload_path(job), progress=report)


def refusal(data, user) -> str | None:
    """Why the import of ``data`` by ``user`` would be refused, or None: the checks the import itself
    makes before writing (appraisal.exchange.importer), made in the dry run too."""
    organisation = Organisation.objects.filter(code=data.org_code).first()
    if user is not None and not access.can(user, "office.manage", organisation or Organisation(code=data.org_code)):
        return _("您没有导入该单位数据的权限。")
    year = AssessmentYear.objects.filter(organisation=organisation, year=data.year).first() if organisation else None
    if year is not None:
        published = list(Period.objects.filter(assessment_year=year, state__in=(PeriodState.PUBLICITY,
                                                                                 PeriodState.LOCKED))
                         .order_by("kind", "number"))
        if published:
            return _("%(year)s 年度已有公示或锁定的考核周期（%(periods)s），不能导入替换。") % {
                "year": data.year, "periods": "、".join(p.label for p in published[:5])}
    return None


def preview(data) -> dict:
    organisation = Organisation.objects.filter(code=data.org_code).first()
    replaces = organisation is not None and AssessmentYear.objects.filter(organisation=organisation,
                                                                          year=data.year).exists()
    return {"org_code": data.org_code, "org_name": data.org_name, "year": data.year, "replaces": replaces,
            "counts": [[label, len(getattr(data, field))] for label, field in PREVIEW_COUNTS
                       if getattr(data, field) or field in ("departments", "persons", "indicators")]}


def run_validate(job, *, progress, complete) -> None:
    result = _read(job, progress, 0, 95)
    if result.errors:
        errors = [[e.sheet, e.row, e.column, e.message] for e in result.errors]
        complete(_("发现 %(n)s 处问题，未导入任何数据。") % {"n": len(errors)},
                 report={"errors": errors, "total": len(errors)})
        return
    data = result.data
    progress(97, _("检查导入权限"))
    refused = refusal(data, job.requested_by)
    report = {"preview": preview(data), "errors": [], "total": 0}
    if refused:
        report.update(errors=[["", None, None, refused]], total=1, refused=True)
        line = refused
    else:
        line = _("校验通过：%(org)s %(year)s 年度，可以导入。") % {"org": data.org_code, "year": data.year}
    complete(line, report=report, org_code=data.org_code, year=data.year)


def run_import(job, *, progress, complete) -> None:
    result = _read(job, progress, 0, 50)
    if result.errors:
        raise StateError(_("工作簿校验未通过（发现 %(n)s 处问题），未导入任何数据。") % {"n": len(result.errors)})
    progress(55, _("写入数据库"))
    with transaction.atomic():
        summary = year_import(data=result.data, user=job.requested_by)
        complete(summary.line(), assessment_year=summary.assessment_year, organisation=summary.organisation,
                 report={"summary": summary.line(), "year_id": summary.assessment_year.pk})
    job_kinds.release_file(job)  # imported: the upload has served its purpose


def run_export_input(job, *, progress, complete) -> None:
    year = job.assessment_year
    progress(5, _("读取年度数据"))
    data = year_input(year)
    name = job_kinds.new_file_name(job.kind)
    path = job_kinds.path_of(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    def sheet_written(index: int, sheet: str) -> None:
        progress(20 + 75 * index // len(SHEET_SPECS), _("写入工作表“%(sheet)s”") % {"sheet": sheet})

    try:
        counts = write_year_input(data, path, progress=sheet_written)
        with transaction.atomic():
            audit.record("year.export_input", actor=job.requested_by, obj=year, organisation_id=year.organisation_id,
                         new={"job": job.pk, "rows": sum(counts.values())})
            complete(_("年度工作簿已生成：%(n)s 张工作表，%(rows)s 行数据。") % {
                "n": len(counts), "rows": f"{sum(counts.values()):,}"},
                file=name, file_name=f"{year.organisation.name}_{year.year}年度工作簿.xlsx",
                report={"file_name_en": f"{year.organisation.code}-{year.year}-year-workbook.xlsx"},
                expires_at=job_kinds.expiry())
    except BaseException:
        job_kinds.delete_file(name)
        raise


def may_download_input(user, job) -> bool:
    return job.assessment_year is not None and access.can(user, "office.manage", job.assessment_year)
