"""Pages of scoring by assessors (考核主体): the grid by period × leaf × department, the JSON preview of
a score computed from an actual value, the office's review (approve / return) and the head's
designation of assessor accounts. Thin: the work is in ``indicators.assessing``."""
from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import access
from appraisal.errors import ApplicationError
from appraisal.fields import posted_id
from appraisal.models import AssessorDesignation, Department, Person, Position

from . import assessing, common_scores, entry_rules
from .models import CommonScore, Indicator, IndicatorScore, ScoreStatus
from .standards import STANDARDS
from .views import _latest_year, _year


def _param(request, name: str) -> str:
    """A selection (period, unit, department …) from the form posted, else from the address."""
    return request.POST.get(name) or request.GET.get(name) or ""


def _pick(items, wanted, key=lambda item: str(item.pk)):
    return next((item for item in items if key(item) == wanted), None)


@access.require("scores.assess_for")
def score_home(request):
    year = _latest_year(request)
    if year is None:
        messages.info(request, _("尚未建立考核年度。"))
        return redirect("home")
    return redirect("indicators:score_entry", year_pk=year.pk)


def _grid_url(year, period, unit, department_id) -> str:
    url = f"{reverse('indicators:score_entry', kwargs={'year_pk': year.pk})}?period={period.pk}&unit={unit.key}"
    return f"{url}&department={department_id}" if department_id else url


@access.require("scores.assess_for")
def score_grid(request, year_pk):
    """The leaves an assessing unit scores in one period, department by department; the current
    scoring period is preselected. Save keeps drafts (the office's entries are approved at once);
    submit sends the unit's drafts to the office."""
    year = _year(request, year_pk)
    units = assessing.units_for(request.user, year)
    periods = assessing.scoring_periods(year)
    if not units or not periods:
        messages.info(request, _("您目前没有需要评分的指标。"))
        return redirect("home")
    unit = _pick(units, _param(request, "unit"), key=lambda u: u.key) or units[0]
    period = _pick(periods, _param(request, "period")) or assessing.current_period(periods)
    departments = list(Department.objects.filter(organisation_id=year.organisation_id).order_by("sort_order", "code"))
    department = _pick(departments, _param(request, "department"))
    leaves = assessing.grid_leaves(period, unit, department_id=department.pk if department else None)
    scores = {s.indicator_id: s for s in IndicatorScore.objects.filter(period=period,
                                                                       indicator_id__in=[l.pk for l in leaves])}
    office = access.can(request.user, "office.manage", year)
    editable = period.state in assessing.SCORABLE_STATES
    errors: dict[int, str] = {}
    if request.method == "POST" and editable:
        cells = {leaf.pk: assessing.CellInput(
            actual=request.POST.get(f"a{leaf.pk}", ""), score=request.POST.get(f"s{leaf.pk}", ""),
            comment=request.POST.get(f"c{leaf.pk}", ""), evidence=request.POST.get(f"e{leaf.pk}", ""))
            for leaf in leaves if f"a{leaf.pk}" in request.POST or f"s{leaf.pk}" in request.POST}
        try:
            with transaction.atomic():
                changed = assessing.scores_save(user=request.user, period=period, cells=cells,
                                                reason=request.POST.get("reason", "").strip()[:500])
                submitted = (assessing.scores_submit(user=request.user, period=period, unit=unit)
                             if request.POST.get("action") == "submit" else 0)
        except ApplicationError as error:
            errors = {pk: message for pk, message in error.details if isinstance(pk, int)}
            messages.error(request, error.message)
        else:
            if submitted:
                messages.success(request, _("已保存，并向考核办提交 %(n)d 个得分待审核。") % {"n": submitted})
            else:
                messages.success(request, _("已保存 %(n)d 处修改。") % {"n": changed})
            return redirect(_grid_url(year, period, unit, department.pk if department else None))
    rows, group = [], None
    for leaf in leaves:
        score = scores.get(leaf.pk)
        rule = assessing.leaf_rule(leaf)
        posted = request.method == "POST"
        rows.append({
            "leaf": leaf, "rule": rule, "score": score, "error": errors.get(leaf.pk),
            "standard_label": STANDARDS[rule.standard_key].label if rule.computed else "",
            "new_group": leaf.department_id != group,
            "editable": editable and (office or score is None or score.status in assessing.EDITABLE_BY_ASSESSOR),
            "actual": request.POST.get(f"a{leaf.pk}", "") if posted else (score.actual_value if score else ""),
            "value": request.POST.get(f"s{leaf.pk}", "") if posted else (score.score if score else ""),
            "comment": request.POST.get(f"c{leaf.pk}", "") if posted else (score.comment if score else ""),
            "evidence": request.POST.get(f"e{leaf.pk}", "") if posted else (score.evidence_ref if score else ""),
            "explanation": score.explanation if score else "",
        })
        group = leaf.department_id
    counts = {status: 0 for status in ScoreStatus.values}
    for score in scores.values():
        counts[score.status] += 1
    head_of = unit.department if unit.department and access.can(request.user, "department.head", unit.department) \
        else None
    return render(request, "indicators/score_grid.html", {
        "year": year, "units": units, "unit": unit, "periods": periods, "period": period,
        "departments": departments, "department": department, "rows": rows, "editable": editable,
        "office": office, "missing": sum(1 for leaf in leaves if leaf.pk not in scores),
        "counts": [(ScoreStatus(status).label, status, n) for status, n in counts.items()],
        "can_submit": editable and not unit.is_office and (counts[ScoreStatus.DRAFT] or counts[ScoreStatus.RETURNED]
                                                           or any(r["editable"] for r in rows)),
        "head_of": head_of,
        "designations": (AssessorDesignation.objects.filter(department=head_of).select_related("user", "user__person")
                         .order_by("created_at") if head_of else []),
        "candidates": assessing.designation_candidates(head_of) if head_of else [],
    })


@access.require("scores.assess")
def score_preview(request, year_pk):
    """The score a leaf's scoring standard gives an actual value, before anything is saved (JSON)."""
    year = _year(request, year_pk)
    leaf = get_object_or_404(Indicator.objects.select_related("assessment_year"), pk=posted_id(request.GET.get("leaf")),
                             assessment_year=year)
    access.check(request.user, "scores.assess", leaf)
    rule = assessing.leaf_rule(leaf)
    result = entry_rules.evaluate(rule, actual=request.GET.get("actual", ""), score=request.GET.get("score", ""))
    if not result.ok:
        return JsonResponse({"ok": False, "error": result.error})
    if result.score is None:
        return JsonResponse({"ok": True, "score": "", "explanation": ""})
    return JsonResponse({"ok": True, "score": f"{result.score:.2f}",
                         "explanation": entry_rules.explain(rule, result.actual, result.score)})


@access.require("office.manage")
def score_review(request, year_pk):
    """The office approves submitted scores or returns them, leaf by leaf, with a reason."""
    year = _year(request, year_pk)
    periods = assessing.scoring_periods(year, with_year=True)
    units = assessing.units_for(request.user, year)
    period = _pick(periods, _param(request, "period"))
    if period is None:
        # the period being scored with scores waiting, else the period being scored: never a locked
        # period (its waiting scores can no longer be reviewed) while another is open for scoring
        waiting = set(IndicatorScore.objects.filter(period__in=periods, status=ScoreStatus.SUBMITTED)
                      .values_list("period_id", flat=True))
        period = (next((p for p in periods if p.pk in waiting and p.state in assessing.SCORABLE_STATES), None)
                  or assessing.current_period(periods))
    unit = _pick(units, _param(request, "unit"), key=lambda u: u.key)
    status = _param(request, "status") if _param(request, "status") in (ScoreStatus.SUBMITTED, ScoreStatus.APPROVED) \
        else ScoreStatus.SUBMITTED
    scores = list(assessing.review_queue(period, unit=unit, status=status))
    errors: dict[int, str] = {}
    if request.method == "POST":
        if request.POST.get("action") == "approve_all":
            decisions = {s.pk: (assessing.APPROVE, "") for s in scores if s.status == ScoreStatus.SUBMITTED}
        else:
            decisions = {s.pk: (request.POST[f"d{s.pk}"], request.POST.get(f"r{s.pk}", "")) for s in scores
                         if request.POST.get(f"d{s.pk}") in (assessing.APPROVE, assessing.RETURN)}
        try:
            approved, returned = assessing.scores_review(user=request.user, period=period, decisions=decisions)
        except ApplicationError as error:
            errors = {pk: message for pk, message in error.details if isinstance(pk, int)}
            messages.error(request, error.message)
        else:
            messages.success(request, _("审核完成：审定 %(a)d 个，退回 %(r)d 个。") % {"a": approved, "r": returned})
            url = f"{request.path}?period={period.pk}&status={status}"
            return redirect(f"{url}&unit={unit.key}" if unit else url)
    rows = [{"score": s, "error": errors.get(s.pk), "decision": request.POST.get(f"d{s.pk}", ""),
             "reason": request.POST.get(f"r{s.pk}", "")} for s in scores]
    return render(request, "indicators/score_review.html", {
        "year": year, "periods": periods, "period": period, "units": units, "unit": unit, "status": status,
        "rows": rows, "editable": period.state in assessing.SCORABLE_STATES,
        "period_options": _waiting_by_period(periods)})


def _waiting_by_period(periods):
    counts = dict(IndicatorScore.objects.filter(period__in=periods, status=ScoreStatus.SUBMITTED)
                  .values_list("period_id").annotate(n=Count("pk")))
    return [(p, counts.get(p.pk, 0)) for p in periods]


@require_POST
@access.require("department.head")
def designation_add(request, year_pk, department_pk):
    year = _year(request, year_pk)
    department = get_object_or_404(Department, pk=department_pk, organisation=year.organisation)
    access.check(request.user, "department.head", department)
    person = get_object_or_404(Person, pk=posted_id(request.POST.get("person")), organisation=year.organisation)
    try:
        assessing.designate(user=request.user, department=department, person=person)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已指定 %(name)s 为本部门评分人。") % {"name": person.name})
    return redirect(f"{reverse('indicators:score_entry', kwargs={'year_pk': year.pk})}?unit={department.pk}")


@require_POST
@access.require("department.head")
def designation_revoke(request, year_pk, pk):
    year = _year(request, year_pk)
    designation = get_object_or_404(AssessorDesignation.objects.select_related("department", "user"), pk=pk,
                                    department__organisation=year.organisation)
    access.check(request.user, "department.head", designation.department)
    try:
        assessing.designation_revoke(user=request.user, designation=designation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消评分人。"))
    return redirect(f"{reverse('indicators:score_entry', kwargs={'year_pk': year.pk})}"
                    f"?unit={designation.department_id}")


@access.require("scores.assess_for")
def common_grid(request, year_pk):
    """Year-end common scores of one department's people: the office every common leaf, an assessor
    (考核主体) the leaves its department assesses. A leaf applies to the personnel categories it
    lists (分类考核): other people's cells are shown as not applicable. The page is saved at once."""
    year = _year(request, year_pk)
    departments = list(Department.objects.filter(organisation_id=year.organisation_id).order_by("sort_order", "code"))
    department = _pick(departments, _param(request, "department")) or (departments[0] if departments else None)
    leaves = common_scores.common_leaves(year, user=request.user)
    people = list(Person.objects.filter(department=department, is_active=True).exclude(position=Position.LEADER)
                  .order_by("staff_id"))
    stored = {(c.person_id, c.indicator_id): c for c in CommonScore.objects.filter(indicator__in=leaves,
                                                                                   person__in=people)}
    year_period = common_scores.year_period(year)
    office = access.can(request.user, "office.manage", year)
    editable = year_period.state in assessing.SCORABLE_STATES
    units = [u for u in assessing.units_for(request.user, year) if not u.is_office]
    errors: dict[tuple[int, int], str] = {}
    if request.method == "POST" and editable:
        cells = {(p.pk, leaf.pk): request.POST[f"v_{p.pk}_{leaf.pk}"] for p in people for leaf in leaves
                 if f"v_{p.pk}_{leaf.pk}" in request.POST}
        unit = _pick(units, request.POST.get("unit"), key=lambda u: u.key)
        try:
            with transaction.atomic():
                changed = common_scores.common_scores_save(user=request.user, year=year, cells=cells,
                                                           reason=request.POST.get("reason", "").strip()[:500])
                submitted = (common_scores.common_submit(user=request.user, year=year, unit=unit)
                             if unit is not None and request.POST.get("action") == "submit" else 0)
        except ApplicationError as error:
            errors = {key: message for key, message in error.details if isinstance(key, tuple)}
            messages.error(request, error.message)
        else:
            if submitted:
                messages.success(request, _("已保存，并向考核办提交 %(n)d 个得分待审核。") % {"n": submitted})
            else:
                messages.success(request, _("%(dept)s 的共同类得分已保存（%(n)d 处修改）。") % {
                    "dept": department.name, "n": changed})
            return redirect(f"{request.path}?department={department.pk}")
    grid = []
    for person in people:
        cells = []
        for leaf in leaves:
            key, score = (person.pk, leaf.pk), stored.get((person.pk, leaf.pk))
            name = f"v_{person.pk}_{leaf.pk}"
            value = request.POST.get(name) if request.method == "POST" else None
            cells.append({"leaf": leaf, "name": name, "score": score, "error": errors.get(key),
                          "applies": leaf.applies_to(person.category),
                          "value": value if value is not None else ("" if score is None else score.value),
                          "editable": editable and (office or score is None
                                                    or score.status in assessing.EDITABLE_BY_ASSESSOR)})
        grid.append({"person": person, "cells": cells})
    return render(request, "indicators/common_scores.html", {
        "year": year, "departments": departments, "department": department, "leaves": leaves, "grid": grid,
        "editable": editable, "year_period": year_period, "office": office, "units": units})
