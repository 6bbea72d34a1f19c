"""The office's page of evaluation groups (互评小组, docs/routine.md): the year's groups, a form to create
one, a page to edit or delete one. Thin: parse, call ``groups``' service, render or redirect."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appraisal import access
from appraisal.errors import ApplicationError

from . import groups, services
from .models import PeerGroup
from .views import _error, _ids, _page, _year


def _members(request, year) -> list[int]:
    """The ticked people, and with bulk add everyone of the chosen departments (and category)."""
    chosen = _ids(request, "members")
    departments = _ids(request, "add_departments")
    if departments:
        chosen += groups.expand(year, departments, request.POST.get("add_category", ""))
    return chosen


def _saved(request, year, group) -> bool:
    """Save the posted group (new when ``group`` is None); on error say so and return False."""
    try:
        groups.group_save(user=request.user, assessment_year=year, group=group, name=request.POST.get("name", ""),
                          person_ids=_members(request, year))
    except ApplicationError as error:
        _error(request, error)
        return False
    messages.success(request, _("互评小组已保存。"))
    return True


def _back(year):
    return redirect(f"{reverse('scoring:routine_groups')}?year={year.pk}")


def _context(year, group=None, posted=None) -> dict:
    scheme = services.scheme_of(year)
    return {"year": year, "group": group, "posted": posted, "floor": int(scheme["peer.min_raters"]),
            **groups.picker(year)}


@access.require("routine.office")
@never_cache
def group_list(request):
    years, year = _year(request)
    access.check(request.user, "office.manage", year)
    if request.method == "POST" and _saved(request, year, None):
        return _back(year)
    status, posted = (400, request.POST) if request.method == "POST" else (200, None)
    chosen = set(_ids(request, "members")) if posted else set()
    return _page(request, "scoring/routine/groups.html", {
        "years": years, "rows": groups.groups_of(year), "chosen": chosen, **_context(year, posted=posted)},
        tab="routine_groups", status=status)


def _group(request, pk) -> PeerGroup:
    group = get_object_or_404(PeerGroup.objects.select_related("assessment_year"), pk=pk,
                              assessment_year__organisation_id=access.actor_for(request.user).organisation_id)
    access.check(request.user, "office.manage", group.assessment_year)
    return group


@access.require("routine.office")
@never_cache
def group_edit(request, pk):
    group = _group(request, pk)
    year = group.assessment_year
    if request.method == "POST" and _saved(request, year, group):
        return _back(year)
    status, posted = (400, request.POST) if request.method == "POST" else (200, None)
    chosen = set(_ids(request, "members")) if posted else set(group.memberships.values_list("person_id", flat=True))
    return _page(request, "scoring/routine/group_edit.html", {"chosen": chosen, **_context(year, group, posted)},
                 tab="routine_groups", status=status)


@require_POST
@access.require("routine.office")
def group_delete(request, pk):
    group = _group(request, pk)
    year = group.assessment_year
    try:
        groups.group_delete(user=request.user, group=group)
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, _("互评小组“%(name)s”已删除。") % {"name": group.name})
    return _back(year)
