"""Pages of the leadership appraisal for raters and members: the ballots (accounts and single-use
links) and the members' page (述职 reports and 结果反馈). The office's pages are in ``views``."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from appraisal import access
from appraisal.errors import ApplicationError
from scoring import ballots as satisfaction_ballots

from . import ballots as polls
from . import selectors, services
from .forms import ReportForm, SummaryForm
from .models import LeadershipPoll, LeadershipRater
from .views import _error_text, _page


# ---------------------------------------------------------------- ballots

@access.require("leadership.rate")
@never_cache
def ballots(request):
    actor = access.actor_for(request.user)
    return _page(request, "scoring/leadership_ballots.html", {
        "entries": selectors.ballots_for(request.user, actor.organisation_id)
        + _added_elsewhere(request, actor.organisation_id)}, tab="leadership_ballots")


def _added_elsewhere(request, organisation_id):
    """Polls of other organisations an account was added to as 上级领导."""
    polls = (LeadershipPoll.objects.filter(raters__user_id=request.user.pk, closed=False, closes_at__gt=timezone.now())
             .exclude(team__assessment_year__organisation_id=organisation_id)
             .select_related("team__assessment_year__organisation"))
    result = []
    for poll in polls:
        rater = LeadershipRater.objects.get(poll=poll, user_id=request.user.pk)
        result.append({"poll": poll, "rater": rater, "total": len(polls.ballot_items(rater)),
                       "done": rater.ratings.count()})
    return result


def _posted(request, rows) -> dict[str, tuple[str, str]]:
    keys = [row["item"].key for row in rows]
    return {key: (request.POST.get(f"g_{key}", ""), request.POST.get(f"c_{key}", "")) for key in keys}


@access.require("leadership.rate")
@never_cache
def ballot(request, pk):
    poll = get_object_or_404(LeadershipPoll.objects.select_related("team__assessment_year__organisation"), pk=pk)
    access.check(request.user, "leadership.rate", poll)
    rater = polls.account_rater(request.user, poll)
    if rater is None:  # e.g. a 局领导 outside the team whom the office did not add
        raise PermissionDenied("leadership.rate")
    posted = None
    if request.method == "POST":
        posted = _posted(request, selectors.ballot_rows(rater))
        try:
            polls.ballot_submit(entries=posted, user=request.user, poll=poll)
        except ApplicationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("测评已提交，谢谢！已评定的对象不能再修改。"))
            return redirect("scoring:leadership_ballot", pk=poll.pk)
        rater = polls.account_rater(request.user, poll)
    return _page(request, "scoring/leadership_ballot.html", _ballot_context(rater, posted),
                 tab="leadership_ballots", status=400 if posted else 200)


def _ballot_context(rater, posted) -> dict:
    rows = selectors.ballot_rows(rater, posted)
    return {"rater": rater, "poll": rater.poll, "team": rater.poll.team, "rows": rows,
            "open_rows": sum(1 for r in rows if r["given"] is None),
            "editable": polls.poll_running(rater.poll) and any(r["given"] is None for r in rows)}


@access.require(access.PUBLIC)
@never_cache
def link(request, token):
    """An invited rater's ballot through a single-use link; no account. Unknown, used and expired
    links all get the same answer."""
    rater = (LeadershipRater.objects.select_related("poll__team__assessment_year__organisation")
             .filter(token_hash=satisfaction_ballots.token_digest(token), user__isnull=True).first())
    now = timezone.now()
    if rater is None or rater.submitted_at or (rater.expires_at and rater.expires_at <= now) \
            or not polls.poll_running(rater.poll, now):
        return render(request, "scoring/satisfaction_link_invalid.html", status=404)
    posted = None
    if request.method == "POST":
        posted = _posted(request, selectors.ballot_rows(rater))
        try:
            polls.ballot_submit(entries=posted, token=token)
        except satisfaction_ballots.LinkInvalid:
            return render(request, "scoring/satisfaction_link_invalid.html", status=404)
        except ApplicationError as error:
            messages.error(request, _error_text(error))
        else:
            return redirect("scoring:satisfaction_done")
    context = _ballot_context(rater, posted)
    context["external"] = True
    response = render(request, "scoring/leadership_ballot.html", context, status=400 if posted else 200)
    response["Referrer-Policy"] = "same-origin"
    return response


# ---------------------------------------------------------------- members: reports and feedback

@access.require("leadership.member")
@never_cache
def mine(request):
    actor = access.actor_for(request.user)
    memberships = selectors.membership(actor.person_id, actor.organisation_id)
    wanted = request.GET.get("year", "")
    member = next((m for m in memberships if str(m.team.assessment_year_id) == wanted), memberships[0])
    team = member.team
    year = team.assessment_year
    if request.method == "POST":
        which = request.POST.get("which")
        form = (SummaryForm if which == "summary" else ReportForm)(request.POST)
        if form.is_valid():
            try:
                if which == "summary":
                    services.summary_save(user=request.user, team=team, text=form.cleaned_data["text"])
                else:
                    services.report_save(user=request.user, member=member, text=form.cleaned_data["text"])
            except ApplicationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("述职报告已保存。"))
                return redirect(f"{reverse('scoring:leadership_mine')}?year={year.pk}")
        else:
            messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    scheme = selectors.scheme_of(year)
    team_result, member_results = selectors.results_of(year)
    aggregates = selectors.aggregates(selectors.poll_of(team), scheme)
    open_reports = team.report_deadline is None or timezone.now() <= team.report_deadline
    return _page(request, "scoring/leadership_mine.html", {
        "memberships": memberships, "member": member, "team": team, "year": year,
        "report_form": ReportForm(initial={"text": member.report}),
        "summary_form": SummaryForm(initial={"text": team.summary}) if member.is_principal else None,
        "open_reports": open_reports, "team_result": team_result, "result": member_results.get(member.person_id),
        "aggregate": aggregates.get(member.pk), "team_aggregate": aggregates.get(None),
        "poll": selectors.poll_of(team), "provisional": selectors.provisional(year),
        "min_raters": int(scheme["leadership.min_raters"])}, tab="leadership_mine")
