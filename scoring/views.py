"""Ballot pages: the monthly democratic evaluation (民主测评) and its aggregates, the heads'
workload grades (工作量等级) and their publication, and the half-year 360° evaluation
(满意度测评) — the office's pages, the internal raters' ballots and the external raters'
single-use links, which need no account. Views stay thin: parse, call one service or
selector, render or redirect. Ballot pages are never cached (``never_cache``)."""
from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appraisal import access
from appraisal.errors import ApplicationError, ValidationFailed
from appraisal.models import Department, Period, PeriodKind, PeriodState, Person
from appraisal.selectors import current_organisation

from . import ballot_selectors as selectors
from . import ballots
from .ballot_forms import InternalRatersForm, LinksForm, SatisfactionOpenForm
from .models import PEER_GRADES, SATISFACTION_GRADES, WORKLOAD_GRADES, SatisfactionEvaluation, SatisfactionRater


# The tabs of the scoring pages, each shown to whom its rule admits: (key, label, url name, rule).
TABS = [
    ("peer", gettext_lazy("民主测评"), "scoring:peer_ballot", "staff.self"),
    ("workload_list", gettext_lazy("工作量公布"), "scoring:workload_list", "department.read"),
    ("results", gettext_lazy("测评结果"), "scoring:peer_results", "department.results"),
    ("workload", gettext_lazy("工作量等级"), "scoring:workload_edit", "workload.set"),
    ("satisfaction_mine", gettext_lazy("满意度评价"), "scoring:satisfaction_mine", "satisfaction.rate"),
    ("satisfaction", gettext_lazy("满意度测评"), "scoring:satisfaction_list", "office.manage"),
    ("leadership_ballots", gettext_lazy("班子测评"), "scoring:leadership_ballots", "leadership.rate"),
    ("leadership_mine", gettext_lazy("述职与反馈"), "scoring:leadership_mine", "leadership.member"),
    ("leadership_office", gettext_lazy("领导班子考核"), "scoring:leadership_office", "office.manage"),
    # routine appraisal by quarters and the year-end 述职 (scoring/routine)
    ("routine_mine", gettext_lazy("季度小结"), "scoring:routine_mine", "routine.file"),
    ("routine_peers", gettext_lazy("同类互评"), "scoring:routine_peers", "routine.file"),
    ("routine_review", gettext_lazy("上级点评"), "scoring:routine_review", "routine.review"),
    ("routine_talks", gettext_lazy("谈话提醒"), "scoring:routine_talks", "routine.talks"),
    ("routine_office", gettext_lazy("平时考核"), "scoring:routine_office", "routine.office"),
    ("routine_groups", gettext_lazy("互评小组"), "scoring:routine_groups", "routine.office"),
    ("routine_report", gettext_lazy("年终述职"), "scoring:routine_report", "staff.self"),
    ("routine_reports", gettext_lazy("述职报告"), "scoring:routine_reports", "department.results"),
]
# Where the navigation entry "测评" leads each role first.
LANDING = ["peer", "satisfaction", "results", "satisfaction_mine", "leadership_mine", "leadership_ballots",
           "workload_list"]


def _tabs(request, active: str) -> list[dict]:
    return [{"key": key, "label": label, "url": reverse(url_name), "active": key == active}
            for key, label, url_name, rule in TABS if access.can(request.user, rule)]


def _page(request, template: str, context: dict, *, tab: str, status: int = 200):
    return render(request, template, {**context, "tabs": _tabs(request, tab)}, status=status)


@access.require("scoring.enter")
def home(request):
    available = {key: url_name for key, _label, url_name, rule in TABS if access.can(request.user, rule)}
    for key in LANDING:
        if key in available:
            return redirect(available[key])
    return redirect("home")


def _posted_grades(data, prefix: str) -> dict[int, str]:
    """``<prefix><id>`` → grade of a ballot grid; empty choices are left out."""
    grades = {}
    for key, value in data.items():
        if key.startswith(prefix) and key[len(prefix):].isdigit() and value:
            grades[int(key[len(prefix):])] = value
    return grades


def _error_text(error: ApplicationError) -> str:
    details = "；".join(f"{where}：{message}" if where else message for where, message in error.details)
    return f"{error.message}{'（' + details + '）' if details else ''}"


def _until_today(periods: list[Period]) -> list[Period]:
    today = timezone.localdate()
    return [p for p in periods if (p.assessment_year.year, p.number) <= (today.year, today.month)]


def _current(periods: list[Period]) -> Period | None:
    """This calendar month if listed, else the latest month before it, else the first listed."""
    past = _until_today(periods)
    return past[-1] if past else (periods[0] if periods else None)


def _own_person(request) -> Person:
    actor = access.actor_for(request.user)
    return get_object_or_404(Person.objects.select_related("department"), pk=actor.person_id)


def _department_choice(request, rule: str, organisation, choices: list[Department], key: str = "department"):
    """The department a page is about: the one asked for (checked against ``rule``), else the first
    the user may see."""
    data = request.POST if request.method == "POST" else request.GET
    wanted = data.get(key, "")
    if wanted.isdigit():
        department = get_object_or_404(Department, pk=int(wanted), organisation=organisation)
        access.check(request.user, rule, department)
        return department
    return choices[0] if choices else None


def _departments(request, organisation, *, everyone_rule: str) -> list[Department]:
    queryset = Department.objects.filter(organisation=organisation, is_active=True).order_by("sort_order", "code")
    if access.can(request.user, everyone_rule, organisation):
        return list(queryset)
    actor = access.actor_for(request.user)
    return list(queryset.filter(pk__in=actor.headed_department_ids))


# ---------------------------------------------------------------- democratic evaluation

@access.require("staff.self")
@never_cache
def peer_ballot(request):
    """A civil servant grades the colleagues of the own department for an open month and sees the
    own ratings received, as aggregates only."""
    person = _own_person(request)
    months = selectors.rating_months(person.organisation_id)
    posted: dict[int, str] = {}
    if request.method == "POST":
        wanted = request.POST.get("period", "")
        period = get_object_or_404(Period.objects.select_related("assessment_year"), kind=PeriodKind.MONTH,
                                   pk=int(wanted) if wanted.isdigit() else 0,
                                   assessment_year__organisation_id=person.organisation_id)
        posted = _posted_grades(request.POST, "g")
        try:
            result = ballots.peer_rating_submit(user=request.user, period=period, grades=posted)
        except ApplicationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(period)s 民主测评已保存：已评 %(n)d / %(m)d 人。") % {
                "period": period.label, "n": result.rated, "m": result.total})
            return redirect(f"{reverse('scoring:peer_ballot')}?period={period.pk}")
        if period not in months:
            return redirect("scoring:peer_ballot")
    else:
        period = selectors.pick(months, request.GET.get("period"))
    ballot = selectors.peer_ballot(person, period) if period else None
    rows = [{"row": row, "value": posted.get(row.person_id, row.grade)} for row in ballot.rows] if ballot else []
    history = selectors.received_aggregates(person, _until_today(selectors.year_months(person.organisation_id)))
    return _page(request, "scoring/peer_ballot.html", {
        "person": person, "months": months, "period": period, "ballot": ballot, "rows": rows,
        "grades": PEER_GRADES, "history": list(reversed(history)),
        "min_raters": selectors.peer_floor_of([period] if period else months)},
        tab="peer")


@access.require("department.results")
@never_cache
def peer_results(request):
    """The head's, leaders' and office's view of a department's evaluation: aggregates per member."""
    organisation = current_organisation(request.user)
    departments = _departments(request, organisation, everyone_rule="office.or_leader")
    department = _department_choice(request, "department.results", organisation, departments)
    months = _until_today(selectors.year_months(organisation.pk))
    closed = [p for p in months if p.state != PeriodState.OPEN]
    period = selectors.pick(months, request.GET.get("period"), closed[-1] if closed else None)
    rows, participation = [], None
    if department is not None and period is not None:
        rows = selectors.department_aggregates(department, period)
        participation = selectors.department_participation(department, period)
    return _page(request, "scoring/peer_results.html", {
        "departments": departments, "department": department, "months": months, "period": period, "rows": rows,
        "participation": participation, "grades": PEER_GRADES,
        "min_raters": selectors.peer_floor_of([period] if period else months)},
        tab="results")


# ---------------------------------------------------------------- workload grades

@access.require("workload.set")
@never_cache
def workload_edit(request):
    """The head (or the office) sets each member's workload grade for a month and publishes them."""
    organisation = current_organisation(request.user)
    departments = _departments(request, organisation, everyone_rule="office.manage")
    department = _department_choice(request, "workload.set", organisation, departments)
    months = selectors.workload_months(organisation.pk)
    if request.method == "POST":
        # the month posted, whatever its state now: the service says if it no longer takes grades
        wanted = request.POST.get("period", "")
        period = get_object_or_404(Period.objects.select_related("assessment_year__scheme"), kind=PeriodKind.MONTH,
                                   pk=int(wanted) if wanted.isdigit() else 0,
                                   assessment_year__organisation=organisation)
    else:
        period = selectors.pick(months, request.GET.get("period"), _current(months))
    if department is None or period is None:
        return _page(request, "scoring/workload_edit.html", {"departments": departments, "department": department,
                                                             "months": months, "period": period, "rows": []},
                     tab="workload")
    actor = access.actor_for(request.user)
    rows = selectors.workload_sheet(department, period)
    if request.method == "POST":
        # the own row is shown disabled (not posted); anything else posted is checked by the service
        grades = _posted_grades(request.POST, "w")
        try:
            changed = ballots.workload_set(user=request.user, period=period, department=department, grades=grades,
                                           reason=request.POST.get("reason", "")[:500])
        except ApplicationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(dept)s %(period)s 的工作量等级已保存（%(n)d 项变更）。") % {
                "dept": department.name, "period": period.label, "n": changed})
            return redirect(f"{reverse('scoring:workload_edit')}?department={department.pk}&period={period.pk}")
    published = bool(rows) and all(row.published for row in rows)
    return _page(request, "scoring/workload_edit.html", {
        "departments": departments, "department": department, "months": months, "period": period, "rows": rows,
        "grades": WORKLOAD_GRADES, "coefficients": selectors.coefficients(period), "published": published,
        "self_person_id": actor.person_id}, tab="workload")


@require_POST
@access.require("workload.set")
def workload_publish(request, period_pk, department_pk):
    organisation = current_organisation(request.user)
    department = get_object_or_404(Department, pk=department_pk, organisation=organisation)
    access.check(request.user, "workload.set", department)
    period = get_object_or_404(Period, pk=period_pk, kind=PeriodKind.MONTH, assessment_year__organisation=organisation)
    try:
        ballots.workload_publish(user=request.user, period=period, department=department)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(dept)s %(period)s 的工作量等级已公布，本部门人员可以查看。") % {
            "dept": department.name, "period": period.label})
    return redirect(f"{reverse('scoring:workload_edit')}?department={department.pk}&period={period.pk}")


@access.require("department.read")
@never_cache
def workload_list(request):
    """The published workload grades of a department, for its members (and its head, leaders, office)."""
    organisation = current_organisation(request.user)
    actor = access.actor_for(request.user)
    visible = Department.objects.filter(organisation=organisation).order_by("sort_order", "code")
    if access.can(request.user, "office.or_leader", organisation):
        own = list(visible.filter(is_active=True))
    else:
        own = list(visible.filter(pk__in={actor.department_id, *actor.headed_department_ids}))
    department = _department_choice(request, "department.read", organisation, own)
    months = _until_today(selectors.year_months(organisation.pk))
    period = selectors.pick(months, request.GET.get("period"))
    rows = selectors.workload_sheet(department, period, published_only=True) if department and period else []
    return _page(request, "scoring/workload_list.html", {
        "departments": own, "department": department, "months": months, "period": period, "rows": rows},
        tab="workload_list")


# ---------------------------------------------------------------- 360° satisfaction: the office

def _evaluation(request, pk) -> SatisfactionEvaluation:
    organisation = current_organisation(request.user)
    evaluation = get_object_or_404(SatisfactionEvaluation.objects.select_related("period__assessment_year"), pk=pk,
                                   period__assessment_year__organisation=organisation)
    access.check(request.user, "office.manage", evaluation.period.assessment_year)
    return evaluation


@access.require("office.manage")
@never_cache
def satisfaction_list(request):
    organisation = current_organisation(request.user)
    form = SatisfactionOpenForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = ballots.satisfaction_open(user=request.user, period=form.cleaned_data["period"],
                                                   closes_at=form.cleaned_data["closes_at"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(period)s 满意度测评已开启，请添加评价人。") % {"period": evaluation.period})
            return redirect("scoring:satisfaction_detail", pk=evaluation.pk)
    evaluations = list(SatisfactionEvaluation.objects.filter(period__assessment_year__organisation=organisation)
                       .select_related("period__assessment_year").order_by("-period__assessment_year__year",
                                                                            "-period__number"))
    rows = []
    for evaluation in evaluations:
        progress = selectors.satisfaction_progress(evaluation)
        rows.append({"evaluation": evaluation, "submitted": sum(g.submitted for g in progress),
                     "total": sum(g.total for g in progress)})
    return _page(request, "scoring/satisfaction_list.html", {"form": form, "rows": rows, "now": timezone.now()},
                 tab="satisfaction")


def _detail(request, evaluation, *, raters_form=None, links_form=None, created_links=None, status=200):
    organisation = evaluation.period.assessment_year.organisation
    return _page(request, "scoring/satisfaction_detail.html", {
        "evaluation": evaluation, "progress": selectors.satisfaction_progress(evaluation),
        "raters": selectors.satisfaction_raters(evaluation), "results": selectors.satisfaction_results(evaluation),
        "raters_form": raters_form or InternalRatersForm(organisation=organisation, prefix="raters"),
        "links_form": links_form or LinksForm(prefix="links"),
        "created_links": created_links, "now": timezone.now(),
        "running": not evaluation.closed and evaluation.closes_at > timezone.now(),
        "min_raters": selectors.satisfaction_floor(selectors.year_scheme(evaluation.period.assessment_year)),
    }, tab="satisfaction", status=status)


@access.require("office.manage")
@never_cache
def satisfaction_detail(request, pk):
    return _detail(request, _evaluation(request, pk))


@require_POST
@access.require("office.manage")
@never_cache
def satisfaction_raters_add(request, pk):
    evaluation = _evaluation(request, pk)
    form = InternalRatersForm(request.POST, organisation=evaluation.period.assessment_year.organisation,
                              prefix="raters")
    if form.is_valid():
        try:
            raters = ballots.satisfaction_rater_add_internal(
                user=request.user, evaluation=evaluation, group=form.cleaned_data["group"],
                accounts=form.cleaned_data["accounts"])
        except ApplicationError as error:
            form.add_error(None, error.message)
            for where, message in error.details:
                form.add_error(None, f"{where}：{message}" if where else message)
        else:
            messages.success(request, _("已添加 %(n)d 位“%(group)s”评价人。") % {
                "n": len(raters), "group": form.cleaned_data["group"]})
            return redirect("scoring:satisfaction_detail", pk=evaluation.pk)
    return _detail(request, evaluation, raters_form=form)


@require_POST
@access.require("office.manage")
@never_cache
def satisfaction_links_create(request, pk):
    """Create single-use links and show them this once: only their SHA-256 is kept."""
    evaluation = _evaluation(request, pk)
    form = LinksForm(request.POST, prefix="links")
    created = None
    if form.is_valid():
        try:
            with transaction.atomic():
                created = [ballots.satisfaction_link_create(
                    user=request.user, evaluation=evaluation, group=form.cleaned_data["group"], label=label,
                    expires_at=form.cleaned_data["expires_at"]) for label in form.labels()]
        except ApplicationError as error:
            form.add_error(None, error.message)
            created = None
        else:
            form = None
    links = [{"label": link.rater.label, "group": link.rater.group, "expires_at": link.rater.expires_at,
              "url": request.build_absolute_uri(reverse("scoring:satisfaction_link", args=[link.token]))}
             for link in created or []]
    return _detail(request, evaluation, links_form=form, created_links=links)


@require_POST
@access.require("office.manage")
def satisfaction_close(request, pk):
    evaluation = _evaluation(request, pk)
    try:
        ballots.satisfaction_close(user=request.user, evaluation=evaluation,
                                   reason=request.POST.get("reason", "")[:500])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("满意度测评已结束，未使用的链接同时失效。"))
    return redirect("scoring:satisfaction_detail", pk=evaluation.pk)


# ---------------------------------------------------------------- 360° satisfaction: the raters

@access.require("satisfaction.rate")
@never_cache
def satisfaction_mine(request):
    return _page(request, "scoring/satisfaction_mine.html", {
        "raters": selectors.own_satisfaction_ballots(request.user), "now": timezone.now()}, tab="satisfaction_mine")


def _ballot_context(rater: SatisfactionRater, posted: dict[int, str], own: dict[int, str] | None = None,
                    *, flag_missing: bool = False) -> dict:
    organisation_id = rater.evaluation.period.assessment_year.organisation_id
    departments = ballots.ballot_departments(rater, organisation_id)
    own = own or {}
    evidence = selectors.department_evidence(rater, [d.pk for d in departments])
    rows = [{"department": d, "value": posted.get(d.pk, own.get(d.pk)), "evidence": evidence.get(d.pk, []),
             "missing": flag_missing and not posted.get(d.pk)} for d in departments]
    return {"rater": rater, "evaluation": rater.evaluation, "grades": SATISFACTION_GRADES, "rows": rows}


def _submit_satisfaction(request, rater: SatisfactionRater, posted: dict[int, str], *, user=None, token=None
                         ) -> tuple[bool, bool]:
    """Submit a 360° ballot and say what went wrong in one line; (saved, some rows are missing).
    ``LinkInvalid`` goes up to the link page."""
    try:
        if token is not None:
            ballots.satisfaction_submit(grades=posted, token=token)
        else:
            ballots.satisfaction_submit(grades=posted, user=user, rater=rater)
    except ballots.LinkInvalid:
        raise
    except ApplicationError as error:
        organisation_id = rater.evaluation.period.assessment_year.organisation_id
        missing = sum(1 for d in ballots.ballot_departments(rater, organisation_id) if not posted.get(d.pk))
        flagged = bool(missing) and isinstance(error, ValidationFailed)
        if flagged:
            messages.error(request, _("%(message)s还有 %(n)d 个部门未评定，已在下方标出。") % {
                "message": error.message, "n": missing})
        else:
            messages.error(request, _error_text(error))
        return False, flagged
    return True, False


@access.require("satisfaction.rate")
@never_cache
def satisfaction_ballot(request, pk):
    """An internal rater's ballot: every department but the own, all at once."""
    rater = get_object_or_404(SatisfactionRater.objects.select_related("evaluation__period__assessment_year"), pk=pk)
    access.check(request.user, "satisfaction.rate", rater)
    posted: dict[int, str] = {}
    missing = False
    if request.method == "POST":
        posted = _posted_grades(request.POST, "g")
        saved, missing = _submit_satisfaction(request, rater, posted, user=request.user)
        if saved:
            messages.success(request, _("满意度测评已提交，谢谢！"))
            return redirect("scoring:satisfaction_mine")
        rater.refresh_from_db()
    own = dict(rater.ratings.values_list("department_id", "grade")) if rater.submitted_at else {}
    context = _ballot_context(rater, posted, own, flag_missing=missing)
    context["editable"] = (not rater.submitted_at and not rater.evaluation.closed
                           and rater.evaluation.closes_at > timezone.now())
    return _page(request, "scoring/satisfaction_ballot.html", context, tab="satisfaction_mine")


@access.require(access.PUBLIC)
@never_cache
def satisfaction_link(request, token):
    """The external rater's page, reached through a single-use link; no account. Unknown, used
    and expired links all get the same answer."""
    rater = selectors.link_rater(token)
    if rater is None:
        return render(request, "scoring/satisfaction_link_invalid.html", status=404)
    posted: dict[int, str] = {}
    missing = False
    if request.method == "POST":
        posted = _posted_grades(request.POST, "g")
        try:
            saved, missing = _submit_satisfaction(request, rater, posted, token=token)
        except ballots.LinkInvalid:
            return render(request, "scoring/satisfaction_link_invalid.html", status=404)
        if saved:
            return redirect("scoring:satisfaction_done")
    context = _ballot_context(rater, posted, flag_missing=missing)
    context.update(editable=True, external=True, token=token)
    response = render(request, "scoring/satisfaction_ballot.html", context)
    # The token is in the address: never send it to another origin. ("no-referrer" would make the
    # browser post with "Origin: null", which Django's CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


@access.require(access.PUBLIC)
def satisfaction_done(request):
    return render(request, "scoring/satisfaction_done.html")


def _rated_evidence(rater: SatisfactionRater, evidence_pk: int):
    """An evidence file this rater may open: one of a department on the ballot, from the half."""
    from tracelog.models import Evidence

    organisation_id = rater.evaluation.period.assessment_year.organisation_id
    department_ids = [d.pk for d in ballots.ballot_departments(rater, organisation_id)]
    allowed = selectors.department_evidence(rater, department_ids)
    for items in allowed.values():
        for item in items:
            if item.pk == evidence_pk:
                return item
    raise Http404


@access.require("satisfaction.rate")
def satisfaction_evidence(request, pk, evidence_pk):
    from tracelog.evidence import evidence_response

    rater = get_object_or_404(SatisfactionRater.objects.select_related("evaluation__period__assessment_year"), pk=pk)
    access.check(request.user, "satisfaction.rate", rater)
    return evidence_response(_rated_evidence(rater, evidence_pk))


@access.require(access.PUBLIC)
def satisfaction_link_evidence(request, token, evidence_pk):
    """External raters open evidence with the same single-use link, while it is alive."""
    from tracelog.evidence import evidence_response

    rater = selectors.link_rater(token)
    if rater is None:
        raise Http404
    response = evidence_response(_rated_evidence(rater, evidence_pk))
    response["Referrer-Policy"] = "same-origin"
    return response
