"""Pre-appraisal warning pages: the office runs a warning month, reviews and issues; the head answers
with a rectification plan; the office follows up and closes; leaders read. Thin views over
``rewards.prewarnings``."""
import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appraisal import access
from appraisal.errors import ApplicationError
from appraisal.selectors import current_organisation

from . import prewarnings
from .models import PreWarning, WarningState
from .views import _pick_year, _years


def _visible(request, year):
    """The warnings this user may read in the year: all for office and leaders, else the own departments'."""
    rows = PreWarning.objects.filter(assessment_year=year).select_related("indicator", "department")
    if access.can(request.user, "office.or_leader", year):
        return rows
    return rows.filter(department_id__in=access.actor_for(request.user).headed_department_ids).exclude(
        state__in=(WarningState.DRAFT, WarningState.DISMISSED))


def _date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


@access.require("warning.read")
@never_cache
def warnings(request):
    years = _years(request)
    year = _pick_year(request, years)
    context = {"years": years, "year": year, "today": timezone.localdate()}
    if year is not None:
        is_office = access.can(request.user, "office.manage", year)
        settings = prewarnings.settings_of(year)
        rows = list(_visible(request, year))
        for w in rows:
            w.overdue = w.overdue_on(context["today"])
        state = request.GET.get("state", "")
        month = request.GET.get("month", "")
        shown = [w for w in rows if (not state or w.state == state or (state == "overdue" and w.overdue))
                 and (not month or str(w.month) == month)]
        context.update({
            "is_office": is_office, "settings": settings, "rows": shown, "counts": prewarnings.counts(rows),
            "state": state, "month": month, "states": WarningState.choices,
            "drafts": [w for w in shown if w.state == WarningState.DRAFT],
            "default_due": (context["today"] + datetime.timedelta(days=prewarnings.ANSWER_DAYS)).isoformat()})
    return render(request, "rewards/warnings.html", context)


def _year_of(request, pk):
    from appraisal.models import AssessmentYear

    return get_object_or_404(AssessmentYear, pk=pk, organisation=current_organisation(request.user))


def _back(year, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return f"{reverse('results:warnings')}?year={year.pk}" + (f"&{query}" if query else "")


@require_POST
@access.require("office.manage")
def warnings_run(request, year_pk):
    year = _year_of(request, year_pk)
    try:
        month = int(request.POST.get("month", ""))
        report = prewarnings.warnings_run(user=request.user, assessment_year=year, month=month)
    except ValueError:
        messages.error(request, _("请选择预考核月份。"))
        return redirect(_back(year))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_back(year))
    messages.success(request, _("%(month)s 月预考核完成：新生成 %(new)s 条、更新 %(refreshed)s 条待签发预警，"
                                "已下发的 %(kept)s 条不变。请审核后下发。") % {
        "month": month, "new": report.created, "refreshed": report.refreshed, "kept": report.kept})
    return redirect(_back(year, month=month, state=WarningState.DRAFT))


@require_POST
@access.require("office.manage")
def warnings_issue(request, year_pk):
    year = _year_of(request, year_pk)
    ids = [int(x) for x in request.POST.getlist("warning") if x.isdigit()]
    rows = list(PreWarning.objects.filter(assessment_year=year, pk__in=ids).select_related("assessment_year"))
    due_raw = request.POST.get("answer_due", "")
    due = _date(due_raw)
    if due_raw and due is None:
        messages.error(request, _("反馈期限的日期格式不正确（应为 年-月-日）。"))
        return redirect(_back(year, state=WarningState.DRAFT))
    try:
        count = prewarnings.issue(user=request.user, warnings=rows, answer_due=due,
                                  note=request.POST.get("note", "").strip())
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_back(year, state=WarningState.DRAFT))
    messages.success(request, _("已下发 %(n)s 条预警，已通知各部门负责人。") % {"n": count})
    return redirect(_back(year, state=WarningState.ISSUED))


def _warning(request, pk) -> PreWarning:
    warning = get_object_or_404(PreWarning.objects.select_related("indicator", "department__head",
                                                                  "assessment_year__organisation"),
                                pk=pk, assessment_year__organisation=current_organisation(request.user))
    access.check(request.user, "warning.read", warning)
    if warning.state in (WarningState.DRAFT, WarningState.DISMISSED) and not access.can(
            request.user, "office.or_leader", warning.assessment_year):
        raise Http404("warning")
    return warning


def _detail(request, w, *, errors=None, form=None, status=200):
    today = timezone.localdate()
    return render(request, "rewards/warning.html", {
        "w": w, "today": today, "overdue": w.overdue_on(today),
        "is_office": access.can(request.user, "office.manage", w.assessment_year),
        "can_answer": w.state == WarningState.ISSUED and access.can(request.user, "warning.answer", w),
        "errors": errors or {}, "form": form or {}}, status=status)


@access.require("warning.read")
@never_cache
def warning(request, pk):
    return _detail(request, _warning(request, pk))


def _failed(request, w, error, form):
    messages.error(request, error.message)
    return _detail(request, w, errors=dict(error.details), form=form, status=400)


@require_POST
@access.require("warning.answer")
def warning_answer(request, pk):
    w = _warning(request, pk)
    form = {"rectification": request.POST.get("rectification", ""), "rectify_by": request.POST.get("rectify_by", "")}
    try:
        date = _date(form["rectify_by"])
        if form["rectify_by"].strip() and date is None:
            raise ApplicationError(_("整改反馈有误，未保存。"),
                                   details=[("rectify_by", _("日期格式不正确（应为 年-月-日）。"))])
        prewarnings.answer(user=request.user, warning=w, rectification=form["rectification"], rectify_by=date)
    except ApplicationError as error:
        return _failed(request, w, error, form)
    messages.success(request, _("整改措施已提交，考核办将进行回头看。"))
    return redirect("results:warning", pk=w.pk)


@require_POST
@access.require("office.manage")
def warning_follow_up(request, pk):
    w = _warning(request, pk)
    form = {"follow_up": request.POST.get("follow_up", "")}
    try:
        prewarnings.follow_up(user=request.user, warning=w, text=form["follow_up"],
                              close=request.POST.get("action") != "reopen")
    except ApplicationError as error:
        return _failed(request, w, error, form)
    messages.success(request, _("回头看情况已记录。"))
    return redirect("results:warning", pk=w.pk)


@require_POST
@access.require("office.manage")
def warning_dismiss(request, pk):
    w = _warning(request, pk)
    form = {"reason": request.POST.get("reason", "")}
    try:
        prewarnings.dismiss(user=request.user, warning=w, reason=form["reason"])
    except ApplicationError as error:
        return _failed(request, w, error, form)
    messages.success(request, _("已不予签发。"))
    return redirect(_back(w.assessment_year, state=WarningState.DRAFT))
