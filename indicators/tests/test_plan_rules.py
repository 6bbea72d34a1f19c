"""EXCHANGE.md 指标 and 责任比重 rules as a table of plans and the problems they must produce."""
from decimal import Decimal as D

import pytest

from indicators.plan_rules import PlanNode, WeightedLeaf, score_bounds, validate_plan, validate_weights

DEPTS = {"D01", "D02"}
ROOTS = [PlanNode("C", "共同类", category="共同类"), PlanNode("M", "管理类", category="管理类"),
         PlanNode("B", "业务类", category="业务类")]


def leaf(code, parent, **fields):
    defaults = dict(full_score=D("10"), cycle="月度", department_code="D01")
    if parent == "C":
        defaults.update(cycle="年度", department_code=None)
    defaults.update(fields)
    return PlanNode(code, f"指标{code}", parent_code=parent, **defaults)


@pytest.mark.parametrize("nodes, expected", [
    ([leaf("B1", "B")], []),
    ([leaf("C1", "C", kind="加分"), leaf("C2", "C", kind="否决")], []),
    ([PlanNode("X", "无类别")], [("X", "指标类别", "一级指标须注明指标类别")]),
    ([leaf("B1", "B", category="管理类")], [("B1", "指标类别", "应为“业务类”")]),
    ([leaf("B1", "B", category="业务类")], []),
    ([leaf("B1", "B", full_score=None)], [("B1", "分值", "须大于 0")]),
    ([leaf("B1", "B", full_score=D("0"))], [("B1", "分值", "须大于 0")]),
    ([leaf("B1", "B", cycle="")], [("B1", "考核周期", "须注明考核周期")]),
    ([leaf("B1", "B", cycle="季度")], [("B1", "考核周期", "只能是")]),
    ([leaf("B1", "B", cycle="年度")], [("B1", "考核周期", "须为“月度”或“半年”")]),
    ([leaf("B1", "B", kind="加分")], [("B1", "指标性质", "只有共同类")]),
    ([leaf("B1", "B", department_code=None)], [("B1", "责任部门编码", "须注明责任部门")]),
    ([leaf("B1", "B", department_code="D99")], [("B1", "责任部门编码", "“D99”不存在")]),
    ([leaf("C1", "C", cycle="月度")], [("C1", "考核周期", "须为“年度”")]),
    ([leaf("C1", "C", department_code="D01")], [("C1", "责任部门编码", "不设责任部门")]),
    ([leaf("B1", "B", bonus_cap=D("-1"))], [("B1", "加分上限", "不能小于 0")]),
    ([leaf("B1", "Z")], [("B1", "上级指标编码", "“Z”不存在")]),
    ([leaf("B1", "B"), leaf("B1", "B")], [("B1", "指标编码", "重复")]),
    ([PlanNode("P", "甲", parent_code="Q"), PlanNode("Q", "乙", parent_code="P")],
     [("P", "上级指标编码", "循环")]),
    ([leaf("B1", "B", kind="奇怪")], [("B1", "指标性质", "只能是")]),
    ([leaf("B1", "B", importance="次要")], [("B1", "重要程度", "只能是")]),
])
def test_plan_table(nodes, expected):
    problems = [p for p in validate_plan(ROOTS + nodes, DEPTS)]
    for code, column, fragment in expected:
        assert any(p.code == code and p.column == column and fragment in p.message for p in problems), problems
    if not expected:
        assert problems == []


def test_parent_nodes_need_no_score_or_cycle():
    nodes = ROOTS + [PlanNode("B1", "分组", parent_code="B"), leaf("B11", "B1")]
    assert validate_plan(nodes, DEPTS) == []


LEAVES = {"B1": WeightedLeaf("B1", "业务类", "D01", True), "B": WeightedLeaf("B", "业务类", None, False),
          "C1": WeightedLeaf("C1", "共同类", None, True)}
PEOPLE = {"1001": "D01", "1002": "D01", "2001": "D02"}


@pytest.mark.parametrize("rows, fragments", [
    ([("B1", "1001", D("60")), ("B1", "1002", D("40"))], []),
    ([("B1", "1001", D("100"))], []),
    ([("B1", "1001", D("60")), ("B1", "1002", D("39.995"))], []),  # within ±0.01
    ([("B1", "1001", D("60")), ("B1", "1002", D("30"))], ["合计为 90%，应为 100%"]),
    ([("B1", "1001", D("60")), ("B1", "1002", D("40.02"))], ["合计为 100.02%"]),
    ([("B1", "1001", D("0")), ("B1", "1002", D("100"))], ["须大于 0"]),
    ([("B1", "2001", D("100"))], ["不属于该指标的责任部门"]),
    ([("B1", "9999", D("100"))], ["“9999”不存在"]),
    ([("B1", "1001", D("50")), ("B1", "1001", D("50"))], ["重复"]),
    ([("B", "1001", D("100"))], ["只有管理类、业务类末级指标"]),
    ([("C1", "1001", D("100"))], ["只有管理类、业务类末级指标"]),
    ([("X", "1001", D("100"))], ["“X”不存在"]),
])
def test_weight_table(rows, fragments):
    messages = [p.message for p in validate_weights(rows, LEAVES, PEOPLE)]
    for fragment in fragments:
        assert any(fragment in m for m in messages), messages
    if not fragments:
        assert messages == []


@pytest.mark.parametrize("kind, full, cap, expected", [
    ("常规", D("10"), D("2"), (D("0"), D("12"))),
    ("加分", D("3"), D("0"), (D("0"), D("3"))),
    ("扣分", D("5"), D("1"), (D("0"), D("5"))),
    ("否决", D("1"), D("0"), (D("0"), D("1"))),
])
def test_score_bounds(kind, full, cap, expected):
    assert score_bounds(category="共同类", kind=kind, full_score=full, bonus_cap=cap) == expected
