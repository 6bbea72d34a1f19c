"""The results pages: a civil servant's own results (我的成绩), a department's people (本部门成绩) and
the office's overview (考核结果) with the pipeline run and the results workbook.

Every page sends ``Cache-Control: no-store`` (SECURITY.md item 4) and reads only the stored result
tables, so no page can show a rater (item 12)."""
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appraisal import access
from appraisal.errors import ApplicationError
from appraisal.models import AssessmentYear, Department, Person
from appraisal.selectors import current_organisation
from scoring import job_display
from scoring.models import ScoringJob

from . import selectors


def _years(request):
    return list(AssessmentYear.objects.filter(organisation=current_organisation(request.user)).order_by("-year"))


def _pick_year(request, years) -> AssessmentYear | None:
    """The year asked for (?year=<pk>), else the latest; a year of another organisation is a 404."""
    wanted = request.GET.get("year", "")
    if wanted:
        for year in years:
            if str(year.pk) == wanted:
                return year
        raise Http404("year")
    return years[0] if years else None


def _sees_everything(request, year) -> bool:
    return access.can(request.user, "office.manage", year)


def _may_export(request, year) -> bool:
    """A year's grades and rewards are the office's until the year is in publicity (DOMAIN.md §8)."""
    from .exports import may_export_results

    return may_export_results(request.user, year)


def _page(request, template, context):
    return render(request, template, context)


@access.require("staff.self")
@never_cache
def mine(request):
    actor = access.actor_for(request.user)
    person = get_object_or_404(Person.objects.select_related("department"), pk=actor.person_id)
    return _person_page(request, person, mine=True)


@access.require("person.read")
@never_cache
def person(request, pk):
    organisation = current_organisation(request.user)
    target = get_object_or_404(Person.objects.select_related("department"), pk=pk, organisation=organisation)
    access.check(request.user, "person.read", target)
    return _person_page(request, target, mine=target.pk == access.actor_for(request.user).person_id)


def _person_page(request, target, *, mine: bool):
    years = _years(request)
    year = _pick_year(request, years)
    results = None
    if year is not None:
        results = selectors.person_results(year, target, all_periods=_sees_everything(request, year))
    return _page(request, "rewards/person.html", {
        "person": target, "mine": mine, "years": years, "year": year, "results": results,
        "months": selectors.MONTHS,
        "min_raters": results.peer_floor if results is not None else selectors.MIN_AGGREGATE_RATERS,
        "can_read_department": target.department_id is not None
        and access.can(request.user, "department.results", target.department)})


@access.require("department.results")
@never_cache
def department(request, pk):
    organisation = current_organisation(request.user)
    target = get_object_or_404(Department.objects.select_related("head"), pk=pk, organisation=organisation)
    access.check(request.user, "department.results", target)
    years = _years(request)
    year = _pick_year(request, years)
    results = None
    if year is not None:
        results = selectors.department_results(year, target, all_periods=_sees_everything(request, year))
    return _page(request, "rewards/department.html", {
        "department": target, "years": years, "year": year, "results": results, "months": selectors.MONTHS,
        "grades": selectors.GRADES, "is_reader": access.can(request.user, "office.or_leader", year)})


@access.require("department.results")
@never_cache
def my_department(request):
    """The head's entry: the own (first) department."""
    actor = access.actor_for(request.user)
    if not actor.headed_department_ids:
        return redirect("results:overview")
    department_id = min(actor.headed_department_ids)
    url = reverse("results:department", args=[department_id])
    if request.GET.get("year"):
        url += f"?year={request.GET['year']}"
    return redirect(url)


@access.require("office.or_leader")
@never_cache
def overview(request):
    years = _years(request)
    year = _pick_year(request, years)
    if year is not None:
        access.check(request.user, "office.or_leader", year)
    data = selectors.overview(year, all_periods=_sees_everything(request, year)) if year is not None else None
    job = job_display.latest_job(year) if year is not None else None
    return _page(request, "rewards/overview.html", {
        "years": years, "year": year, "overview": data, "grades": selectors.GRADES, "halves": selectors.HALVES,
        "job": job_display.job_payload(job) if job else None,
        "can_compute": year is not None and access.can(request.user, "office.manage", year),
        "can_export": year is not None and _may_export(request, year)})


def _year_of_org(request, pk) -> AssessmentYear:
    return get_object_or_404(AssessmentYear.objects.select_related("organisation"), pk=pk,
                             organisation=current_organisation(request.user))


@require_POST
@access.require("office.manage")
def compute(request, year_pk):
    """Start a computation of the year, join the one already running, or retry a failed one; the
    message says which, and says at once when the broker is down and the job waits queued."""
    from scoring.jobs import job_request

    year = _year_of_org(request, year_pk)
    access.check(request.user, "office.manage", year)
    retry_of = None
    if request.POST.get("retry_of", "").isdigit():
        retry_of = ScoringJob.objects.filter(assessment_year=year, kind=ScoringJob.Kind.COMPUTE, pk=int(request.POST["retry_of"]),
                                             state=ScoringJob.State.FAILED).first()
    try:
        ticket = job_request(user=request.user, assessment_year=year, retry_of=retry_of)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        job = ticket.job
        if job.state == ScoringJob.State.FAILED or (job.state == ScoringJob.State.PENDING and not job.dispatched_at):
            level = messages.WARNING
        else:
            level = messages.INFO if ticket.joined else messages.SUCCESS
        messages.add_message(request, level, ticket.message())
    return redirect(f"{reverse('results:overview')}?year={year.pk}#job")


@access.require("office.or_leader")
@never_cache
def job_status(request, year_pk):
    year = _year_of_org(request, year_pk)
    access.check(request.user, "office.or_leader", year)
    return JsonResponse(job_display.job_payload(job_display.latest_job(year)))


@access.require("office.or_leader")
@never_cache
def export(request, year_pk):
    """The results workbook, produced by a background job (issue 16): when it is done within this
    request (eager Celery, the embedded default) the file comes right away; otherwise the job's page
    shows the progress and offers the file when it is ready."""
    from scoring import job_kinds

    from .exports import may_export_results

    year = _year_of_org(request, year_pk)
    access.check(request.user, "office.or_leader", year)
    if not may_export_results(request.user, year):
        # a year's grades and rewards are the office's until the year is in publicity (DOMAIN.md §8)
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("results.unpublished_year")
    ticket = job_kinds.enqueue(ScoringJob.Kind.EXPORT_RESULTS, user=request.user, organisation=year.organisation,
                               assessment_year=year)
    job = ticket.job
    if job.state == ScoringJob.State.DONE and job.file and job.requested_by_id == request.user.pk:
        from appraisal.views.exchange import workbook_job_download

        return workbook_job_download(request, job.pk)
    return redirect("workbook_job", pk=job.pk)

