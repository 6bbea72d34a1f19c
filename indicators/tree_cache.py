"""The office's indicator tree page, rendered once per plan version (issue 16: 483 leaves make
433 KB of HTML, ~12k template lookups).

The version of a year's plan is a digest of everything the rendered plan shows, read in one query
of plain tuples: every indicator's fields and its department's name and order. Any change to the
plan — an edit, an import, a copy, a move, a deletion, a bulk update that sends no signal, a
department renamed — gives another digest, so the cached HTML can never be stale, in any process,
whatever the cache backend. Each (year, language, manager or reader) keeps only its latest
rendering: a new version replaces the previous one."""
from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from appraisal.models import AssessmentYear

from . import selectors
from .models import Indicator

# everything of an indicator and of its department that the rendered plan shows or orders by
SHOWN = ("pk", "parent_id", "code", "name", "category", "kind", "importance", "cycle", "full_score", "bonus_cap",
         "shared", "sort_order", "department_id", "department__name", "department__code", "department__sort_order")
CACHE_SECONDS = 24 * 3600


def plan_version(assessment_year: AssessmentYear) -> tuple[int, str]:
    """(number of indicators, digest of what the tree shows) in one query."""
    rows = list(Indicator.objects.filter(assessment_year=assessment_year).values_list(*SHOWN).order_by("pk"))
    return len(rows), hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


def rendered_plan(assessment_year: AssessmentYear, *, can_manage: bool) -> tuple[int, SafeString]:
    """The number of indicators and the HTML of the plan (summary cards, tree, departments)."""
    count, version = plan_version(assessment_year)
    key = f"indicators:tree:{assessment_year.pk}:{get_language()}:{int(can_manage)}"
    cached = cache.get(key)
    if cached is not None and cached[0] == version:
        return count, mark_safe(cached[1])  # noqa: S308 — our own template's output, escaped when rendered
    html = render_to_string("indicators/_tree_plan.html", {
        # rows link with this prefix: reversing three URLs for each of ~500 rows would dominate
        "base": reverse("indicators:tree", kwargs={"year_pk": assessment_year.pk}),
        "year": assessment_year, "overview": selectors.plan_tree(assessment_year), "can_manage": can_manage})
    cache.set(key, (version, str(html)), CACHE_SECONDS)
    return count, mark_safe(html)  # noqa: S308
