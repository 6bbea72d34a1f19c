"""The year workbook in the browser for the office: empty template, upload with a validation
report, import (all-or-nothing, replacing the year)."""
import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import access, downloads
from ..errors import ApplicationError
from ..exchange.importer import year_import
from ..exchange.reader import read_workbook, write_template
from ..forms import SpreadsheetUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A report lists at most this many problems (a broken 300k-row workbook must not become a
# 13 MB page); the total is still given.
MAX_LISTED_ERRORS = 200


@access.require("office.manage")
def workbook_template(request):
    buffer = io.BytesIO()
    write_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    return downloads.attach(response, "年度工作簿模板.xlsx", "year-workbook-template.xlsx")


@access.require("office.manage")
def workbook_import(request):
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors, summary, preview, total_errors = None, None, None, 0
    if request.method == "POST" and form.is_valid():
        result = read_workbook(io.BytesIO(form.cleaned_data["file"].read()))
        if result.errors:
            errors = [str(error) for error in result.errors[:MAX_LISTED_ERRORS]]
            total_errors = len(result.errors)
        elif request.POST.get("dry_run") == "1":
            data = result.data
            preview = {"org": f"{data.org_name}（{data.org_code}）", "year": data.year,
                       "departments": len(data.departments), "persons": len(data.persons),
                       "indicators": len(data.indicators)}
        else:
            try:
                summary = year_import(data=result.data, user=request.user)
            except ApplicationError as error:
                errors, total_errors = [error.message], 1
            else:
                messages.success(request, summary.line())
                return redirect("year_detail", pk=summary.assessment_year.pk)
    return render(request, "appraisal/workbook_import.html", {"form": form, "errors": errors, "preview": preview,
                                                             "total_errors": total_errors})
