"""Reads of the indicator system, each in a constant number of queries whatever the plan's size."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from appraisal.models import AssessmentYear, Department, Person

from .models import Indicator, IndicatorScore, ResponsibilityWeight, ScoreStatus

CATEGORY_ORDER = {"共同类": 0, "管理类": 1, "业务类": 2}


@dataclass
class TreeNode:
    indicator: Indicator
    depth: int
    children: list[TreeNode] = field(default_factory=list)
    leaf_count: int = 0
    total_full_score: Decimal = Decimal("0")

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class PlanOverview:
    roots: list[TreeNode]
    rows: list[TreeNode]  # depth-first, for rendering
    by_category: dict[str, tuple[int, Decimal]]  # category -> (leaves, total full score)
    by_department: list[tuple[Department, int, Decimal]]
    count: int


def plan_tree(assessment_year: AssessmentYear) -> PlanOverview:
    indicators = list(Indicator.objects.filter(assessment_year=assessment_year).select_related("department")
                      .order_by("sort_order", "code"))
    nodes = {ind.pk: TreeNode(ind, 0) for ind in indicators}
    roots: list[TreeNode] = []
    for ind in indicators:
        node = nodes[ind.pk]
        if ind.parent_id and ind.parent_id in nodes:
            nodes[ind.parent_id].children.append(node)
        else:
            roots.append(node)
    roots.sort(key=lambda n: (CATEGORY_ORDER.get(n.indicator.category, 9), n.indicator.sort_order, n.indicator.code))
    rows: list[TreeNode] = []
    by_category: dict[str, list] = defaultdict(lambda: [0, Decimal("0")])
    by_department: dict[int, list] = {}

    def walk(node: TreeNode, depth: int) -> None:
        node.depth = depth
        rows.append(node)
        for child in node.children:
            walk(child, depth + 1)
        if node.is_leaf:
            full = node.indicator.full_score or Decimal("0")
            node.leaf_count, node.total_full_score = 1, full
            by_category[node.indicator.category][0] += 1
            by_category[node.indicator.category][1] += full
            if node.indicator.department_id:
                entry = by_department.setdefault(node.indicator.department_id, [node.indicator.department, 0,
                                                                                 Decimal("0")])
                entry[1] += 1
                entry[2] += full
        else:
            node.leaf_count = sum(c.leaf_count for c in node.children)
            node.total_full_score = sum((c.total_full_score for c in node.children), Decimal("0"))

    for root in roots:
        walk(root, 0)
    departments = sorted(by_department.values(), key=lambda e: (e[0].sort_order, e[0].code))
    return PlanOverview(roots, rows, {k: (v[0], v[1]) for k, v in by_category.items()},
                        [(d, n, total) for d, n, total in departments], len(indicators))


def indicator_paths(assessment_year: AssessmentYear) -> dict[int, str]:
    """"Category › level 2 › …" for every indicator, from one query."""
    rows = {pk: (parent, name) for pk, parent, name in
            Indicator.objects.filter(assessment_year=assessment_year).values_list("pk", "parent_id", "name")}
    paths: dict[int, str] = {}

    def path(pk: int) -> str:
        if pk not in paths:
            parent, name = rows[pk]
            paths[pk] = name if parent is None or parent not in rows else f"{path(parent)} › {name}"
        return paths[pk]

    for pk in rows:
        path(pk)
    return paths


@dataclass
class DepartmentTableRow:
    indicator: Indicator
    path: str
    weights: list[ResponsibilityWeight]
    weight_total: Decimal


def department_table(assessment_year: AssessmentYear, department: Department) -> list[DepartmentTableRow]:
    """机关一表: the department's leaves with full scores and responsible persons."""
    parent_ids = set(Indicator.objects.filter(assessment_year=assessment_year, parent__isnull=False)
                     .values_list("parent_id", flat=True))
    leaves = (Indicator.objects.filter(assessment_year=assessment_year, department=department)
              .exclude(pk__in=parent_ids)
              .prefetch_related(Prefetch("weights", queryset=ResponsibilityWeight.objects.select_related("person")
                                         .order_by("-weight", "person__staff_id")))
              .order_by("category", "sort_order", "code"))
    paths = indicator_paths(assessment_year)
    rows = []
    for leaf in leaves:
        weights = list(leaf.weights.all())
        rows.append(DepartmentTableRow(leaf, paths.get(leaf.parent_id, ""), weights,
                                       sum((w.weight for w in weights), Decimal("0"))))
    return rows


@dataclass
class PersonTableRow:
    indicator: Indicator
    path: str
    weight: Decimal
    latest_score: IndicatorScore | None


def person_table(assessment_year: AssessmentYear, person: Person) -> list[PersonTableRow]:
    """一人一表: the indicators a person carries, their weights and each one's latest score."""
    weights = list(ResponsibilityWeight.objects.filter(person=person, indicator__assessment_year=assessment_year)
                   .select_related("indicator", "indicator__department")
                   .order_by("indicator__category", "indicator__sort_order", "indicator__code"))
    indicator_ids = [w.indicator_id for w in weights]
    latest: dict[int, IndicatorScore] = {}
    # the person's table shows figures that count: scores the office approved
    for score in (IndicatorScore.objects.filter(indicator_id__in=indicator_ids, status=ScoreStatus.APPROVED)
                  .select_related("period")
                  .order_by("indicator_id", "period__kind", "period__number")):
        current = latest.get(score.indicator_id)
        if current is None or score.period.number >= current.period.number:
            latest[score.indicator_id] = score
    paths = indicator_paths(assessment_year)
    return [PersonTableRow(w.indicator, paths.get(w.indicator.parent_id, ""), w.weight, latest.get(w.indicator_id))
            for w in weights]


def weight_editor_people(indicator: Indicator):
    return Person.objects.filter(department_id=indicator.department_id, is_active=True).order_by("staff_id")
