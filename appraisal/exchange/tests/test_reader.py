"""The year workbook reader: every public scenario reads cleanly, and every rule of EXCHANGE.md's input
table is reported where it is broken (sheet, Excel row, column) with nothing imported.

Bad workbooks are a public scenario input loaded with openpyxl, broken in one place and saved again.
"""
from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache

import openpyxl
import pytest

from appraisal.exchange.reader import SHEET_SPECS, WorkbookError, read_workbook, write_template
from appraisal.scheme import SCHEME_DEFAULTS
from tests.public_scenarios import SCENARIO_DIR, SCENARIO_NAMES

BASE = "small-11"


@lru_cache(maxsize=None)
def _input_bytes(name: str) -> bytes:
    return (SCENARIO_DIR / f"{name}.input.xlsx").read_bytes()


def load(name: str = BASE) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(_input_bytes(name)))


def col(ws, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def cell(ws, row: int, header: str):
    return ws.cell(row=row, column=col(ws, header))


def put(ws, row: int, header: str, value) -> None:
    cell(ws, row, header).value = value


def get(ws, row: int, header: str):
    return cell(ws, row, header).value


def find(ws, **match) -> int:
    """The first Excel row whose cells equal ``match`` (header=value)."""
    for row in range(2, ws.max_row + 1):
        if all(get(ws, row, header) == value for header, value in match.items()):
            return row
    raise LookupError(match)


def append(ws, **values) -> int:
    ws.append([values.get(c.value) for c in ws[1]])
    return ws.max_row


def read(wb, tmp_path):
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return read_workbook(path)


def expect_only(result, sheet, row, column, fragment):
    """Exactly one problem, at this place, saying this; nothing imported."""
    assert result.data is None
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    error = result.errors[0]
    assert (error.sheet, error.row, error.column) == (sheet, row, column), str(error)
    assert fragment in error.message, str(error)


def expect_among(result, sheet, row, column, fragment):
    assert result.data is None
    assert any((e.sheet, e.row, e.column) == (sheet, row, column) and fragment in e.message
               for e in result.errors), [str(e) for e in result.errors]


def with_scheme(wb, *pairs):
    ws = wb.create_sheet("方案参数", 0)
    ws.append(["参数", "值"])
    for pair in pairs:
        ws.append(list(pair))
    return ws


# ------------------------------------------------------------------------------------------------
# Valid workbooks


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_public_scenarios_read_without_errors(name):
    result = read_workbook(SCENARIO_DIR / f"{name}.input.xlsx")
    assert result.errors == []
    data = result.data
    assert data is not None and data.year == 2025
    assert set(data.scheme) == set(SCHEME_DEFAULTS)
    assert all(isinstance(v, Decimal) for v in data.scheme.values())
    assert all(isinstance(v, Decimal) for v in data.monthly_scores.values())
    assert all(isinstance(v, Decimal) for v in data.weights.values())


def test_small_scenario_content():
    data = read_workbook(SCENARIO_DIR / "small-11.input.xlsx").data
    assert (data.org_code, data.org_name) == ("ORG11", "测试局11")
    assert len(data.departments) == 4 and data.departments[0].head_staff_id == "1001"
    leader = next(p for p in data.persons if p.staff_id == "1019")
    assert leader.position == "局领导" and leader.department_code is None
    leaf = next(i for i in data.indicators if i.code == "MD01-1")
    assert (leaf.category, leaf.cycle, leaf.kind, leaf.department_code) == ("管理类", "月度", "常规", "D01")
    assert leaf.full_score == Decimal("5") and leaf.bonus_cap == Decimal("0")
    parent = next(i for i in data.indicators if i.code == "C1")
    assert parent.category == "共同类" and parent.parent_code == "C"  # children inherit the root's category
    assert data.monthly_scores[(3, "MD01-1")] == Decimal("3.5")
    assert str(data.weights[("MD01-2", "1002")]) == "33.33"  # no binary noise from the float cell
    assert data.history[("1001", 2020)] == "优秀"


def test_scheme_overrides_are_read():
    data = read_workbook(SCENARIO_DIR / "params-13.input.xlsx").data
    assert data.scheme["monthly.dept_weight"] == Decimal("0.5")
    assert data.scheme["workload.非常大"] == Decimal("1.2")
    assert data.scheme["monthly.grade.优秀"] == Decimal("90")  # default kept


def test_optional_sheets_may_be_missing(tmp_path):
    wb = load()
    del wb["历史等次"]
    result = read(wb, tmp_path)
    assert result.errors == [] and result.data.history == {}


def test_column_order_is_free_and_unknown_columns_are_ignored(tmp_path):
    wb = load()
    ws = wb["人员"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    order = [5, 3, 0, 2, 1, 4]
    for r, values in enumerate(rows, start=1):
        for c, index in enumerate(order, start=1):
            ws.cell(row=r, column=c).value = values[index]
        ws.cell(row=r, column=7, value="备注" if r == 1 else "随便写")
    result = read(wb, tmp_path)
    assert result.errors == []
    original = read_workbook(SCENARIO_DIR / f"{BASE}.input.xlsx").data
    assert result.data.persons == original.persons


def test_optional_columns_may_be_missing(tmp_path):
    wb = load()
    wb["人员"].delete_cols(col(wb["人员"], "请假月数"))
    wb["部门"].delete_cols(col(wb["部门"], "负责人工号"))
    result = read(wb, tmp_path)
    assert result.errors == []
    assert all(p.leave_months == 0 for p in result.data.persons)
    assert all(d.head_staff_id is None for d in result.data.departments)


def test_empty_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path):
    wb = load()
    ws = wb["人员"]
    ws.insert_rows(3, amount=2)
    ws.append([])
    result = read(wb, tmp_path)
    assert result.errors == [] and len(result.data.persons) == 22
    put(ws, 6, "职务类型", "科员")  # the person that was on row 4
    expect_only(read(wb, tmp_path), "人员", 6, "职务类型", "科员")


def test_empty_leave_months_default_to_zero(tmp_path):
    wb = load()
    put(wb["人员"], 3, "请假月数", None)
    result = read(wb, tmp_path)
    assert result.errors == []
    assert next(p for p in result.data.persons if p.staff_id == "1002").leave_months == 0


def test_staff_ids_and_codes_typed_as_numbers_are_text(tmp_path):
    wb = load()
    put(wb["人员"], 3, "工号", 1002)
    put(wb["民主测评"], 2, "评价人工号", 1002.0)
    put(wb["单位"], 2, "考核年度", "2025")
    result = read(wb, tmp_path)
    assert result.errors == []
    assert any(p.staff_id == "1002" for p in result.data.persons)
    assert result.data.peer_ratings[0].rater == "1002"
    assert result.data.year == 2025


def test_numbers_typed_as_text_are_read(tmp_path):
    wb = load()
    put(wb["月度指标得分"], 2, "得分", " 4.25 ")
    result = read(wb, tmp_path)
    assert result.errors == []
    assert result.data.monthly_scores[(1, "MD01-1")] == Decimal("4.25")


# ------------------------------------------------------------------------------------------------
# Sheets and columns


def test_missing_required_sheet(tmp_path):
    wb = load()
    del wb["民主测评"]
    expect_only(read(wb, tmp_path), "民主测评", None, None, "缺少工作表“民主测评”")


def test_missing_required_column(tmp_path):
    wb = load()
    wb["民主测评"].delete_cols(col(wb["民主测评"], "等次"))
    expect_only(read(wb, tmp_path), "民主测评", 1, "等次", "缺少必填列“等次”")


def test_missing_column_of_a_referenced_sheet_does_not_cascade(tmp_path):
    wb = load()
    wb["人员"].delete_cols(col(wb["人员"], "工号"))
    expect_only(read(wb, tmp_path), "人员", 1, "工号", "缺少必填列")


def test_repeated_column(tmp_path):
    wb = load()
    wb["工作量系数"].cell(row=1, column=4, value="工号")
    expect_only(read(wb, tmp_path), "工作量系数", 1, "工号", "不止一次")


def test_required_cell_empty(tmp_path):
    wb = load()
    put(wb["人员"], 3, "姓名", "  ")
    expect_only(read(wb, tmp_path), "人员", 3, "姓名", "不能为空")


def test_not_an_excel_file(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"not a workbook")
    result = read_workbook(path)
    assert result.data is None and len(result.errors) == 1
    assert "Excel" in result.errors[0].message


# ------------------------------------------------------------------------------------------------
# 单位


def test_org_sheet_without_a_row(tmp_path):
    wb = load()
    wb["单位"].delete_rows(2)
    expect_only(read(wb, tmp_path), "单位", None, None, "应有且只有一行")


def test_org_sheet_with_two_rows(tmp_path):
    wb = load()
    wb["单位"].append(["ORG99", "另一个局", 2025])
    expect_only(read(wb, tmp_path), "单位", 3, None, "只能有一行")


def test_org_year_not_a_number(tmp_path):
    wb = load()
    put(wb["单位"], 2, "考核年度", "二〇二五")
    expect_only(read(wb, tmp_path), "单位", 2, "考核年度", "不是有效的数字")


# ------------------------------------------------------------------------------------------------
# 部门


def test_department_group_enum(tmp_path):
    wb = load()
    put(wb["部门"], 2, "部门分组", "综合组")
    expect_only(read(wb, tmp_path), "部门", 2, "部门分组", "应为：综合 / 业务 / 事业")


def test_department_code_repeated(tmp_path):
    wb = load()
    row = append(wb["部门"], 部门编码="D01", 部门名称="重复处", 部门分组="综合")
    expect_only(read(wb, tmp_path), "部门", row, "部门编码", "重复（与第2行重复）")


def test_department_head_of_another_department(tmp_path):
    wb = load()
    put(wb["部门"], 2, "负责人工号", "1007")
    expect_only(read(wb, tmp_path), "部门", 2, "负责人工号", "不是本部门“D01”的人员")


def test_department_head_unknown(tmp_path):
    wb = load()
    put(wb["部门"], 2, "负责人工号", "9999")
    expect_only(read(wb, tmp_path), "部门", 2, "负责人工号", "工号“9999”在“人员”表中不存在")


def test_department_head_may_be_empty(tmp_path):
    wb = load()
    put(wb["部门"], 2, "负责人工号", None)
    assert read(wb, tmp_path).errors == []


# ------------------------------------------------------------------------------------------------
# 人员


def test_person_department_unknown(tmp_path):
    wb = load()
    put(wb["人员"], 7, "部门编码", "D09")
    expect_only(read(wb, tmp_path), "人员", 7, "部门编码", "部门“D09”在“部门”表中不存在")


def test_person_department_required_except_for_leaders(tmp_path):
    wb = load()
    put(wb["人员"], 3, "部门编码", None)
    expect_only(read(wb, tmp_path), "人员", 3, "部门编码", "必须填写部门编码")


def test_position_enum(tmp_path):
    wb = load()
    put(wb["人员"], 3, "职务类型", "科员")
    expect_only(read(wb, tmp_path), "人员", 3, "职务类型", "应为：局领导 / 部门负责人 / 一般干部")


@pytest.mark.parametrize("value, fragment", [(13, "0–12"), (-1, "0–12"), (2.5, "应为整数"), ("半年", "不是有效的数字")])
def test_leave_months(tmp_path, value, fragment):
    wb = load()
    put(wb["人员"], 3, "请假月数", value)
    expect_only(read(wb, tmp_path), "人员", 3, "请假月数", fragment)


def test_staff_id_repeated(tmp_path):
    wb = load()
    row = append(wb["人员"], 工号="1002", 姓名="同号人", 部门编码="D01", 职务类型="一般干部")
    expect_only(read(wb, tmp_path), "人员", row, "工号", "工号“1002”重复（与第3行重复）")


# ------------------------------------------------------------------------------------------------
# 指标


def test_root_indicator_needs_a_category(tmp_path):
    wb = load()
    put(wb["指标"], 3, "指标类别", None)
    expect_only(read(wb, tmp_path), "指标", 3, "指标类别", "必须填写指标类别")


def test_indicator_category_enum(tmp_path):
    wb = load()
    put(wb["指标"], 3, "指标类别", "管理")
    expect_among(read(wb, tmp_path), "指标", 3, "指标类别", "应为：共同类 / 管理类 / 业务类")


def test_child_category_must_equal_the_root(tmp_path):
    wb = load()
    put(wb["指标"], 17, "指标类别", "业务类")  # MD01 under M (管理类)
    expect_only(read(wb, tmp_path), "指标", 17, "指标类别", "与所属一级指标“M”的类别“管理类”不一致")


def test_child_may_repeat_the_root_category(tmp_path):
    wb = load()
    put(wb["指标"], 17, "指标类别", "管理类")
    assert read(wb, tmp_path).errors == []


def test_leaf_needs_a_full_score(tmp_path):
    wb = load()
    put(wb["指标"], 18, "分值", None)  # MD01-1
    expect_only(read(wb, tmp_path), "指标", 18, "分值", "必须填写分值")


def test_leaf_full_score_positive(tmp_path):
    wb = load()
    put(wb["指标"], 18, "分值", 0)
    expect_only(read(wb, tmp_path), "指标", 18, "分值", "应大于0")


def test_leaf_needs_a_cycle(tmp_path):
    wb = load()
    put(wb["指标"], 18, "考核周期", None)
    expect_only(read(wb, tmp_path), "指标", 18, "考核周期", "必须填写考核周期")


def test_cycle_enum(tmp_path):
    wb = load()
    put(wb["指标"], 18, "考核周期", "季度")
    expect_only(read(wb, tmp_path), "指标", 18, "考核周期", "应为：月度 / 半年 / 年度")


def test_kind_enum(tmp_path):
    wb = load()
    put(wb["指标"], 8, "指标性质", "奖励")
    expect_only(read(wb, tmp_path), "指标", 8, "指标性质", "应为：常规 / 加分 / 扣分 / 否决")


def test_only_common_leaves_may_be_other_than_regular(tmp_path):
    wb = load()
    put(wb["指标"], 18, "指标性质", "加分")
    expect_only(read(wb, tmp_path), "指标", 18, "指标性质", "只能是常规")


def test_common_leaf_is_yearly(tmp_path):
    wb = load()
    put(wb["指标"], 8, "考核周期", "月度")  # C101
    expect_only(read(wb, tmp_path), "指标", 8, "考核周期", "共同类指标的考核周期应为年度")


def test_common_leaf_has_no_department(tmp_path):
    wb = load()
    put(wb["指标"], 8, "责任部门编码", "D01")
    expect_only(read(wb, tmp_path), "指标", 8, "责任部门编码", "不设责任部门")


def test_department_leaf_is_monthly_or_half_yearly(tmp_path):
    wb = load()
    put(wb["指标"], 19, "考核周期", "年度")  # MD01-2, which has half-year scores
    expect_only(read(wb, tmp_path), "指标", 19, "考核周期", "应为月度或半年")


def test_department_leaf_needs_a_department(tmp_path):
    wb = load()
    put(wb["指标"], 18, "责任部门编码", None)
    expect_only(read(wb, tmp_path), "指标", 18, "责任部门编码", "必须填写责任部门编码")


def test_indicator_department_unknown(tmp_path):
    wb = load()
    put(wb["指标"], 18, "责任部门编码", "D09")
    expect_only(read(wb, tmp_path), "指标", 18, "责任部门编码", "部门“D09”在“部门”表中不存在")


def test_bonus_cap_not_negative(tmp_path):
    wb = load()
    put(wb["指标"], 18, "加分上限", -1)
    expect_only(read(wb, tmp_path), "指标", 18, "加分上限", "不能为负数")


def test_parent_must_exist(tmp_path):
    wb = load()
    put(wb["指标"], 18, "上级指标编码", "MD09")
    expect_only(read(wb, tmp_path), "指标", 18, "上级指标编码", "上级指标“MD09”在“指标”表中不存在")


def test_tree_without_cycles(tmp_path):
    wb = load()
    ws = wb["指标"]
    first = append(ws, 指标编码="X1", 上级指标编码="X2", 指标名称="甲")
    append(ws, 指标编码="X2", 上级指标编码="X1", 指标名称="乙")
    expect_only(read(wb, tmp_path), "指标", first, "上级指标编码", "形成了循环")


def test_indicator_is_not_its_own_parent(tmp_path):
    wb = load()
    put(wb["指标"], 17, "上级指标编码", "MD01")
    expect_only(read(wb, tmp_path), "指标", 17, "上级指标编码", "不能是它自己")


def test_indicator_code_repeated(tmp_path):
    wb = load()
    row = append(wb["指标"], 指标编码="MD01-1", 上级指标编码="MD01", 指标名称="重复", 责任部门编码="D01",
                 分值=5, 考核周期="月度")
    expect_only(read(wb, tmp_path), "指标", row, "指标编码", "重复（与第18行重复）")


def test_importance_enum(tmp_path):
    wb = load()
    wb["指标"].cell(row=1, column=10, value="重要程度")
    wb["指标"].cell(row=18, column=10, value="很重要")
    expect_only(read(wb, tmp_path), "指标", 18, "重要程度", "应为：主要 / 一般")


# ------------------------------------------------------------------------------------------------
# 责任比重


def test_weight_on_a_common_leaf(tmp_path):
    wb = load()
    row = append(wb["责任比重"], 指标编码="C101", 工号="1002", 比重=100)
    expect_only(read(wb, tmp_path), "责任比重", row, "指标编码", "属于共同类")


def test_weight_on_a_parent_indicator(tmp_path):
    wb = load()
    row = append(wb["责任比重"], 指标编码="MD01", 工号="1002", 比重=100)
    expect_only(read(wb, tmp_path), "责任比重", row, "指标编码", "不是末级指标")


def test_weight_person_outside_the_indicator_department(tmp_path):
    wb = load()
    put(wb["责任比重"], 2, "工号", "1007")  # D02 on MD01-1 of D01
    expect_only(read(wb, tmp_path), "责任比重", 2, "工号", "不属于指标“MD01-1”的责任部门“D01”")


def test_weight_on_a_leader(tmp_path):
    wb = load()
    put(wb["责任比重"], 2, "工号", "1019")
    expect_only(read(wb, tmp_path), "责任比重", 2, "工号", "是局领导")


def test_weight_positive(tmp_path):
    wb = load()
    put(wb["责任比重"], 2, "比重", 0)
    expect_only(read(wb, tmp_path), "责任比重", 2, "比重", "应大于0")


def test_weights_sum_to_100(tmp_path):
    wb = load()
    put(wb["责任比重"], 2, "比重", 40)  # MD01-1: 40 + 30 + 20
    expect_only(read(wb, tmp_path), "责任比重", 2, "比重", "合计为90，应为100")


def test_weights_sum_tolerance(tmp_path):
    wb = load()
    ws = wb["责任比重"]
    rows = [r for r in range(2, ws.max_row + 1) if get(ws, r, "指标编码") == "MD01-1"]
    assert len(rows) == 3
    for r in rows:
        put(ws, r, "比重", 33.33)  # 99.99 is within ±0.01
    assert read(wb, tmp_path).errors == []
    put(ws, rows[0], "比重", 33.32)  # 99.98 is not
    expect_only(read(wb, tmp_path), "责任比重", rows[0], "比重", "合计为99.98")


def test_weight_repeated(tmp_path):
    wb = load()
    row = append(wb["责任比重"], 指标编码="MD01-1", 工号="1002", 比重=50)
    expect_only(read(wb, tmp_path), "责任比重", row, None, "重复（与第2行重复）")


def test_weight_person_unknown(tmp_path):
    wb = load()
    put(wb["责任比重"], 2, "工号", "9999")
    expect_only(read(wb, tmp_path), "责任比重", 2, "工号", "工号“9999”在“人员”表中不存在")


def test_weight_indicator_unknown(tmp_path):
    wb = load()
    put(wb["责任比重"], 2, "指标编码", "XX")
    result = read(wb, tmp_path)
    expect_among(result, "责任比重", 2, "指标编码", "指标“XX”在“指标”表中不存在")
    expect_among(result, "责任比重", 3, "比重", "指标“MD01-1”的责任比重合计为50")


# ------------------------------------------------------------------------------------------------
# 月度指标得分


@pytest.mark.parametrize("value, fragment", [(13, "1–12"), (0, "1–12"), (1.5, "应为整数"), (None, "不能为空")])
def test_month_range(tmp_path, value, fragment):
    wb = load()
    put(wb["月度指标得分"], 2, "月份", value)
    expect_only(read(wb, tmp_path), "月度指标得分", 2, "月份", fragment)


def test_monthly_score_on_a_half_year_leaf(tmp_path):
    wb = load()
    put(wb["月度指标得分"], 2, "指标编码", "MD01-2")
    expect_only(read(wb, tmp_path), "月度指标得分", 2, "指标编码", "考核周期是半年")


def test_monthly_score_on_a_common_leaf(tmp_path):
    wb = load()
    put(wb["月度指标得分"], 2, "指标编码", "C101")
    expect_only(read(wb, tmp_path), "月度指标得分", 2, "指标编码", "属于共同类")


@pytest.mark.parametrize("value", [5.01, -0.5])
def test_monthly_score_bounds(tmp_path, value):
    wb = load()
    put(wb["月度指标得分"], 2, "得分", value)  # MD01-1: 分值 5, no bonus cap
    expect_only(read(wb, tmp_path), "月度指标得分", 2, "得分", "应在0到5之间")


def test_monthly_score_up_to_full_score_plus_bonus_cap(tmp_path):
    wb = load()
    put(wb["指标"], 18, "加分上限", 2)
    put(wb["月度指标得分"], 2, "得分", 7)
    assert read(wb, tmp_path).errors == []
    put(wb["月度指标得分"], 2, "得分", 7.5)
    expect_only(read(wb, tmp_path), "月度指标得分", 2, "得分", "应在0到7之间（分值5 + 加分上限2）")


def test_monthly_score_not_a_number(tmp_path):
    wb = load()
    put(wb["月度指标得分"], 2, "得分", "良")
    expect_only(read(wb, tmp_path), "月度指标得分", 2, "得分", "“良”不是有效的数字")


def test_monthly_score_repeated(tmp_path):
    wb = load()
    row = append(wb["月度指标得分"], 月份=1, 指标编码="MD01-1", 得分=3)
    expect_only(read(wb, tmp_path), "月度指标得分", row, None, "重复（与第2行重复）")


def test_monthly_score_indicator_unknown(tmp_path):
    wb = load()
    put(wb["月度指标得分"], 2, "指标编码", "MD01-9")
    expect_only(read(wb, tmp_path), "月度指标得分", 2, "指标编码", "指标“MD01-9”在“指标”表中不存在")


# ------------------------------------------------------------------------------------------------
# 民主测评


def test_peer_rating_across_departments(tmp_path):
    wb = load()
    put(wb["民主测评"], 2, "评价人工号", "1007")
    expect_only(read(wb, tmp_path), "民主测评", 2, "被评价人工号", "不在同一部门")


def test_peer_rating_of_oneself(tmp_path):
    wb = load()
    put(wb["民主测评"], 2, "评价人工号", "1001")
    expect_only(read(wb, tmp_path), "民主测评", 2, "被评价人工号", "不能给自己评价")


def test_peer_rating_by_a_leader(tmp_path):
    wb = load()
    put(wb["民主测评"], 2, "评价人工号", "1019")
    expect_only(read(wb, tmp_path), "民主测评", 2, "评价人工号", "是局领导，不参加民主测评")


def test_peer_rating_of_a_leader(tmp_path):
    wb = load()
    put(wb["民主测评"], 2, "被评价人工号", "1020")
    expect_only(read(wb, tmp_path), "民主测评", 2, "被评价人工号", "是局领导")


def test_peer_grade_enum(tmp_path):
    wb = load()
    put(wb["民主测评"], 2, "等次", "好")
    expect_only(read(wb, tmp_path), "民主测评", 2, "等次", "应为：优秀 / 良好 / 中等 / 差")


def test_peer_rating_repeated(tmp_path):
    wb = load()
    row = append(wb["民主测评"], 月份=1, 评价人工号="1002", 被评价人工号="1001", 等次="优秀")
    expect_only(read(wb, tmp_path), "民主测评", row, None, "重复（与第2行重复）")


def test_peer_rater_unknown(tmp_path):
    wb = load()
    put(wb["民主测评"], 2, "评价人工号", "9999")
    expect_only(read(wb, tmp_path), "民主测评", 2, "评价人工号", "工号“9999”在“人员”表中不存在")


def test_person_in_unknown_department_does_not_cascade(tmp_path):
    """1002 rates and is rated in D01 and carries D01 weights; only the unknown department is reported."""
    wb = load()
    put(wb["人员"], 3, "部门编码", "D09")
    expect_only(read(wb, tmp_path), "人员", 3, "部门编码", "D09")


# ------------------------------------------------------------------------------------------------
# 工作量系数


def test_workload_for_a_leader(tmp_path):
    wb = load()
    row = append(wb["工作量系数"], 月份=1, 工号="1019", 工作量等级="一般")
    expect_only(read(wb, tmp_path), "工作量系数", row, "工号", "局领导，不设工作量系数")


def test_workload_grade_enum(tmp_path):
    wb = load()
    put(wb["工作量系数"], 2, "工作量等级", "很大")
    expect_only(read(wb, tmp_path), "工作量系数", 2, "工作量等级", "应为：非常大 / 比较大 / 一般 / 较小 / 非常小")


def test_workload_repeated(tmp_path):
    wb = load()
    row = append(wb["工作量系数"], 月份=1, 工号="1001", 工作量等级="一般")
    expect_only(read(wb, tmp_path), "工作量系数", row, None, "重复（与第2行重复）")


# ------------------------------------------------------------------------------------------------
# 半年指标得分


def test_half_enum(tmp_path):
    wb = load()
    put(wb["半年指标得分"], 2, "半年", "全年")
    expect_only(read(wb, tmp_path), "半年指标得分", 2, "半年", "应为：上半年 / 下半年")


def test_half_score_on_a_monthly_leaf(tmp_path):
    wb = load()
    put(wb["半年指标得分"], 2, "指标编码", "MD01-1")
    expect_only(read(wb, tmp_path), "半年指标得分", 2, "指标编码", "考核周期是月度")


def test_half_score_bounds(tmp_path):
    wb = load()
    put(wb["半年指标得分"], 2, "得分", 2.5)  # MD01-2: 分值 2
    expect_only(read(wb, tmp_path), "半年指标得分", 2, "得分", "应在0到2之间")


def test_half_score_repeated(tmp_path):
    wb = load()
    row = append(wb["半年指标得分"], 半年="上半年", 指标编码="MD01-2", 得分=1)
    expect_only(read(wb, tmp_path), "半年指标得分", row, None, "重复（与第2行重复）")


# ------------------------------------------------------------------------------------------------
# 满意度测评


def test_satisfaction_group_enum(tmp_path):
    wb = load()
    put(wb["满意度测评"], 2, "评价主体类别", "群众")
    expect_only(read(wb, tmp_path), "满意度测评", 2, "评价主体类别", "应为：主要领导 / 分管领导 / 机关部门")


def test_satisfaction_grade_enum(tmp_path):
    wb = load()
    put(wb["满意度测评"], 2, "等次", "优秀")
    expect_only(read(wb, tmp_path), "满意度测评", 2, "等次", "应为：优 / 良 / 中 / 差")


def test_department_does_not_rate_itself(tmp_path):
    wb = load()
    ws = wb["满意度测评"]
    row = find(ws, 评价主体类别="机关部门", 被评部门编码="D01")
    put(ws, row, "评价人", "D01")
    expect_only(read(wb, tmp_path), "满意度测评", row, "评价人", "不能评价本部门")


def test_satisfaction_department_unknown(tmp_path):
    wb = load()
    put(wb["满意度测评"], 2, "被评部门编码", "D09")
    expect_only(read(wb, tmp_path), "满意度测评", 2, "被评部门编码", "部门“D09”在“部门”表中不存在")


def test_satisfaction_repeated_with_rater(tmp_path):
    wb = load()
    ws = wb["满意度测评"]
    row = append(ws, 半年="上半年", 评价主体类别="主要领导", 评价人="主要领导1", 被评部门编码="D01", 等次="优")
    expect_only(read(wb, tmp_path), "满意度测评", row, None, "重复（与第2行重复）")


def test_anonymous_satisfaction_ratings_may_repeat(tmp_path):
    wb = load()
    ws = wb["满意度测评"]
    put(ws, 2, "评价人", None)
    append(ws, 半年="上半年", 评价主体类别="主要领导", 被评部门编码="D01", 等次="良")
    result = read(wb, tmp_path)
    assert result.errors == []
    assert result.data.satisfaction[0].rater == ""


# ------------------------------------------------------------------------------------------------
# 共同类得分


def _person_without(ws, code: str) -> str:
    scored = {get(ws, r, "工号") for r in range(2, ws.max_row + 1) if get(ws, r, "指标编码") == code}
    return next(f"{n}" for n in range(1001, 1019) if f"{n}" not in scored)


def test_common_score_for_a_leader(tmp_path):
    wb = load()
    row = append(wb["共同类得分"], 工号="1019", 指标编码="C101", 得分=10)
    expect_only(read(wb, tmp_path), "共同类得分", row, "工号", "局领导，不填共同类得分")


def test_common_score_on_a_department_leaf(tmp_path):
    wb = load()
    put(wb["共同类得分"], 2, "指标编码", "MD01-1")
    expect_only(read(wb, tmp_path), "共同类得分", 2, "指标编码", "属于管理类")


def test_common_regular_score_bounds(tmp_path):
    wb = load()
    put(wb["共同类得分"], 2, "得分", 15.5)  # C101: 分值 15
    expect_only(read(wb, tmp_path), "共同类得分", 2, "得分", "应在0到15之间")


@pytest.mark.parametrize("code, points, fragment", [("C3B1", 3.5, "加分分值3.5超出范围，应在0到3之间"),
                                                     ("C3D1", -1, "扣分分值-1超出范围，应在0到5之间")])
def test_common_bonus_and_deduction_points(tmp_path, code, points, fragment):
    wb = load()
    ws = wb["共同类得分"]
    row = append(ws, 工号=_person_without(ws, code), 指标编码=code, 得分=points)
    expect_only(read(wb, tmp_path), "共同类得分", row, "得分", fragment)


@pytest.mark.parametrize("mark, ok", [(0, True), (1, True), (0.5, False), (2, False)])
def test_veto_mark_is_0_or_1(tmp_path, mark, ok):
    wb = load()
    ws = wb["共同类得分"]
    row = append(ws, 工号=_person_without(ws, "C3V1"), 指标编码="C3V1", 得分=mark)
    result = read(wb, tmp_path)
    if ok:
        assert result.errors == []
    else:
        expect_only(result, "共同类得分", row, "得分", "只能填0（未否决）或1（否决）")


def test_common_score_repeated(tmp_path):
    wb = load()
    row = append(wb["共同类得分"], 工号="1001", 指标编码="C101", 得分=10)
    expect_only(read(wb, tmp_path), "共同类得分", row, None, "重复（与第2行重复）")


# ------------------------------------------------------------------------------------------------
# 历史等次


@pytest.mark.parametrize("year", [2025, 2026])
def test_history_year_before_the_workbook_year(tmp_path, year):
    wb = load()
    put(wb["历史等次"], 2, "年度", year)
    expect_only(read(wb, tmp_path), "历史等次", 2, "年度", f"历史年度{year}应早于本次考核年度2025")


def test_history_grade_enum(tmp_path):
    wb = load()
    put(wb["历史等次"], 2, "等次", "良好")
    expect_only(read(wb, tmp_path), "历史等次", 2, "等次", "应为：优秀 / 称职 / 基本称职 / 不称职 / 不定等次")


def test_history_person_unknown(tmp_path):
    wb = load()
    put(wb["历史等次"], 2, "工号", "9999")
    expect_only(read(wb, tmp_path), "历史等次", 2, "工号", "工号“9999”在“人员”表中不存在")


def test_history_repeated(tmp_path):
    wb = load()
    row = append(wb["历史等次"], 工号="1001", 年度=2020, 等次="称职")
    expect_only(read(wb, tmp_path), "历史等次", row, None, "重复（与第2行重复）")


# ------------------------------------------------------------------------------------------------
# 方案参数


def test_scheme_unknown_key(tmp_path):
    wb = load()
    with_scheme(wb, ("monthly.weight", 0.5))
    expect_only(read(wb, tmp_path), "方案参数", 2, "参数", "未知的方案参数“monthly.weight”")


def test_scheme_value_out_of_range(tmp_path):
    wb = load()
    with_scheme(wb, ("grade.excellent_rate", 1.5))
    expect_only(read(wb, tmp_path), "方案参数", 2, "值", "grade.excellent_rate")


def test_scheme_weight_group_must_sum_to_one(tmp_path):
    wb = load()
    with_scheme(wb, ("advanced.业务", 1), ("monthly.dept_weight", 0.5))
    expect_only(read(wb, tmp_path), "方案参数", 3, "值", "月度权重（责任得分率 + 民主测评）之和应为1，实际为1.1")


def test_scheme_thresholds_non_increasing(tmp_path):
    wb = load()
    with_scheme(wb, ("grade.competent_min", 90))
    expect_only(read(wb, tmp_path), "方案参数", 2, "值", "不能高于“grade.excellent_min”的值85")


def test_scheme_integer_key(tmp_path):
    wb = load()
    with_scheme(wb, ("reward.merit_run", 2.5))
    expect_only(read(wb, tmp_path), "方案参数", 2, "值", "应为整数")


def test_scheme_value_not_a_number(tmp_path):
    wb = load()
    with_scheme(wb, ("common.bonus_cap", "五"))
    expect_only(read(wb, tmp_path), "方案参数", 2, "值", "“五”不是有效的数字")


def test_scheme_key_repeated(tmp_path):
    wb = load()
    with_scheme(wb, ("common.bonus_cap", 3), ("common.bonus_cap", 4))
    expect_only(read(wb, tmp_path), "方案参数", 3, "参数", "重复（与第2行重复）")


# ------------------------------------------------------------------------------------------------
# All problems at once, and how they are shown


def test_every_problem_is_reported_in_sheet_and_row_order(tmp_path):
    wb = load()
    put(wb["历史等次"], 2, "等次", "良好")
    put(wb["民主测评"], 5, "等次", "好")
    put(wb["人员"], 3, "请假月数", 13)
    put(wb["人员"], 3, "职务类型", "科员")
    put(wb["指标"], 18, "分值", None)
    put(wb["部门"], 2, "部门分组", "综合组")
    with_scheme(wb, ("grade.excellent_rate", 1.5))
    result = read(wb, tmp_path)
    assert result.data is None
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("方案参数", 2, "值"),
        ("部门", 2, "部门分组"),
        ("人员", 3, "职务类型"),
        ("人员", 3, "请假月数"),
        ("指标", 18, "分值"),
        ("民主测评", 5, "等次"),
        ("历史等次", 2, "等次"),
    ]


def test_error_text_is_sheet_row_column_message():
    assert str(WorkbookError("人员", 7, "部门编码", "部门“D09”不存在")) == "人员 / 第7行 / 部门编码: 部门“D09”不存在"
    assert str(WorkbookError("单位", None, None, "没有数据")) == "单位: 没有数据"
    assert str(WorkbookError("单位", 3, None, "多余")) == "单位 / 第3行: 多余"


def test_reads_from_a_file_object():
    with open(SCENARIO_DIR / f"{BASE}.input.xlsx", "rb") as handle:
        result = read_workbook(handle)
    assert result.errors == [] and result.data.org_code == "ORG11"


# ------------------------------------------------------------------------------------------------
# The empty template


def test_template_has_every_sheet_and_header_with_required_ones_bold(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [spec.name for spec in SHEET_SPECS]
    for spec in SHEET_SPECS:
        header = [(c.value, bool(c.font.bold)) for c in wb[spec.name][1]]
        assert header == list(spec.columns)
    result = read_workbook(path)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("单位", None, None)]


def test_a_filled_template_reads(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    append(wb["单位"], 单位编码="ORG1", 单位名称="某局", 考核年度=2024)
    append(wb["部门"], 部门编码="D1", 部门名称="办公室", 部门分组="综合", 负责人工号="1")
    append(wb["人员"], 工号=1, 姓名="甲", 部门编码="D1", 职务类型="部门负责人")
    append(wb["人员"], 工号=2, 姓名="乙", 部门编码="D1", 职务类型="一般干部", 请假月数=2)
    append(wb["人员"], 工号=9, 姓名="丙", 职务类型="局领导")
    for values in (dict(指标编码="C", 指标名称="共同", 指标类别="共同类"),
                   dict(指标编码="C1", 上级指标编码="C", 指标名称="作风", 分值=10, 考核周期="年度"),
                   dict(指标编码="C2", 上级指标编码="C", 指标名称="否决", 分值=1, 考核周期="年度", 指标性质="否决"),
                   dict(指标编码="B", 指标名称="业务", 指标类别="业务类"),
                   dict(指标编码="B1", 上级指标编码="B", 指标名称="业务一", 责任部门编码="D1", 分值=10,
                        加分上限=2, 考核周期="月度", 重要程度="主要", 目标="完成")):
        append(wb["指标"], **values)
    append(wb["责任比重"], 指标编码="B1", 工号=1, 比重=60)
    append(wb["责任比重"], 指标编码="B1", 工号=2, 比重=40)
    append(wb["月度指标得分"], 月份=1, 指标编码="B1", 得分=11.5)
    append(wb["民主测评"], 月份=1, 评价人工号=2, 被评价人工号=1, 等次="优秀")
    append(wb["工作量系数"], 月份=1, 工号=2, 工作量等级="比较大")
    append(wb["满意度测评"], 半年="上半年", 评价主体类别="社会各界代表", 被评部门编码="D1", 等次="优")
    append(wb["共同类得分"], 工号=2, 指标编码="C1", 得分=9)
    append(wb["共同类得分"], 工号=2, 指标编码="C2", 得分=0)
    append(wb["历史等次"], 工号=1, 年度=2023, 等次="优秀")
    append(wb["方案参数"], 参数="common.bonus_cap", 值=3)
    wb.save(path)
    result = read_workbook(path)
    assert result.errors == []
    data = result.data
    assert data.year == 2024 and data.scheme["common.bonus_cap"] == Decimal("3")
    assert [p.staff_id for p in data.persons] == ["1", "2", "9"]
    b1 = next(i for i in data.indicators if i.code == "B1")
    assert (b1.category, b1.bonus_cap, b1.importance, b1.target) == ("业务类", Decimal("2"), "主要", "完成")
    assert data.weights == {("B1", "1"): Decimal("60"), ("B1", "2"): Decimal("40")}
    assert data.monthly_scores == {(1, "B1"): Decimal("11.5")}
    assert data.workload == {(1, "2"): "比较大"}
    assert data.common_scores == {("2", "C1"): Decimal("9"), ("2", "C2"): Decimal("0")}
    assert data.history == {("1", 2023): "优秀"}


# 考核主体 and 适用人员类别 (issue 12)

def _add_column(ws, header: str) -> None:
    ws.cell(row=1, column=ws.max_column + 1).value = header


def test_assessor_is_a_department_code_or_the_office(tmp_path):
    wb = load()
    _add_column(wb["指标"], "考核主体")
    put(wb["指标"], 8, "考核主体", "考核办")
    leaf = find(wb["指标"], 指标编码="C201")
    put(wb["指标"], leaf, "考核主体", "D01")
    result = read(wb, tmp_path)
    assert result.errors == [], [str(e) for e in result.errors]
    assessors = {i.code: i.assessor for i in result.data.indicators}
    assert (assessors["C101"], assessors["C201"]) == ("", "D01")
    put(wb["指标"], leaf, "考核主体", "办公室")
    expect_only(read(wb, tmp_path), "指标", leaf, "考核主体", "部门“办公室”在“部门”表中不存在")


def test_personnel_categories_of_common_leaves(tmp_path):
    wb = load()
    _add_column(wb["指标"], "适用人员类别")
    put(wb["指标"], 8, "适用人员类别", "专业技术类、综合管理类,行政执法类")  # C101, scored for everybody
    result = read(wb, tmp_path)
    assert result.errors == [], [str(e) for e in result.errors]
    c101 = next(i for i in result.data.indicators if i.code == "C101")
    assert c101.person_categories == ("专业技术类", "综合管理类", "行政执法类")
    put(wb["指标"], 8, "适用人员类别", "行政执法类")
    result = read(wb, tmp_path)
    assert result.data is None
    rows = [e for e in result.errors if e.sheet == "共同类得分"]
    assert rows and all(e.column == "指标编码" and "只适用于行政执法类" in e.message for e in rows)
    assert any("“1001”的人员类别是专业技术类" in e.message for e in rows)


def test_personnel_categories_only_on_common_leaves(tmp_path):
    wb = load()
    _add_column(wb["指标"], "适用人员类别")
    leaf = next(r for r in range(2, wb["指标"].max_row + 1) if get(wb["指标"], r, "考核周期") == "月度")
    put(wb["指标"], leaf, "适用人员类别", "行政执法类")
    expect_only(read(wb, tmp_path), "指标", leaf, "适用人员类别", "只有共同类指标可以限定适用人员类别")
