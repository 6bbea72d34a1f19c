"""Assessment years, their scheme and the states of their periods (office)."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, period_guards, selectors, services
from ..errors import ApplicationError
from ..forms import PeriodTransitionForm, SchemeForm, YearCreateForm
from ..models import AssessmentYear, Period, PeriodState
from ..services import STATE_ORDER
from ..scheme import SCHEME_MONTH_LISTS


def _year_of_office(request, pk) -> AssessmentYear:
    organisation = selectors.current_organisation(request.user)
    return get_object_or_404(AssessmentYear, pk=pk, organisation=organisation)


@access.require("office.or_leader")
def year_list(request):
    organisation = selectors.current_organisation(request.user)
    form = YearCreateForm(request.POST or None)
    if request.method == "POST":
        access.check(request.user, "office.manage", organisation)
        if form.is_valid():
            try:
                year = services.year_open(user=request.user, organisation=organisation,
                                          year=form.cleaned_data["year"])
            except ApplicationError as error:
                form.add_error("year", error.message)
            else:
                messages.success(request, _("%(year)s 年度已建立。") % {"year": year.year})
                return redirect("year_detail", pk=year.pk)
    return render(request, "appraisal/year_list.html", {
        "organisation": organisation, "years": selectors.years_of(organisation), "form": form,
        "can_manage": access.can(request.user, "office.manage", organisation)})


@access.require("office.or_leader")
def year_detail(request, pk):
    year = _year_of_office(request, pk)
    periods = selectors.periods_of(year)
    rows = []
    for period in periods:
        index = STATE_ORDER.index(period.state)
        rows.append({
            "period": period,
            "next_state": STATE_ORDER[index + 1] if index + 1 < len(STATE_ORDER) else None,
            "earlier_states": STATE_ORDER[:index],
        })
    return render(request, "appraisal/year_detail.html", {
        "year": year, "rows": rows, "states": PeriodState,
        "can_manage": access.can(request.user, "office.manage", year)})


@access.require("office.manage")
def period_move(request, pk, to_state):
    """The checklist of a move (DOMAIN.md §8): every check with its unmet items; the move itself,
    or an override with a written reason when every unmet check allows one."""
    period = get_object_or_404(Period.objects.select_related("assessment_year"), pk=pk)
    year = _year_of_office(request, period.assessment_year_id)
    if to_state not in STATE_ORDER:
        raise Http404
    form = PeriodTransitionForm(request.POST or None, initial={"to_state": to_state})
    if request.method == "POST" and form.is_valid():
        try:
            services.period_transition(user=request.user, period=period, to_state=to_state,
                                       reason=form.cleaned_data["reason"], override=form.cleaned_data["override"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(label)s 已变为“%(state)s”。") % {
                "label": period.label, "state": PeriodState(to_state).label})
            return redirect("year_detail", pk=year.pk)
    forward = STATE_ORDER.index(to_state) == STATE_ORDER.index(period.state) + 1
    checklist = period_guards.checklist(period, to_state) if forward else None
    return render(request, "appraisal/period_move.html", {
        "year": year, "period": period, "to_state": to_state, "to_label": PeriodState(to_state).label,
        "forward": forward, "checklist": checklist, "form": form})


@require_POST
@access.require("office.manage")
def period_transition(request, pk):
    period = get_object_or_404(Period.objects.select_related("assessment_year"), pk=pk)
    _year_of_office(request, period.assessment_year_id)
    form = PeriodTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效。"))
    else:
        try:
            services.period_transition(user=request.user, period=period, to_state=form.cleaned_data["to_state"],
                                       reason=form.cleaned_data["reason"], override=form.cleaned_data["override"])
        except ApplicationError as error:
            messages.error(request, f"{period.label}：{error.message}")
        else:
            messages.success(request, _("%(label)s 已变为“%(state)s”。") % {
                "label": period.label, "state": PeriodState(form.cleaned_data["to_state"]).label})
    return redirect("year_detail", pk=period.assessment_year_id)


@access.require("office.or_leader")
def scheme_edit(request, pk):
    year = _year_of_office(request, pk)
    scheme = year.scheme
    can_manage = access.can(request.user, "office.manage", year)
    form = SchemeForm(request.POST or None, initial_values=scheme.as_decimals(),
                      initial_months={key: scheme.values[key] for key in SCHEME_MONTH_LISTS if key in scheme.values})
    if request.method == "POST":
        access.check(request.user, "office.manage", year)
        if form.is_valid():
            try:
                services.scheme_update(user=request.user, scheme=scheme, values=form.scheme_values(),
                                       reason=form.cleaned_data["reason"], months=form.scheme_months())
            except ApplicationError as error:
                form.add_error(None, error.message)
                for key, message in error.details:
                    form.add_error(key if key in form.fields else None, message)
            else:
                messages.success(request, _("考核方案已保存。"))
                return redirect("scheme_edit", pk=year.pk)
    return render(request, "appraisal/scheme_form.html", {"year": year, "form": form, "can_manage": can_manage})
