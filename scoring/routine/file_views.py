"""Pages of the year-end 述职 (everyone's report; the readers' list and the office's round) and of the
development file (绩效档案与成长导航) with its development plan, printable."""
from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from appraisal import access
from appraisal.errors import ApplicationError, ValidationFailed
from appraisal.fields import posted_id
from appraisal.models import AssessmentYear, Person

from . import reports
from .devfile import development_file
from .models import DevelopmentPlan, YearReport
from .rules import REPORT_GRADES
from .views import _error, _page


def _years(organisation_id):
    return list(AssessmentYear.objects.filter(organisation_id=organisation_id).select_related("report_round")
                .order_by("-year"))


def _pick(request, years):
    wanted = request.GET.get("year", "")
    with_round = [y for y in years if hasattr(y, "report_round")]
    return next((y for y in years if str(y.pk) == wanted), (with_round or years or [None])[0])


@access.require("staff.self")
@never_cache
def report(request):
    actor = access.actor_for(request.user)
    years = _years(actor.organisation_id)
    year = _pick(request, years)
    status = 200
    if request.method == "POST" and year is not None:
        try:
            reports.report_save(user=request.user, assessment_year=year, text=request.POST.get("text", ""),
                                self_grade=request.POST.get("self_grade", ""))
        except ApplicationError as error:
            _error(request, error)
            status = 400
        else:
            messages.success(request, _("述职报告已保存。"))
            return redirect(f"{reverse('scoring:routine_report')}?year={year.pk}")
    mine = YearReport.objects.filter(assessment_year=year, person_id=actor.person_id).first() if year else None
    round_ = getattr(year, "report_round", None) if year else None
    return _page(request, "scoring/routine/report.html", {
        "years": years, "year": year, "round": round_, "report": mine, "grades": REPORT_GRADES,
        "open": round_ is not None and timezone.now() <= round_.deadline,
        "posted": request.POST if status == 400 else None}, tab="routine_report", status=status)


@access.require("department.results")
@never_cache
def report_list(request):
    actor = access.actor_for(request.user)
    years = _years(actor.organisation_id)
    year = _pick(request, years)
    if request.method == "POST" and year is not None:
        access.check(request.user, "office.manage", year)
        try:
            raw = request.POST.get("deadline", "")
            try:
                deadline = timezone.make_aware(datetime.fromisoformat(raw)) if raw else None
            except ValueError:
                raise ValidationFailed(_("截止时间格式有误。"), details=[("deadline", _("应为 年-月-日 时:分"))]) from None
            reports.round_open(user=request.user, assessment_year=year, deadline=deadline)
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, _("述职已开启，已通知全体人员。"))
            return redirect(f"{reverse('scoring:routine_reports')}?year={year.pk}")
    rows = YearReport.objects.none()
    if year is not None:
        rows = YearReport.objects.filter(assessment_year=year).select_related("person__department")
        if not access.can(request.user, "office.or_leader", year):
            rows = rows.filter(person__department_id__in=actor.headed_department_ids)
        rows = rows.order_by("person__department__sort_order", "person__staff_id")
    return _page(request, "scoring/routine/reports.html", {
        "years": years, "year": year, "round": getattr(year, "report_round", None) if year else None,
        "rows": list(rows), "office": year is not None and access.can(request.user, "office.manage", year)},
        tab="routine_reports")


@access.require("staff.self")
def file_self(request):
    return redirect("scoring:routine_file", pk=access.actor_for(request.user).person_id)


@access.require("person.read")
@never_cache
def file(request, pk):
    person = get_object_or_404(Person.objects.select_related("department__head", "organisation"), pk=pk)
    access.check(request.user, "person.read", person)
    if request.method == "POST":
        year = get_object_or_404(AssessmentYear, pk=posted_id(request.POST.get("year")), organisation_id=person.organisation_id)
        try:
            if request.POST.get("action") == "agree":
                plan = get_object_or_404(DevelopmentPlan, person=person, assessment_year=year)
                reports.plan_agree(user=request.user, plan=plan)
            else:
                reports.plan_save(user=request.user, person=person, assessment_year=year,
                                  goals=request.POST.get("goals", ""), training=request.POST.get("training", ""))
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, _("发展计划已保存。"))
            return redirect("scoring:routine_file", pk=person.pk)
    context = development_file(person, everything=access.can(request.user, "office.manage", person))
    context["plan_side"] = reports.side_of(request.user, person)
    context["plan_years"] = _years(person.organisation_id)[:2]
    context["now"] = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return _page(request, "scoring/routine/file.html", context, tab="")



