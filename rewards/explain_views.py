"""The explanation of one figure of a person (得分说明): /results/people/<pk>/explain/<figure>/ with
figure ``m<month>``, ``h<half>`` or ``year``. Only figures the viewer may see: the person, the head,
leaders and the office (``person.read``), and only of published periods unless the office asks."""
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from appraisal import access
from appraisal.fields import posted_id
from appraisal.models import AssessmentYear, Person
from appraisal.selectors import current_organisation

from . import explain as service
from . import publication
from .views import _sees_everything


@access.require("person.read")
@never_cache
def explain(request, pk, figure):
    organisation = current_organisation(request.user)
    person = get_object_or_404(Person.objects.select_related("department"), pk=pk, organisation=organisation)
    access.check(request.user, "person.read", person)
    year = get_object_or_404(AssessmentYear, pk=posted_id(request.GET.get("year")), organisation=organisation) \
        if request.GET.get("year", "").isdigit() else AssessmentYear.objects.filter(
            organisation=organisation).order_by("-year").first()
    if year is None:
        raise Http404("year")
    published = publication.published(year)
    shown = publication.everything() if _sees_everything(request, year) else published
    explanation, key = None, None
    if figure.startswith("m") and figure[1:].isdigit() and int(figure[1:]) in shown.months:
        explanation, key = service.monthly(year, person, int(figure[1:])), ("month", int(figure[1:]))
    elif figure.startswith("h") and figure[1:].isdigit() and int(figure[1:]) in shown.halves:
        explanation, key = service.half(year, person, int(figure[1:])), ("half", int(figure[1:]))
    elif figure == "year" and shown.year:
        explanation, key = service.annual(year, person, shown.months, shown.half_names), ("year", 1)
    if explanation is None:
        raise Http404("figure")
    kind, number = key
    published_here = (number in published.months if kind == "month" else number in published.halves
                      if kind == "half" else published.year)
    # not yet in publicity (the office only): 暂定; in publicity: 公示中 (an objection may change it)
    status = "" if published_here and not published.is_in_publicity(kind, number) else (
        "公示中" if published_here else "暂定")
    return render(request, "rewards/explain.html", {
        "e": explanation, "year": year, "person": person, "status": status,
        "mine": person.pk == access.actor_for(request.user).person_id})
