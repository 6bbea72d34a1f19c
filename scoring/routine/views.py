"""Pages of routine appraisal (docs/routine.md): my quarters and the summary form, the summaries to
evaluate as a peer, those to comment on as the superior, one summary, talks, the office's overview.
Views stay thin: parse, call one service or selector, render or redirect; never cached."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from appraisal import access
from appraisal.errors import ApplicationError
from appraisal.fields import posted_id
from appraisal.models import Person

from . import selectors, services
from .models import QuarterSummary, Talk
from .rules import QUARTER_GRADES


def _page(request, template, context, *, tab, status=200):
    from scoring.leadership.views import _page as page

    return page(request, template, context, tab=tab, status=status)


def _error(request, error: ApplicationError) -> None:
    from scoring.leadership.views import _error_text

    messages.error(request, _error_text(error))


def _year(request):
    actor = access.actor_for(request.user)
    years = selectors.routine_years(actor.organisation_id)
    year = selectors.pick_year(years, request.GET.get("year", ""))
    if year is None:
        raise Http404(_("本单位尚未开展平时考核。"))
    return years, year


def _ids(request, name):
    """Posted ids; anything that is not one (letters, full-width or out-of-range digits) is left out."""
    from appraisal.fields import posted_id

    return [pk for pk in (posted_id(v) for v in request.POST.getlist(name)) if pk]


@access.require("routine.file")
@never_cache
def mine(request):
    actor = access.actor_for(request.user)
    person = get_object_or_404(Person.objects.select_related("department"), pk=actor.person_id)
    years, year = _year(request)
    rows = selectors.my_quarters(person, year)
    open_rows = [r for r in rows if r.period.state == "open" and (r.summary is None or not r.summary.submitted_at)]
    wanted = request.GET.get("quarter") or request.POST.get("quarter", "")
    editing = next((r for r in open_rows if str(r.period.number) == wanted), open_rows[0] if open_rows else None)
    status = 200
    if request.method == "POST" and editing is not None:
        try:
            services.summary_save(user=request.user, period=editing.period, text=request.POST.get("text", ""),
                                  self_grade=request.POST.get("self_grade", ""), entry_ids=_ids(request, "entries"),
                                  indicator_ids=_ids(request, "indicators"), submit="submit" in request.POST)
        except ApplicationError as error:
            _error(request, error)
            status = 400
        else:
            messages.success(request, _("季度小结已提交。") if "submit" in request.POST else _("草稿已保存。"))
            return redirect(f"{reverse('scoring:routine_mine')}?year={year.pk}")
    entries, indicators = selectors.linkable(person, editing.period) if editing else ([], [])
    chosen = editing.summary if editing else None
    return _page(request, "scoring/routine/mine.html", {
        "years": years, "year": year, "rows": rows, "editing": editing, "entries": entries,
        "indicators": indicators, "grades": QUARTER_GRADES, "posted": request.POST if status == 400 else None,
        "chosen_entries": set(chosen.entries.values_list("pk", flat=True)) if chosen and chosen.pk else set(),
        "chosen_indicators": set(chosen.indicators.values_list("pk", flat=True)) if chosen and chosen.pk else set(),
    }, tab="routine_mine", status=status)


@access.require("routine.file")
@never_cache
def peers(request):
    actor = access.actor_for(request.user)
    person = get_object_or_404(Person, pk=actor.person_id)
    years, year = _year(request)
    return _page(request, "scoring/routine/peers.html", {
        "years": years, "year": year, "items": selectors.to_rate(person, year), "grades": QUARTER_GRADES},
        tab="routine_peers")


@access.require("routine.review")
@never_cache
def review(request):
    years, year = _year(request)
    summaries = selectors.with_review_figures(year, selectors.to_review(request.user, year))
    return _page(request, "scoring/routine/review.html", {"years": years, "year": year, "summaries": summaries},
                 tab="routine_review")


@access.require("routine.summary.read")
@never_cache
def summary(request, pk):
    item = get_object_or_404(QuarterSummary.objects.select_related(
        "period__assessment_year__scheme", "person__department", "department", "superior"), pk=pk)
    actor = access.actor_for(request.user)
    can = selectors.summary_access(actor, item)
    if not can["read"] or (item.submitted_at is None and actor.person_id != item.person_id):
        raise PermissionDenied("routine.summary.read")
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "peer" and can["peer"]:
                services.peer_rate(user=request.user, summary=item, grade=request.POST.get("grade", ""))
                messages.success(request, _("互评已保存。"))
            elif request.POST.get("action") == "review" and can["superior"]:
                services.superior_review(user=request.user, summary=item, comment=request.POST.get("comment", ""),
                                         grade=request.POST.get("grade", ""))
                messages.success(request, _("点评已保存。"))
            else:
                raise PermissionDenied("routine.summary")
        except ApplicationError as error:
            _error(request, error)
            status = 400
        else:
            return redirect("scoring:routine_summary", pk=item.pk)
    scheme = services.scheme_of(item.period.assessment_year)
    own = None
    if can["peer"]:
        own = item.peer_ratings.filter(rater_id=actor.person_id).values_list("grade", flat=True).first()
    return _page(request, "scoring/routine/summary.html", {
        "item": item, "can": can, "own": own, "grades": QUARTER_GRADES,
        "peer": selectors.peer_views([item], int(scheme["peer.min_raters"]))[item.pk],
        "entries": list(item.entries.order_by("period_month", "kind")),
        "indicators": list(item.indicators.order_by("sort_order", "code")),
        "talk": Talk.objects.filter(summary=item).first(),
        "editable": item.period.state in services.REVIEW_STATES}, tab="routine_review" if can["superior"]
        else "routine_peers" if can["peer"] else "routine_mine", status=status)


@access.require("routine.talks")
@never_cache
def talks(request):
    actor = access.actor_for(request.user)
    return _page(request, "scoring/routine/talks.html", {
        "talks": selectors.talks_for(request.user, actor.organisation_id), "today": timezone.localdate()},
        tab="routine_talks")


@access.require("routine.talks")
@never_cache
def talk(request, pk):
    item = get_object_or_404(Talk.objects.select_related("person__department", "talker", "summary__period",
                                                         "assessment_year"), pk=pk)
    access.check(request.user, "routine.talks", item)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.talk_close(user=request.user, talk=item, follow_up=request.POST.get("follow_up", ""))
            else:
                services.talk_record(user=request.user, talk=item, held_on=request.POST.get("held_on", ""),
                                     notes=request.POST.get("notes", ""), improve_by=request.POST.get("improve_by", ""))
        except ApplicationError as error:
            _error(request, error)
            status = 400
        else:
            messages.success(request, _("谈话记录已保存。"))
            return redirect("scoring:routine_talk", pk=item.pk)
    return _page(request, "scoring/routine/talk.html", {"talk": item, "can_hold": services.can_hold(request.user, item)},
                 tab="routine_talks", status=status)


@access.require("routine.office")
@never_cache
def office(request):
    years, year = _year(request)
    access.check(request.user, "office.manage", year)
    if request.method == "POST":
        person = get_object_or_404(Person, pk=posted_id(request.POST.get("person")), organisation_id=year.organisation_id)
        try:
            services.admonishment_create(user=request.user, person=person, assessment_year=year,
                                         reason=request.POST.get("reason", ""), due_on=request.POST.get("due_on", ""))
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, _("诫勉谈话已登记。"))
            return redirect(f"{reverse('scoring:routine_office')}?year={year.pk}")
    return _page(request, "scoring/routine/office.html", {"years": years, "year": year,
                                                          **selectors.year_overview(year)}, tab="routine_office")
