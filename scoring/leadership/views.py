"""The office's pages of the leadership appraisal (team, deadline, poll, raters and links, overrides,
results, export) and the printable appraisal form. The raters' and members' pages are in
``member_views``. Views stay thin: parse, call a service or selector, render."""
from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appraisal import access, downloads
from appraisal.errors import ApplicationError
from appraisal.models import AssessmentYear, Department, Person, Position
from appraisal.selectors import current_organisation

from . import ballots as polls
from . import selectors, services
from .export import leadership_workbook
from .forms import DeadlineForm, LeadershipLinksForm, OverrideForm, PollOpenForm, SuperiorsForm
from .models import LeadershipMember, LeadershipPoll


def _page(request, template, context, *, tab, status=200):
    from scoring.views import _tabs

    return render(request, template, {**context, "tabs": _tabs(request, tab)}, status=status)


def _error_text(error: ApplicationError) -> str:
    details = "；".join(f"{where}：{message}" if where else message for where, message in error.details)
    return f"{error.message}{'（' + details + '）' if details else ''}"


def _years(organisation):
    return list(AssessmentYear.objects.filter(organisation=organisation).select_related("organisation")
                .order_by("-year"))


def _pick_year(request, years):
    wanted = request.GET.get("year", "")
    for year in years:
        if str(year.pk) == wanted:
            return year
    return years[0] if years else None


def _office_year(request, pk) -> AssessmentYear:
    year = get_object_or_404(AssessmentYear.objects.select_related("organisation"), pk=pk,
                             organisation=current_organisation(request.user))
    access.check(request.user, "office.manage", year)
    return year


def _back(year) -> str:
    return f"{reverse('scoring:leadership_office')}?year={year.pk}"


# ---------------------------------------------------------------- the office

@access.require("office.manage")
@never_cache
def office(request, *, links=None, forms=None, status=200):
    organisation = current_organisation(request.user)
    years = _years(organisation)
    year = _pick_year(request, years) if links is None else forms["year"]
    team = selectors.team_of(year) if year else None
    members = selectors.members_of(team) if team else []
    poll = selectors.poll_of(team)
    scheme = selectors.scheme_of(year) if year else {}
    charges = {m.person_id: {c.department_id for c in m.charges.all()} for m in members}
    by_person = {m.person_id: m for m in members}
    leaders = list(Person.objects.filter(organisation=organisation, position=Position.LEADER, is_active=True)
                   .order_by("staff_id"))
    departments = list(Department.objects.filter(organisation=organisation, is_active=True)
                       .order_by("sort_order", "code"))
    editor = [{"person": p, "member": by_person.get(p.pk), "charges": charges.get(p.pk, set())} for p in leaders]
    team_result, member_results = selectors.results_of(year) if year else (None, {})
    aggregates = selectors.aggregates(poll, scheme)
    forms = forms or {}
    context = {
        "years": years, "year": year, "team": team, "members": members, "poll": poll, "editor": editor,
        "departments": departments, "team_result": team_result, "created_links": links,
        "rows": [{"member": m, "result": member_results.get(m.person_id), "aggregate": aggregates.get(m.pk)}
                 for m in members],
        "team_aggregate": aggregates.get(None), "min_raters": int(scheme.get("leadership.min_raters", 3)),
        "running": poll is not None and polls.poll_running(poll),
        "progress": _progress(poll) if poll else None,
        "deadline_form": DeadlineForm(initial={"report_deadline": team.report_deadline} if team else None),
        "open_form": forms.get("open") or PollOpenForm(),
        "superiors_form": forms.get("superiors") or SuperiorsForm(prefix="sup"),
        "links_form": forms.get("links") or LeadershipLinksForm(prefix="links"),
        "override_form": OverrideForm(), "provisional": selectors.provisional(year) if year else False,
    }
    return _page(request, "scoring/leadership_office.html", context, tab="leadership_office", status=status)


def _progress(poll: LeadershipPoll) -> dict:
    raters = list(poll.raters.values_list("group", "user_id", "submitted_at"))
    return {"accounts": sum(1 for _g, user, done in raters if user and done),
            "links": sum(1 for _g, user, _d in raters if not user),
            "links_used": sum(1 for _g, user, done in raters if not user and done),
            "ratings": poll.ratings.count()}


def _parse_team(request) -> list[services.MemberInput]:
    principal = request.POST.get("principal", "")
    members = []
    for key in request.POST:
        if key.startswith("member_") and key[7:].isdigit():
            pid = int(key[7:])
            departments = tuple(int(d) for d in request.POST.getlist(f"departments_{pid}") if d.isdigit())
            members.append(services.MemberInput(pid, principal == str(pid), departments))
    return members


@require_POST
@access.require("office.manage")
def office_team(request, year_pk):
    year = _office_year(request, year_pk)
    deadline = DeadlineForm(request.POST)
    if not deadline.is_valid():
        messages.error(request, _("述职报告截止时间格式不正确。"))
        return redirect(_back(year))
    try:
        services.team_save(user=request.user, assessment_year=year, members=_parse_team(request),
                           report_deadline=deadline.cleaned_data["report_deadline"])
    except ApplicationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(year)s年度领导班子已保存。") % {"year": year.year})
    return redirect(_back(year))


@require_POST
@access.require("office.manage")
def office_override(request, year_pk):
    year = _office_year(request, year_pk)
    team = get_object_or_404(selectors.LeadershipTeam, assessment_year=year)
    member = None
    if request.POST.get("member", "").isdigit():
        member = get_object_or_404(LeadershipMember, pk=int(request.POST["member"]), team=team)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_back(year))
    try:
        value = services.override_set(user=request.user, team=team, member=member, score=form.cleaned_data["score"],
                                      reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("已录入，重新计算成绩后生效。") if value is not None
                         else _("已撤销录入，重新计算成绩后恢复按部门年度得分计算。"))
    return redirect(_back(year))


@require_POST
@access.require("office.manage")
def office_poll_open(request, year_pk):
    year = _office_year(request, year_pk)
    team = get_object_or_404(selectors.LeadershipTeam, assessment_year=year)
    form = PollOpenForm(request.POST)
    if form.is_valid():
        try:
            polls.poll_open(user=request.user, team=team, closes_at=form.cleaned_data["closes_at"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("班子民主测评已开启：本单位干部职工和班子成员可用账号参评，请添加上级领导或生成特邀代表链接。"))
            return redirect(_back(year))
    return office(request, links=[], forms={"year": year, "open": form}, status=400)


def _office_poll(request, pk) -> LeadershipPoll:
    poll = get_object_or_404(LeadershipPoll.objects.select_related("team__assessment_year__organisation"), pk=pk,
                             team__assessment_year__organisation=current_organisation(request.user))
    access.check(request.user, "office.manage", poll.team.assessment_year)
    return poll


@require_POST
@access.require("office.manage")
def office_superiors(request, pk):
    poll = _office_poll(request, pk)
    form = SuperiorsForm(request.POST, prefix="sup")
    if form.is_valid():
        try:
            added = polls.superiors_add(user=request.user, poll=poll, accounts=form.cleaned_data["accounts"])
        except ApplicationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("已添加 %(n)d 位上级领导评价人。") % {"n": len(added)})
            return redirect(_back(poll.team.assessment_year))
    return office(request, links=[], forms={"year": poll.team.assessment_year, "superiors": form}, status=400)


@require_POST
@access.require("office.manage")
@never_cache
def office_links(request, pk):
    """Create single-use links and show them this once: only their SHA-256 is kept."""
    poll = _office_poll(request, pk)
    form = LeadershipLinksForm(request.POST, prefix="links")
    created = []
    if form.is_valid():
        try:
            with transaction.atomic():
                created = [polls.link_create(user=request.user, poll=poll, group=form.cleaned_data["group"],
                                                label=label, expires_at=form.cleaned_data["expires_at"])
                           for label in form.labels()]
        except ApplicationError as error:
            form.add_error(None, error.message)
            created = []
        else:
            form = None
    links = [{"label": c.rater.label, "group": c.rater.group, "expires_at": c.rater.expires_at,
              "url": request.build_absolute_uri(reverse("scoring:leadership_link", args=[c.token]))} for c in created]
    forms = {"year": poll.team.assessment_year}
    if form is not None:
        forms["links"] = form
    return office(request, links=links, forms=forms, status=200 if created else 400)


@require_POST
@access.require("office.manage")
def office_poll_close(request, pk):
    poll = _office_poll(request, pk)
    try:
        polls.poll_close(user=request.user, poll=poll, reason=request.POST.get("reason", "")[:500])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("班子民主测评已结束，未使用的链接同时失效。请重新计算成绩。"))
    return redirect(_back(poll.team.assessment_year))


@access.require("office.manage")
def office_export(request, year_pk):
    year = _office_year(request, year_pk)
    response = HttpResponse(leadership_workbook(year),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    downloads.attach(response, f"{year.organisation.name}_{year.year}年度领导班子考核.xlsx",
                     f"{year.organisation.code}-{year.year}-leadership.xlsx")
    return response


# ---------------------------------------------------------------- the appraisal form (考核登记表)

@access.require("leadership.feedback")
@never_cache
def appraisal_form(request, year_pk, member_pk):
    """The year's leadership appraisal form of one member, for printing: the office's, or the member's own."""
    member = get_object_or_404(LeadershipMember.objects.select_related(
        "person", "team__assessment_year__organisation").prefetch_related("charges__department"),
        pk=member_pk, team__assessment_year_id=year_pk,
        team__assessment_year__organisation=current_organisation(request.user))
    year = member.team.assessment_year
    if not (access.can(request.user, "office.manage", year)
            or access.actor_for(request.user).person_id == member.person_id):
        access.check(request.user, "office.manage", year)
    scheme = selectors.scheme_of(year)
    team_result, member_results = selectors.results_of(year)
    aggregates = selectors.aggregates(selectors.poll_of(member.team), scheme)
    return render(request, "scoring/leadership_form.html", {
        "member": member, "year": year, "team": member.team, "team_result": team_result,
        "result": member_results.get(member.person_id), "aggregate": aggregates.get(member.pk),
        "team_aggregate": aggregates.get(None), "provisional": selectors.provisional(year),
        "printed_at": timezone.localtime(), "min_raters": int(scheme["leadership.min_raters"])})
