"""Pure rules of an indicator plan and its responsibility weights (EXCHANGE.md 指标 and 责任比重).

No Django: the tree editor, the weight form and the Excel import all describe the plan as
``PlanNode`` values and ask these functions for every problem, each tied to a code and a column
(the Chinese column header of the exchange format), so that nothing partial is ever saved.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

CATEGORIES = ("共同类", "管理类", "业务类")
CYCLES = ("月度", "半年", "年度")
KINDS = ("常规", "加分", "扣分", "否决")
IMPORTANCES = ("主要", "一般")
OFFICE = "考核办"  # the 考核主体 that is not a department
WEIGHT_TOTAL = Decimal("100")
WEIGHT_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class PlanNode:
    code: str
    name: str
    parent_code: str | None = None
    category: str = ""  # as given; children may leave it empty and inherit the root's
    department_code: str | None = None
    full_score: Decimal | None = None
    bonus_cap: Decimal = Decimal("0")
    cycle: str = ""
    kind: str = "常规"
    importance: str = ""
    assessor_code: str | None = None  # 考核主体: a department code; None (or OFFICE) for the office
    person_categories: tuple[str, ...] = ()  # 适用人员类别 of a common leaf; empty: everybody


@dataclass(frozen=True)
class Problem:
    code: str  # the indicator (or "" for the plan as a whole)
    column: str  # the Chinese column header it concerns
    message: str
    staff_id: str = ""  # for weight problems: the person concerned, if any


def resolve_categories(nodes: list[PlanNode]) -> dict[str, str]:
    """Each code's category: the one of its root (the chain of parents), or "" where the chain
    is broken or cyclic."""
    by_code = {node.code: node for node in nodes}
    resolved: dict[str, str] = {}
    for node in nodes:
        seen: set[str] = set()
        current = node
        while current.parent_code and current.parent_code in by_code and current.code not in seen:
            seen.add(current.code)
            current = by_code[current.parent_code]
        broken = current.parent_code is not None or current.code in seen
        resolved[node.code] = "" if broken else current.category
    return resolved


def leaf_codes(nodes: list[PlanNode]) -> set[str]:
    """Codes without children. A root with neither full score nor cycle is an empty category
    being built in the editor, not a leaf."""
    parents = {node.parent_code for node in nodes if node.parent_code}
    return {node.code for node in nodes if node.code not in parents
            and not (node.parent_code is None and node.full_score is None and not node.cycle)}


def validate_plan(nodes: list[PlanNode], department_codes: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    by_code: dict[str, PlanNode] = {}
    for node in nodes:
        if not node.code:
            problems.append(Problem("", "指标编码", "指标编码不能为空"))
            continue
        if node.code in by_code:
            problems.append(Problem(node.code, "指标编码", f"指标编码“{node.code}”重复"))
        by_code[node.code] = node
        if not node.name:
            problems.append(Problem(node.code, "指标名称", "指标名称不能为空"))
    problems.extend(_tree_problems(nodes, by_code))
    categories = resolve_categories(nodes)
    leaves = leaf_codes(nodes)
    for node in by_code.values():
        problems.extend(_node_problems(node, categories.get(node.code, ""), node.code in leaves, department_codes))
    return problems


def _tree_problems(nodes: list[PlanNode], by_code: dict[str, PlanNode]) -> list[Problem]:
    problems = []
    for node in nodes:
        if node.parent_code and node.parent_code not in by_code:
            problems.append(Problem(node.code, "上级指标编码", f"上级指标“{node.parent_code}”不存在"))
    # A cycle: following parents from a node comes back to it.
    reported: set[str] = set()
    for node in nodes:
        chain: list[str] = []
        current = node
        while current is not None and current.code not in chain:
            chain.append(current.code)
            current = by_code.get(current.parent_code) if current.parent_code else None
        if current is not None and current.code == node.code and node.code not in reported:
            cycle = chain[chain.index(node.code):]
            reported.update(cycle)
            problems.append(Problem(node.code, "上级指标编码",
                                    "指标上下级形成循环：" + " → ".join([*cycle, node.code])))
    return problems


def _node_problems(node: PlanNode, category: str, is_leaf: bool, department_codes: set[str]) -> list[Problem]:
    problems = []

    def add(column: str, message: str) -> None:
        problems.append(Problem(node.code, column, message))

    if node.parent_code is None:
        if node.category not in CATEGORIES:
            add("指标类别", "一级指标须注明指标类别（共同类 / 管理类 / 业务类）")
    elif node.category and category and node.category != category:
        add("指标类别", f"下级指标的类别须与一级指标一致（应为“{category}”）")
    if node.kind and node.kind not in KINDS:
        add("指标性质", "指标性质只能是 常规 / 加分 / 扣分 / 否决")
    if node.importance and node.importance not in IMPORTANCES:
        add("重要程度", "重要程度只能是 主要 / 一般")
    if node.cycle and node.cycle not in CYCLES:
        add("考核周期", "考核周期只能是 月度 / 半年 / 年度")
    if node.bonus_cap is None or node.bonus_cap < 0:
        add("加分上限", "加分上限不能小于 0")
    if node.department_code and node.department_code not in department_codes:
        add("责任部门编码", f"部门“{node.department_code}”不存在")
    if node.assessor_code and node.assessor_code != OFFICE and node.assessor_code not in department_codes:
        add("考核主体", f"考核主体“{node.assessor_code}”不是部门编码，也不是“{OFFICE}”")
    if node.person_categories and category != "共同类":
        add("适用人员类别", "只有共同类指标可以限定适用人员类别")
    if not is_leaf:
        return problems
    if node.full_score is None or node.full_score <= 0:
        add("分值", "末级指标的分值须大于 0")
    if not node.cycle:
        add("考核周期", "末级指标须注明考核周期（月度 / 半年 / 年度）")
    if category == "共同类":
        if node.cycle and node.cycle != "年度":
            add("考核周期", "共同类指标的考核周期须为“年度”")
        if node.department_code:
            add("责任部门编码", "共同类指标不设责任部门")
    elif category in ("管理类", "业务类"):
        if node.kind and node.kind != "常规":
            add("指标性质", "只有共同类指标可以是加分、扣分或否决指标")
        if node.cycle == "年度":
            add("考核周期", "管理类、业务类指标的考核周期须为“月度”或“半年”")
        if not node.department_code:
            add("责任部门编码", "管理类、业务类末级指标须注明责任部门")
    return problems


def split_categories(text: str) -> tuple[str, ...]:
    """适用人员类别 as written in a cell: names separated by 、 , ， ; or spaces; duplicates dropped."""
    names = [name for name in re.split(r"[、,，;；\s]+", text or "") if name]
    return tuple(dict.fromkeys(names))


def score_bounds(*, category: str, kind: str, full_score: Decimal, bonus_cap: Decimal) -> tuple[Decimal, Decimal]:
    """The legal range of a score: regular leaves 0 … full + cap; bonus and deduction points
    0 … full; veto marks 0 or 1."""
    if kind == "否决":
        return Decimal("0"), Decimal("1")
    if kind in ("加分", "扣分"):
        return Decimal("0"), full_score
    return Decimal("0"), full_score + bonus_cap


@dataclass(frozen=True)
class WeightedLeaf:
    code: str
    category: str
    department_code: str | None
    is_leaf: bool


def validate_weights(weights: list[tuple[str, str, Decimal | None]], leaves: dict[str, WeightedLeaf],
                     person_departments: dict[str, str | None]) -> list[Problem]:
    """Responsibility weights: (indicator code, staff id, weight in percent) rows.

    The indicator is a management or business leaf; the person belongs to its department; each
    weight > 0; one row per indicator and person; the weights of an indicator sum to 100 ± 0.01.
    """
    problems: list[Problem] = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    unreadable: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for code, staff_id, weight in weights:
        leaf = leaves.get(code)
        if leaf is None:
            problems.append(Problem(code, "指标编码", f"指标“{code}”不存在", staff_id))
            continue
        if not leaf.is_leaf or leaf.category not in ("管理类", "业务类"):
            problems.append(Problem(code, "指标编码", "只有管理类、业务类末级指标可以分配责任比重", staff_id))
            continue
        if staff_id not in person_departments:
            problems.append(Problem(code, "工号", f"人员“{staff_id}”不存在", staff_id))
        elif person_departments[staff_id] != leaf.department_code:
            problems.append(Problem(code, "工号", f"人员“{staff_id}”不属于该指标的责任部门", staff_id))
        if (code, staff_id) in seen:
            problems.append(Problem(code, "工号", f"指标“{code}”的责任人“{staff_id}”重复", staff_id))
        seen.add((code, staff_id))
        if weight is None:
            unreadable.add(code)
            problems.append(Problem(code, "比重", "比重须为数字", staff_id))
        elif weight <= 0:
            unreadable.add(code)
            problems.append(Problem(code, "比重", "比重须大于 0", staff_id))
        else:
            totals[code] += weight
    for code, total in totals.items():
        if code not in unreadable and abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
            problems.append(Problem(code, "比重", f"指标“{code}”的责任比重合计为 {total.normalize():f}%，应为 100%"))
    return problems
