"""The office's health page: the services the product needs (``appraisal.health``) and the
scoring jobs of the organisation with their honest states (issue 15)."""
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from appraisal import access, health
from appraisal.selectors import current_organisation

from .job_display import recent_jobs


@access.require("system.health")
@never_cache
def system_health(request):
    try:
        organisation = current_organisation(request.user)
    except Http404:
        organisation = None
    can_manage = organisation is not None and access.can(request.user, "office.manage", organisation)
    checks = health.checks()
    return render(request, "scoring/health.html", {
        "checks": checks, "jobs": recent_jobs(organisation) if can_manage else [], "organisation": organisation,
        "can_manage": can_manage, "all_ok": all(c.status in (health.OK, health.OFF) for c in checks)})
