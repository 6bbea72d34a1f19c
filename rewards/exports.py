"""The results workbook as a background job (issue 16): ``write_results`` of a 10,000-person year takes
longer than a web request may, so the page queues an ``export_results`` job (``scoring.job_kinds``),
shows its progress, and offers the file, kept privately, for download when it is ready."""
from __future__ import annotations

import io
import os

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import access, audit

from . import selectors


def may_export_results(user, assessment_year) -> bool:
    """The office; a leader once the year is in publicity (a year's grades and rewards are the
    office's until then, DOMAIN.md §8)."""
    if not access.can(user, "office.or_leader", assessment_year):
        return False
    return (access.can(user, "office.manage", assessment_year)
            or selectors.visibility(assessment_year, all_periods=False).year)


def may_download_results(user, job) -> bool:
    return job.assessment_year is not None and may_export_results(user, job.assessment_year)


def run_results_export(job, *, progress, complete) -> None:
    from appraisal.exchange.writer import write_results
    from scoring import job_kinds
    from scoring.results import stored_results

    from .history import notes_sheet

    year = job.assessment_year
    name = job_kinds.new_file_name(job.kind)
    path = job_kinds.path_of(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with transaction.atomic():
            progress(5, _("读取成绩"))
            results = stored_results(year)
            progress(30, _("写入成绩工作簿"))
            buffer = io.BytesIO()
            write_results(results, buffer, extra=notes_sheet(year))
            with open(path, "wb") as out:
                out.write(buffer.getbuffer())
            audit.record("results.export", actor=job.requested_by, obj=year, organisation_id=year.organisation_id,
                         new={"job": job.pk})
            complete(_("成绩工作簿已生成：%(n)s 人的年度成绩。") % {"n": len(results.annual)},
                     file=name, file_name=f"{year.organisation.name}_{year.year}年度考核成绩.xlsx",
                     report={"file_name_en": f"{year.organisation.code}-{year.year}-results.xlsx"},
                     expires_at=job_kinds.expiry())
    except BaseException:
        job_kinds.delete_file(name)
        raise
