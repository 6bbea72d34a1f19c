"""Pages of the indicator system: the office's tree editor, the department table (机关一表), the
person table (一人一表), responsibility weights and score entry."""
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import access, downloads
from appraisal.errors import ApplicationError
from appraisal.models import AssessmentYear, Department, Person
from appraisal.selectors import current_organisation

from . import selectors, services, tree_cache
from .forms import IndicatorForm, WeightsForm
from .models import Indicator


def _year(request, year_pk) -> AssessmentYear:
    organisation = current_organisation(request.user)
    return get_object_or_404(AssessmentYear, pk=year_pk, organisation=organisation)


def _latest_year(request) -> AssessmentYear | None:
    return AssessmentYear.objects.filter(organisation=current_organisation(request.user)).order_by("-year").first()


@access.require("office.or_leader")
def plan_home(request):
    year = _latest_year(request)
    if year is None:
        messages.info(request, _("尚未建立考核年度。"))
        return redirect("year_list")
    return redirect("indicators:tree", year_pk=year.pk)


@access.require("office.or_leader")
def tree(request, year_pk):
    year = _year(request, year_pk)
    can_manage = access.can(request.user, "office.manage", year)
    count, plan_html = tree_cache.rendered_plan(year, can_manage=can_manage)  # rendered once per plan version
    previous = None if count else (AssessmentYear.objects.filter(organisation=year.organisation, year__lt=year.year)
                                   .order_by("-year").first())
    return render(request, "indicators/tree.html", {
        "year": year, "count": count, "plan_html": plan_html, "previous_year": previous, "can_manage": can_manage,
        "years": AssessmentYear.objects.filter(organisation=year.organisation).order_by("-year")})


@access.require("office.manage")
def indicator_edit(request, year_pk, pk=None):
    year = _year(request, year_pk)
    indicator = get_object_or_404(Indicator, pk=pk, assessment_year=year) if pk else None
    initial = {}
    if indicator is None and request.GET.get("parent", "").isdigit():
        parent = Indicator.objects.filter(pk=request.GET["parent"], assessment_year=year).first()
        if parent is not None:
            initial = {"parent": parent, "category": parent.category, "department": parent.department}
    form = IndicatorForm(request.POST or None, instance=indicator, assessment_year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.indicator_save(user=request.user, indicator=form.save(commit=False),
                                            reason=form.cleaned_data["reason"],
                                            effective_month=form.cleaned_data["effective_month"])
        except ApplicationError as error:
            form.add_error(None, error.message)
            for column, message in error.details:
                form.add_error(None, f"{column}：{message}")
        else:
            messages.success(request, _("指标“%(name)s”已保存。") % {"name": saved.name})
            return redirect(f"{_tree_url(year)}#ind-{saved.pk}")
    return render(request, "indicators/indicator_form.html", {"form": form, "year": year, "indicator": indicator})


def _tree_url(year) -> str:
    from django.urls import reverse

    return reverse("indicators:tree", kwargs={"year_pk": year.pk})


@require_POST
@access.require("office.manage")
def indicator_delete(request, year_pk, pk):
    year = _year(request, year_pk)
    indicator = get_object_or_404(Indicator, pk=pk, assessment_year=year)
    try:
        services.indicator_delete(user=request.user, indicator=indicator, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("指标已删除。"))
    return redirect("indicators:tree", year_pk=year.pk)


@require_POST
@access.require("office.manage")
def plan_copy(request, year_pk):
    year = _year(request, year_pk)
    source = get_object_or_404(AssessmentYear, pk=request.POST.get("source"), organisation=year.organisation)
    try:
        result = services.plan_copy(user=request.user, source=source, target=year)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已从 %(src)s 年度复制 %(n)d 个指标、%(w)d 条责任比重。") % {
            "src": source.year, "n": result.indicators, "w": result.weights})
    return redirect("indicators:tree", year_pk=year.pk)


@access.require("department.read")
def department_table(request, year_pk, department_pk):
    year = _year(request, year_pk)
    department = get_object_or_404(Department.objects.select_related("head"), pk=department_pk,
                                   organisation=year.organisation)
    access.check(request.user, "department.read", department)
    rows = selectors.department_table(year, department)
    return render(request, "indicators/department_table.html", {
        "year": year, "department": department, "rows": rows,
        "total_full_score": sum((r.indicator.full_score or Decimal("0") for r in rows), Decimal("0")),
        "can_weigh": access.can(request.user, "department.head", department)
        or access.can(request.user, "office.manage", year)})


@access.require("person.read")
def person_table(request, year_pk, person_pk):
    year = _year(request, year_pk)
    person = get_object_or_404(Person.objects.select_related("department"), pk=person_pk,
                               organisation=year.organisation)
    access.check(request.user, "person.read", person)
    rows = selectors.person_table(year, person)
    return render(request, "indicators/person_table.html", {"year": year, "person": person, "rows": rows})


@access.require("appraisal.participant")
def my_table(request):
    actor = access.actor_for(request.user)
    year = _latest_year(request)
    if year is None or actor.person_id is None:
        messages.info(request, _("您没有个人考核表。"))
        return redirect("home")
    return redirect("indicators:person_table", year_pk=year.pk, person_pk=actor.person_id)


@access.require("department.read")
def weights_edit(request, year_pk, pk):
    year = _year(request, year_pk)
    indicator = get_object_or_404(Indicator.objects.select_related("department"), pk=pk, assessment_year=year)
    if not (access.can(request.user, "department.head", indicator.department)
            or access.can(request.user, "office.manage", year)):
        access.check(request.user, "office.manage", year)  # raises: the Chinese 403 page, audited
    current = {w.person_id: w.weight for w in indicator.weights.all()}
    form = WeightsForm(request.POST or None, people=selectors.weight_editor_people(indicator), current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.weights_set(user=request.user, indicator=indicator, weights=form.weights(),
                                 reason=form.cleaned_data["reason"],
                                 effective_month=form.cleaned_data["effective_month"])
        except ApplicationError as error:
            form.add_error(None, error.message)
            for _key, message in error.details:
                form.add_error(None, message)
        else:
            messages.success(request, _("“%(name)s”的责任比重已保存。") % {"name": indicator.name})
            return redirect("indicators:department_table", year_pk=year.pk, department_pk=indicator.department_id)
    return render(request, "indicators/weights_form.html", {"form": form, "year": year, "indicator": indicator})


@access.require("office.or_leader")
def plan_export(request, year_pk):
    from django.http import HttpResponse

    from . import plan_io

    year = _year(request, year_pk)
    content = plan_io.plan_export(user=request.user, assessment_year=year)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    downloads.attach(response, f"{year.organisation.name}_{year.year}年度指标计划.xlsx",
                     f"plan-{year.organisation.code}-{year.year}.xlsx")
    return response


@access.require("office.manage")
def plan_import(request, year_pk):
    from . import plan_io
    from .forms import PlanImportForm
    from .services import plan_in_use

    year = _year(request, year_pk)
    form = PlanImportForm(request.POST or None, request.FILES or None, in_use=plan_in_use(year))
    report = None
    if request.method == "POST" and form.is_valid():
        report = plan_io.plan_import(user=request.user, assessment_year=year,
                                     content=form.cleaned_data["file"].read(),
                                     dry_run=request.POST.get("dry_run") == "1",
                                     reason=form.cleaned_data.get("reason", ""),
                                     effective_month=form.cleaned_data.get("effective_month"))
        if report.written:
            messages.success(request, _("导入完成：新增 %(c)d 个指标，更新 %(u)d 个，责任比重 %(w)d 条。") % {
                "c": report.created, "u": report.updated, "w": report.weights})
            return redirect("indicators:tree", year_pk=year.pk)
    return render(request, "indicators/plan_import.html", {"form": form, "report": report, "year": year})


@access.require("scores.assess")
def actuals_import(request, year_pk):
    """The office, or an assessor for the leaves its department assesses (saved as drafts)."""
    from appraisal.forms import EvidenceUploadForm

    from . import actuals

    year = _year(request, year_pk)
    form = EvidenceUploadForm(request.POST or None, request.FILES or None, extensions=(".xlsx", ".csv"))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = actuals.actuals_import(user=request.user, assessment_year=year, content=upload.read(),
                                        filename=upload.name, dry_run=request.POST.get("dry_run") == "1")
        if report.written:
            messages.success(request, _("已由实际值计算并保存 %(n)d 个得分。") % {"n": len(report.rows)})
            return redirect("indicators:score_entry", year_pk=year.pk)
    return render(request, "indicators/actuals_import.html", {"form": form, "report": report, "year": year})
