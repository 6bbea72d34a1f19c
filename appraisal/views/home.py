from django.shortcuts import render

from .. import access
from ..models import Period
from ..selectors import current_organisation, years_of


@access.require("authenticated")
def home(request):
    actor = access.actor_for(request.user)
    context = {"actor_roles": [access.ROLE_LABELS[r] for r in access.ROLE_LABELS if r in actor.roles]}
    if actor.organisation_id is not None:
        organisation = current_organisation(request.user)
        year = years_of(organisation).first()
        context["organisation"] = organisation
        context["year"] = year
        if year is not None:
            context["open_months"] = list(Period.objects.filter(assessment_year=year, kind="month")
                                          .exclude(state="locked").order_by("number")[:3])
    if actor.person_id:
        context["person"] = (request.user.person.__class__.objects.select_related("department")
                             .get(pk=actor.person_id))
    return render(request, "appraisal/home.html", context)
