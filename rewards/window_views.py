"""Pages for every appraised unit (DOMAIN.md §9): 绩效之窗 with rank movements and history, the
per-indicator analysis with its Excel export, and the trend charts."""
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.utils.translation import gettext

from appraisal import access, audit, downloads, formats
from appraisal.models import Department, DepartmentGroup, Person
from appraisal.selectors import current_organisation

from . import analysis as analysis_service
from . import publication, trends as trend_service
from . import window as window_service
from .leaderboard import CATEGORY_FIELDS
from .views import _pick_year, _sees_everything, _years


def _shown(request, year):
    return publication.everything() if _sees_everything(request, year) else publication.published(year)


@access.require("results.window")
@never_cache
def window(request):
    years = _years(request)
    year = _pick_year(request, years)
    data = None
    if year is not None:
        access.check(request.user, "results.window", year)
        data = window_service.window(year, group=request.GET.get("group", ""),
                                     category=request.GET.get("category", ""))
    actor = access.actor_for(request.user)
    return render(request, "rewards/window.html", {
        "years": years, "year": year, "window": data, "groups": DepartmentGroup.choices,
        "categories": list(CATEGORY_FIELDS), "mine": actor.department_id,
        "headed": actor.headed_department_ids})


@access.require("results.window")
@never_cache
def window_department(request, pk):
    organisation = current_organisation(request.user)
    department = get_object_or_404(Department, pk=pk, organisation=organisation)
    years = _years(request)
    year = _pick_year(request, years)
    points = []
    if year is not None:
        access.check(request.user, "results.window", year)
        points = window_service.rank_history(year, department)
    chart = {"kind": "line", "x": [p.day.isoformat() for p in points], "inverse": True, "y_name": "名次",
             "series": [{"name": gettext("总排名"), "data": [p.overall_rank for p in points], "step": "end"},
                        {"name": gettext("组内排名"), "data": [p.group_rank for p in points], "step": "end"}]}
    return render(request, "rewards/window_department.html", {
        "years": years, "year": year, "department": department, "points": points,
        "weeks": list(reversed(window_service.weekly(points))), "chart": chart,
        "latest": points[-1] if points else None})


@access.require("results.window")
@never_cache
def analysis(request):
    years = _years(request)
    year = _pick_year(request, years)
    data = None
    if year is not None:
        access.check(request.user, "results.window", year)
        actor = access.actor_for(request.user)
        department_id = actor.department_id or (min(actor.headed_department_ids) if actor.headed_department_ids
                                                else None)
        data = analysis_service.analyse(year, _shown(request, year), span_key=request.GET.get("span", ""),
                                        department_id=department_id)
    return render(request, "rewards/analysis.html", {"years": years, "year": year, "analysis": data})


@access.require("results.window")
@never_cache
def analysis_export(request):
    years = _years(request)
    year = _pick_year(request, years)
    if year is None:
        return HttpResponse(status=404)
    access.check(request.user, "results.window", year)
    data = analysis_service.analyse(year, _shown(request, year), span_key=request.GET.get("span", ""))
    content = analysis_service.workbook(year, data)
    audit.record("analysis.export", actor=request.user, obj=year, organisation_id=year.organisation_id,
                 new={"span": data.span.key if data.span else ""})
    span = data.span.key if data.span else "none"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return downloads.attach(response, f"{year.organisation.name}_{year.year}年度绩效分析_{span}.xlsx",
                            f"{year.organisation.code}-{year.year}-analysis-{span}.xlsx")


@access.require("results.window")
@never_cache
def trends(request):
    """The trend page: the viewer's department (or the one asked for, where allowed), the own person,
    and a shared indicator across departments."""
    organisation = current_organisation(request.user)
    actor = access.actor_for(request.user)
    years = _years(request)
    year = _pick_year(request, years)
    departments = list(Department.objects.filter(organisation=organisation).order_by("sort_order", "code"))
    readable = [d for d in departments if access.can(request.user, "department.results", d)
                or d.pk == actor.department_id]
    department = None
    wanted = request.GET.get("department", "")
    if wanted:
        department = next((d for d in readable if str(d.pk) == wanted), None)
        if department is None:
            access.check(request.user, "department.results", get_object_or_404(Department, pk=wanted,
                                                                               organisation=organisation))
    if department is None and readable:
        own = actor.department_id or (min(actor.headed_department_ids) if actor.headed_department_ids else None)
        department = next((d for d in readable if d.pk == own), readable[0])
    everything = year is not None and _sees_everything(request, year)
    department_trend = trend_service.department_trend(department, everything=everything) if department else None
    person = None
    person_trend = None
    wanted_person = request.GET.get("person", "")
    if wanted_person:
        person = get_object_or_404(Person, pk=wanted_person, organisation=organisation)
        access.check(request.user, "person.read", person)
    elif actor.person_id and access.can(request.user, "staff.self"):
        person = Person.objects.get(pk=actor.person_id)
    if person is not None:
        person_trend = trend_service.person_trend(person, everything=everything)
    indicator = None
    names = []
    if year is not None:
        names = [n for n, _c in analysis_service.shared_names(year)]
        name = request.GET.get("indicator", "") or (names[0] if names else "")
        if name in names:
            indicator = trend_service.indicator_trend(year, name, _shown(request, year))
    return render(request, "rewards/trends.html", {
        "years": years, "year": year, "departments": readable, "department": department,
        "department_trend": department_trend, "person": person, "person_trend": person_trend,
        "indicator_names": names, "indicator": indicator,
        "indicator_bar": indicator.bar_spec() if indicator else None,
        "indicator_line": indicator.line_spec({department.pk} if department else set()) if indicator else None,
        "month_labels": [formats.month_name(m) for m in range(1, 13)]})
