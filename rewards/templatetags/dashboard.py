"""{% role_dashboard year %}: the home page's dashboard per role, rendered from rewards.dashboard.
A template tag keeps the core's home view free of imports from the apps above it."""
from django import template

from rewards import dashboard

register = template.Library()


@register.inclusion_tag("rewards/_dashboard.html", takes_context=True)
def role_dashboard(context, year):
    request = context["request"]
    board = dashboard.build(request.user, year) if year is not None else None
    return {"board": board, "year": year, "request": request}
