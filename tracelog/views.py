"""Trace-log pages: my trace log, filing and revising, the department's entries with review,
missing filings, statistics, deadline settings and notifications. Views stay thin: parse, call
one service or selector, render or redirect."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import access, audit, downloads
from appraisal.errors import ApplicationError
from appraisal.models import Department, Person
from appraisal.selectors import current_organisation

from . import deadlines, export, labels, reminders, selectors, services
from .evidence import evidence_response
from .forms import (
    DeadlineSettingsForm, EntryFilterForm, EntryForm, EvidenceUploadForm, MonthDepartmentForm, ReturnForm, ReviewForm,
)
from .models import EntryStatus, Evidence, Notification, TraceEntry


def _own_person(request) -> Person:
    actor = access.actor_for(request.user)
    return get_object_or_404(Person.objects.select_related("department", "organisation"), pk=actor.person_id)


def _entry(pk: int, rule: str, request) -> TraceEntry:
    try:
        entry = selectors.entry_detail(pk)
    except TraceEntry.DoesNotExist:
        raise Http404 from None
    access.check(request.user, rule, entry)
    return entry


def _readable_departments(user, organisation) -> list[Department]:
    queryset = Department.objects.filter(organisation=organisation).order_by("sort_order", "code")
    if access.can(user, "office.or_leader", organisation):
        return list(queryset)
    actor = access.actor_for(user)
    return list(queryset.filter(pk__in={*actor.headed_department_ids, actor.department_id}))


def _supervised_departments(user, organisation) -> list[Department]:
    """Departments whose statistics and missing filings the user sees: all for the office, the
    headed ones for a head."""
    queryset = Department.objects.filter(organisation=organisation).order_by("sort_order", "code")
    if access.can(user, "office.manage", organisation):
        return list(queryset)
    return list(queryset.filter(pk__in=access.actor_for(user).headed_department_ids))


# ---------------------------------------------------------------- my trace log and filing

@access.require("tracelog.entry.write")
def mine(request):
    person = _own_person(request)
    now = timezone.now()
    dashboard = selectors.own_dashboard(person, now, selectors.deadline_rules(person.organisation_id))
    page = Paginator(selectors.own_entries(person.pk), 30).get_page(request.GET.get("page"))
    return render(request, "tracelog/mine.html", {"person": person, "page": page, "now": now, **dashboard})


@access.require("tracelog.entry.write")
def entry_new(request):
    person = _own_person(request)
    now = timezone.now()
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind") if data.get("kind") in deadlines.KINDS else deadlines.WEEKLY_PLAN
    keys = deadlines.fileable_keys(kind, now)
    period = data.get("period") if data.get("period") in keys else deadlines.current_key(kind, now)
    existing = TraceEntry.objects.filter(person=person, kind=kind, period_key=period).first()
    if existing is not None and request.method == "GET":
        messages.info(request, _("%(title)s 已经填写过，已为您打开。") % {"title": labels.slot_title(kind, period)})
        return redirect("tracelog:entry_detail", pk=existing.pk)
    form = EntryForm(request.POST or None, request.FILES or None, kind=kind, now=now, creating=True,
                     indicator_choices=selectors.indicator_choices(person, deadlines.belongs_to(kind, period)[0]),
                     initial={"period": period})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.entry_save(
                user=request.user, kind=kind, period_key=data["period"], content=data["content"],
                indicator_codes=data.get("indicators", []), attachments=data.get("file") or [],
                submit=request.POST.get("action") == "submit", now=now)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _saved_message(entry))
            return redirect("tracelog:entry_detail", pk=entry.pk)
    return render(request, "tracelog/entry_form.html", {
        "form": form, "kind": kind, "period": period, "creating": True, "person": person,
        "due_at": deadlines.due_at(kind, period, selectors.deadline_rules(person.organisation_id)),
        "kinds": deadlines.KINDS})


def _saved_message(entry: TraceEntry) -> str:
    title = labels.slot_title(entry.kind, entry.period_key)
    if entry.status == EntryStatus.DRAFT:
        return _("%(title)s 已保存为草稿，提交后才计入报送。") % {"title": title}
    if entry.status == EntryStatus.RETURNED:
        return _("%(title)s 已保存，修改完成后请重新提交。") % {"title": title}
    if entry.resubmissions:
        return _("%(title)s 已修改并重新提交，等待部门负责人批阅。") % {"title": title}
    late = labels.lateness_label(entry.lateness)
    return (_("%(title)s 已提交（%(late)s）。") % {"title": title, "late": late} if late
            else _("%(title)s 已按时提交。") % {"title": title})


@access.require("tracelog.entry.write")
def entry_edit(request, pk):
    entry = _entry(pk, "tracelog.entry.write", request)
    if not entry.is_editable_status:
        messages.warning(request, _("该纪实已提交，不能修改；如需修改，请部门负责人退回。"))
        return redirect("tracelog:entry_detail", pk=entry.pk)
    form = EntryForm(request.POST or None, request.FILES or None, kind=entry.kind, now=timezone.now(), creating=False,
                     indicator_choices=selectors.indicator_choices(entry.person, entry.period_year),
                     initial={"content": entry.content,
                              "indicators": [link.indicator_code for link in entry.indicator_links.all()]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.entry_save(
                user=request.user, entry=entry, content=data["content"],
                indicator_codes=data.get("indicators", []) if "indicators" in form.fields else None,
                attachments=data.get("file") or [], submit=request.POST.get("action") == "submit")
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _saved_message(entry))
            return redirect("tracelog:entry_detail", pk=entry.pk)
    return render(request, "tracelog/entry_form.html", {
        "form": form, "entry": entry, "kind": entry.kind, "period": entry.period_key, "creating": False,
        "person": entry.person, "due_at": entry.due_at})


@access.require("tracelog.entry.read")
def entry_detail(request, pk):
    entry = _entry(pk, "tracelog.entry.read", request)
    locked = selectors.month_is_locked(entry.organisation_id, entry.period_year, entry.period_month)
    author = access.can(request.user, "tracelog.entry.write", entry)
    can_write = not locked and entry.is_editable_status and author
    can_attach = not locked and author  # supplementary evidence after submission (audited)
    can_review = (not locked and entry.status in (EntryStatus.SUBMITTED, EntryStatus.REVIEWED)
                  and access.can(request.user, "tracelog.entry.review", entry))
    following = services.next_to_review(request.user, after=entry) if access.can(
        request.user, "tracelog.entry.review") else None
    return render(request, "tracelog/entry_detail.html", {
        "next_entry": following, "entry": entry, "locked": locked, "can_write": can_write, "can_attach": can_attach, "can_review": can_review,
        "review_form": ReviewForm(), "return_form": ReturnForm(), "upload_form": EvidenceUploadForm()})


def _run(request, entry_pk: int, action, success: str):
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
        if request.POST.get("then") == "next":  # 批阅并转到下一条
            following = services.next_to_review(request.user)
            if following is not None:
                return redirect("tracelog:entry_detail", pk=following.pk)
            messages.info(request, _("没有其他待批阅的纪实了。"))
    return redirect("tracelog:entry_detail", pk=entry_pk)


@require_POST
@access.require("tracelog.entry.write")
def entry_submit(request, pk):
    entry = _entry(pk, "tracelog.entry.write", request)
    try:
        entry = services.entry_submit(user=request.user, entry=entry)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _saved_message(entry))
    return redirect("tracelog:entry_detail", pk=entry.pk)


@require_POST
@access.require("tracelog.entry.review")
def entry_review(request, pk):
    entry = _entry(pk, "tracelog.entry.review", request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写批阅意见。"))
        return redirect("tracelog:entry_detail", pk=entry.pk)
    return _run(request, entry.pk, lambda: services.entry_review_comment(
        user=request.user, entry=entry, text=form.cleaned_data["text"]), _("批阅意见已保存。"))


@require_POST
@access.require("tracelog.entry.review")
def entry_return(request, pk):
    entry = _entry(pk, "tracelog.entry.review", request)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("退回修改必须填写原因（至少 4 个字）。"))
        return redirect("tracelog:entry_detail", pk=entry.pk)
    return _run(request, entry.pk, lambda: services.entry_return(
        user=request.user, entry=entry, reason=form.cleaned_data["reason"]), _("已退回修改，并通知填报人。"))


@require_POST
@access.require("tracelog.entry.review")
def entry_review_batch(request):
    """批量批阅: the head ticks submitted entries on the department list and comments them at once."""
    form = ReviewForm(request.POST)
    back = request.POST.get("back", "")
    # back to the list the head came from: a path of this site only (never a URL name to resolve)
    back = back if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}) else reverse("tracelog:entry_list")
    if not form.is_valid():
        messages.error(request, _("请填写批阅意见。"))
        return HttpResponseRedirect(back)
    ids = [int(pk) for pk in request.POST.getlist("entries") if pk.isdigit()]
    entries = list(TraceEntry.objects.filter(pk__in=ids).order_by("pk"))
    for entry in entries:
        access.check(request.user, "tracelog.entry.review", entry)
    try:
        count = services.entry_review_many(user=request.user, entries=entries, text=form.cleaned_data["text"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已批阅 %(n)d 条纪实。") % {"n": count})
    return HttpResponseRedirect(back)


# ---------------------------------------------------------------- evidence

@require_POST
@access.require("tracelog.entry.write")
def evidence_upload(request, pk):
    entry = _entry(pk, "tracelog.entry.write", request)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("tracelog:entry_detail", pk=entry.pk)
    files = form.cleaned_data["file"]
    return _run(request, entry.pk, lambda: services.evidence_attach_many(user=request.user, entry=entry, uploads=files),
                _("证据材料已上传（%(n)d 个）。") % {"n": len(files)})


@access.require("tracelog.entry.read")
def evidence_download(request, pk):
    item = get_object_or_404(Evidence.objects.select_related("entry"), pk=pk)
    access.check(request.user, "tracelog.entry.read", item.entry)
    return evidence_response(item)


@require_POST
@access.require("tracelog.entry.write")
def evidence_delete(request, pk):
    item = get_object_or_404(Evidence.objects.select_related("entry"), pk=pk)
    access.check(request.user, "tracelog.entry.write", item.entry)
    return _run(request, item.entry_id, lambda: services.evidence_delete(user=request.user, evidence=item),
                _("证据材料“%(name)s”已删除。") % {"name": item.original_name})


# ---------------------------------------------------------------- the department's entries

@access.require("tracelog.entry.read")
def entry_list(request):
    organisation = current_organisation(request.user)
    departments = _readable_departments(request.user, organisation)
    people = selectors.filers(organisation, departments)
    actor = access.actor_for(request.user)
    data = request.GET.copy()
    if "month" not in data:
        data["month"] = timezone.localdate().strftime("%Y-%m")
    if "department" not in data and len(departments) > 1 and actor.department_id:
        data["department"] = str(actor.department_id)
    form = EntryFilterForm(data, departments=departments, people=people, today=timezone.localdate())
    filters = form.cleaned_data if form.is_valid() else {}
    month = filters.get("month")
    entries = selectors.entry_list(request.user, organisation, selectors.EntryFilters(
        department_id=filters.get("department"), person_id=filters.get("person"),
        year=month[0] if month else None, month=month[1] if month else None, kind=filters.get("kind") or "",
        status=filters.get("status") or "", late_only=bool(filters.get("late")), text=filters.get("q") or ""))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "tracelog/entry_list.html", {
        "organisation": organisation, "form": form, "page": page, "month": month,
        # rows link with this prefix (an entry's page is <prefix><pk>/): no URL reversed per row
        "entries_base": reverse("tracelog:entry_detail", kwargs={"pk": 0}).removesuffix("0/"),
        "can_supervise": access.can(request.user, "tracelog.statistics"),
        "can_batch": access.can(request.user, "tracelog.entry.review"), "batch_form": ReviewForm(),
        "can_manage": access.can(request.user, "office.manage", organisation)})


# ---------------------------------------------------------------- missing filings and statistics

def _month_department_form(request, departments, *, all_label):
    form = MonthDepartmentForm(request.GET or None, departments=departments, all_label=all_label,
                               today=timezone.localdate())
    cleaned = form.cleaned_data if form.is_valid() else {}
    department_id = cleaned.get("department")
    chosen = [d for d in departments if d.pk == department_id] if department_id else departments
    if not all_label and not department_id:
        chosen = departments[:1]
    return form, cleaned, chosen


@access.require("tracelog.statistics")
def missing(request):
    organisation = current_organisation(request.user)
    departments = _supervised_departments(request.user, organisation)
    is_office = access.can(request.user, "office.manage", organisation)
    form, cleaned, chosen = _month_department_form(request, departments, all_label=_("全部部门") if is_office else None)
    today = timezone.localdate()
    year, month = cleaned.get("month") or (today.year, today.month)
    now = timezone.now()
    rows = selectors.missing_for(organisation, chosen, year, month, now) if chosen else []
    late = (selectors.entry_list(request.user, organisation, selectors.EntryFilters(year=year, month=month,
                                                                                    late_only=True))
            .filter(department__in=chosen))
    return render(request, "tracelog/missing.html", {
        "form": form, "rows": rows, "late_entries": late, "year": year, "month": month, "departments": chosen,
        "can_manage": is_office})


def _statistics(request):
    organisation = current_organisation(request.user)
    departments = _supervised_departments(request.user, organisation)
    is_office = access.can(request.user, "office.manage", organisation)
    form, cleaned, chosen = _month_department_form(request, departments, all_label=_("全部部门") if is_office else None)
    year = cleaned.get("year") or timezone.localdate().year
    stats = selectors.filing_statistics(organisation, chosen, year, timezone.now())
    return organisation, form, stats, is_office


@access.require("tracelog.statistics")
def statistics(request):
    organisation, form, stats, is_office = _statistics(request)
    return render(request, "tracelog/statistics.html", {
        "organisation": organisation, "form": form, "stats": stats, "can_manage": is_office,
        "query": request.GET.urlencode()})


@access.require("tracelog.statistics")
def statistics_export(request):
    organisation, form, stats, is_office = _statistics(request)
    content = export.statistics_workbook(stats)
    audit.record("tracelog.statistics.export", object_type="tracelog.TraceEntry", organisation_id=organisation.pk,
                 object_repr=f"{organisation.name} {stats.year}年纪实统计",
                 new={"year": stats.year, "departments": len(stats.departments), "people": len(stats.people)})
    response = HttpResponse(content, content_type=export.XLSX_CONTENT_TYPE)
    day = f"{timezone.localdate():%Y%m%d}"
    return downloads.attach(response, f"{organisation.name}_{stats.year}年纪实统计_{day}.xlsx",
                            f"{organisation.code}-tracelog-{stats.year}-{day}.xlsx")


# ---------------------------------------------------------------- settings and notifications

@access.require("office.manage")
def deadline_settings(request):
    organisation = current_organisation(request.user)
    access.check(request.user, "office.manage", organisation)
    current = selectors.deadline_settings(organisation)
    rules = current.rules  # the saved rules: an invalid form may have set values on the instance
    form = DeadlineSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in DeadlineSettingsForm.Meta.fields}
        try:
            services.deadline_settings_update(user=request.user, organisation=organisation, values=values,
                                              reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("纪实时限设置已保存。已提交的纪实保留提交时的截止时间。"))
            return redirect("tracelog:deadline_settings")
    now = timezone.now()
    examples = [deadlines.slot(kind, deadlines.current_key(kind, now), rules) for kind in deadlines.KINDS]
    return render(request, "tracelog/deadline_settings.html", {
        "form": form, "organisation": organisation, "examples": examples})


@access.require("authenticated")
def notifications(request):
    page = Paginator(selectors.notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "tracelog/notifications.html", {"page": page})


@require_POST
@access.require("authenticated")
def notifications_read(request):
    pk = request.POST.get("pk")
    if pk and pk.isdigit():
        notification = get_object_or_404(Notification, pk=int(pk), recipient=request.user)
        reminders.notifications_mark_read(user=request.user, pk=notification.pk)
        target = notification.url
        if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return redirect(target)
    else:
        count = reminders.notifications_mark_read(user=request.user)
        messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return redirect("tracelog:notifications")
