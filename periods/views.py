"""Objections (异议) and the office's holiday table. Views are thin: services do the work."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appraisal import access, workdays
from appraisal import services as core
from appraisal.errors import ApplicationError
from appraisal.models import OfficeCalendarDay, Period, PeriodState, Person
from appraisal.selectors import current_organisation
from tracelog.evidence import evidence_response

from . import services
from .forms import AcceptForm, CalendarDayForm, ObjectionForm, RejectForm
from .models import Objection


def _form_errors(form, error: ApplicationError) -> None:
    form.add_error(None, error.message)
    for field, message in error.details:
        form.add_error(field if field in form.fields else None, message)


@access.require("objection.read")
@never_cache
def objection_list(request):
    """The office's queue, a head's department, a civil servant's own objections and the periods
    in publicity the person may object to."""
    organisation = current_organisation(request.user)
    actor = access.actor_for(request.user)
    objections = (Objection.objects.filter(person__organisation=organisation)
                  .select_related("person__department", "period__assessment_year").order_by("state", "-created_at"))
    is_office = access.can(request.user, "office.manage", organisation)
    if not is_office:
        objections = objections.filter(person_id=actor.person_id) | objections.filter(
            person__department_id__in=actor.headed_department_ids)
    state = request.GET.get("state", "")
    if state in Objection.State.values:
        objections = objections.filter(state=state)
    publicity = []
    if actor.person_id and access.can(request.user, "staff.self"):
        publicity = list(Period.objects.filter(assessment_year__organisation=organisation,
                                               state=PeriodState.PUBLICITY)
                         .select_related("assessment_year").order_by("-assessment_year__year", "kind", "number"))
    return render(request, "periods/objection_list.html", {
        "objections": objections, "is_office": is_office, "publicity": publicity, "state": state,
        "states": Objection.State})


@access.require("staff.self")
@never_cache
def objection_create(request, period_pk):
    organisation = current_organisation(request.user)
    period = get_object_or_404(Period.objects.select_related("assessment_year"), pk=period_pk,
                               assessment_year__organisation=organisation)
    person = get_object_or_404(Person, pk=access.actor_for(request.user).person_id)
    figures = services.published_figures(period, person) if period.state == PeriodState.PUBLICITY else {}
    form = ObjectionForm(request.POST or None, request.FILES or None, figures=figures)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_file(
                user=request.user, period=period, figure=form.cleaned_data["figure"],
                reason=form.cleaned_data["reason"], evidence_text=form.cleaned_data["evidence_text"],
                upload=form.cleaned_data.get("evidence_file"))
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("异议已提交，考核办处理后会通知您。"))
            return redirect("periods:objection_detail", pk=objection.pk)
    return render(request, "periods/objection_form.html", {"period": period, "form": form, "figures": figures})


def _objection(request, pk) -> Objection:
    objection = get_object_or_404(Objection.objects.select_related("person__department", "period__assessment_year",
                                                                   "decided_by"), pk=pk)
    access.check(request.user, "objection.read", objection)
    return objection


@access.require("objection.read")
@never_cache
def objection_detail(request, pk):
    objection = _objection(request, pk)
    can_decide = (access.can(request.user, "office.manage", objection.period.assessment_year)
                  and objection.state == Objection.State.OPEN)
    inputs = services.inputs_of(objection) if can_decide else []
    accept = AcceptForm(request.POST if request.POST.get("decision") == "accept" else None, inputs=inputs,
                        prefix="accept")
    reject = RejectForm(request.POST if request.POST.get("decision") == "reject" else None, prefix="reject")
    if request.method == "POST":
        if not can_decide:
            raise Http404
        try:
            if request.POST.get("decision") == "accept" and accept.is_valid():
                services.objection_accept(user=request.user, objection=objection,
                                          input_key=accept.cleaned_data["input_key"],
                                          new_value=accept.cleaned_data["new_value"],
                                          answer=accept.cleaned_data["answer"])
                messages.success(request, _("异议已采纳，本周期成绩已重新计算并通知本人。"))
                return redirect("periods:objection_detail", pk=objection.pk)
            if request.POST.get("decision") == "reject" and reject.is_valid():
                services.objection_reject(user=request.user, objection=objection,
                                          answer=reject.cleaned_data["answer"])
                messages.success(request, _("已答复不采纳，并通知本人。"))
                return redirect("periods:objection_detail", pk=objection.pk)
        except ApplicationError as error:
            _form_errors(accept if request.POST.get("decision") == "accept" else reject, error)
    return render(request, "periods/objection_detail.html", {
        "objection": objection, "can_decide": can_decide, "inputs": inputs, "accept": accept, "reject": reject})


@access.require("objection.read")
def objection_evidence(request, pk):
    objection = _objection(request, pk)
    if not objection.evidence_file:
        raise Http404

    class Item:
        file = objection.evidence_file
        original_name = objection.evidence_name
        content_type = objection.evidence_content_type

    return evidence_response(Item)


@access.require("office.manage")
@never_cache
def calendar(request):
    """The office's holiday table for years the official calendar does not know yet."""
    organisation = current_organisation(request.user)
    access.check(request.user, "office.manage", organisation)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            core.calendar_day_save(user=request.user, organisation=organisation, day=form.cleaned_data["day"],
                                   is_workday=form.cleaned_data["is_workday"], name=form.cleaned_data["name"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("periods:calendar")
    this_year = timezone.localdate().year
    years = [{"year": y, "known": workdays.calendar_knows(y)} for y in range(this_year - 1, this_year + 3)]
    return render(request, "periods/calendar.html", {
        "form": form, "days": OfficeCalendarDay.objects.filter(organisation=organisation), "years": years})


@require_POST
@access.require("office.manage")
def calendar_delete(request, pk):
    organisation = current_organisation(request.user)
    entry = get_object_or_404(OfficeCalendarDay, pk=pk, organisation=organisation)
    core.calendar_day_delete(user=request.user, entry=entry)
    messages.success(request, _("已删除。"))
    return redirect("periods:calendar")


@access.require("office.manage")
@never_cache
def history(request):
    """Earlier years' grades, leave months and department standings, entered by the office (DOMAIN.md §8)."""
    from appraisal.models import AssessmentYear, Department, LeaveRecord
    from rewards.models import DepartmentHistory, GradeHistory

    from .forms import DepartmentHistoryForm, GradeHistoryForm, LeaveForm

    organisation = current_organisation(request.user)
    access.check(request.user, "office.manage", organisation)
    years = AssessmentYear.objects.filter(organisation=organisation).order_by("-year")
    departments = Department.objects.filter(organisation=organisation)
    which = request.POST.get("form", "")
    grade_form = GradeHistoryForm(request.POST if which == "grade" else None, prefix="grade")
    leave_form = LeaveForm(request.POST if which == "leave" else None, years=years, prefix="leave")
    department_form = DepartmentHistoryForm(request.POST if which == "department" else None,
                                            departments=departments, prefix="department")
    forms_by_name = {"grade": grade_form, "leave": leave_form, "department": department_form}
    form = forms_by_name.get(which)
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if which in ("grade", "leave"):
                person = Person.objects.filter(organisation=organisation, staff_id=data["staff_id"].strip()).first()
                if person is None:
                    form.add_error("staff_id", _("本单位没有工号为“%(id)s”的人员。") % {"id": data["staff_id"]})
                    raise _Invalid
                if which == "grade":
                    services.grade_history_set(user=request.user, person=person, year=data["year"],
                                               grade=data["grade"])
                else:
                    core.leave_set(user=request.user, assessment_year=data["assessment_year"], person=person,
                                   months=data["months"])
            else:
                services.department_history_set(user=request.user, department=data["department"], year=data["year"],
                                                overall_rank=data["overall_rank"], ranked=data["ranked"],
                                                annual_score=data["annual_score"])
        except _Invalid:
            pass
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("periods:history")
    return render(request, "periods/history.html", {
        "grade_form": grade_form, "leave_form": leave_form, "department_form": department_form,
        "grades": GradeHistory.objects.filter(person__organisation=organisation)
        .select_related("person__department").order_by("-year", "person__staff_id")[:300],
        "leaves": LeaveRecord.objects.filter(assessment_year__organisation=organisation, months__gt=0)
        .select_related("person", "assessment_year").order_by("-assessment_year__year", "person__staff_id")[:300],
        "standings": DepartmentHistory.objects.filter(department__organisation=organisation)
        .select_related("department").order_by("-year", "overall_rank")[:300]})


class _Invalid(Exception):
    pass
