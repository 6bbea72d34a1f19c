"""The public scenarios without Django: read the input workbook, compute the year, write the results
workbook and compare it with the expected one (figures to 2 decimals, texts exactly, any row order).

Also checks the results writer and the comparison themselves, independently of the engine.
"""
from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from appraisal.exchange.reader import read_workbook
from appraisal.exchange.writer import RESULT_SHEETS, compare_results, read_results, write_results
from scoring.yeardata import (
    AnnualRow,
    DepartmentAnnualRow,
    DepartmentHalfRow,
    LeadershipMemberRow,
    LeadershipTeamRow,
    MonthlyRow,
    PersonHalfRow,
    RewardRow,
    YearResult,
)
from tests.public_scenarios import (
    SCENARIO_NAMES,
    compare_with_expected,
    expected_path,
    input_path,
)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_matches_expected_results(name, tmp_path):
    from scoring.engine import compute_year  # imported here so the other tests run while it is written

    read = read_workbook(input_path(name))
    assert read.errors == [], [str(e) for e in read.errors]
    result = compute_year(read.data)
    out = tmp_path / f"{name}.results.xlsx"
    write_results(result, out)
    differences = compare_with_expected(out, name)
    assert differences == [], "\n".join(differences[:50])


# ------------------------------------------------------------------------------------------------
# The comparison and the writer, without the engine


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_expected_workbook_equals_itself(name):
    expected = expected_path(name)
    assert compare_results(expected, expected) == []


def _result_from_expected(path) -> YearResult:
    """Rebuild a YearResult from an expected workbook, so that the writer can be checked against it."""
    sheets = read_results(path)

    def fig(value):
        return None if value is None else Decimal(value)

    def num(value):
        return None if value is None else int(value)

    result = YearResult()
    for row in sheets["月度成绩"].values():
        result.monthly.append(MonthlyRow(row["工号"], row["姓名"], row["部门编码"], num(row["月份"]),
                                         fig(row["责任得分率"]), fig(row["工作量系数"]), fig(row["民主测评得分"]),
                                         fig(row["月度得分"]), row["月度等次"]))
    for row in sheets["部门半年成绩"].values():
        result.department_half.append(DepartmentHalfRow(row["部门编码"], row["半年"], fig(row["业务类得分率"]),
                                                         fig(row["管理类得分率"]), fig(row["满意度得分"]),
                                                         fig(row["部门半年得分"])))
    for row in sheets["半年成绩"].values():
        result.person_half.append(PersonHalfRow(row["工号"], row["姓名"], row["部门编码"], row["半年"],
                                                fig(row["责任得分率"]), fig(row["半年得分"])))
    for row in sheets["年度成绩"].values():
        result.annual.append(AnnualRow(row["工号"], row["姓名"], row["部门编码"], fig(row["月度平均"]),
                                       fig(row["半年平均"]), fig(row["共同类得分"]), row["一票否决"] == "是",
                                       fig(row["年度得分"]), num(row["部门内排名"]), row["等次"], fig(row["奖金系数"])))
    for row in sheets["部门年度成绩"].values():
        result.department_annual.append(DepartmentAnnualRow(
            row["部门编码"], row["部门名称"], row["部门分组"], fig(row["年度得分"]), num(row["总排名"]),
            num(row["组内排名"]), row["先进单位"] == "是", num(row["优秀名额"]), row["备注"] or ""))
    for row in sheets["奖励"].values():
        result.rewards.append(RewardRow(row["工号"], row["姓名"], row["奖励类型"], fig(row["金额"])))
    for row in sheets.get("领导班子成绩", {}).values():
        result.leadership_team.append(LeadershipTeamRow(fig(row["实绩得分"]), fig(row["测评得分"]), fig(row["综合得分"]),
                                                        row["等次"]))
    for row in sheets.get("班子成员成绩", {}).values():
        result.leadership_members.append(LeadershipMemberRow(
            row["工号"], row["姓名"], row["主要负责人"] == "是", fig(row["班子得分"]), fig(row["分管工作得分"]),
            fig(row["测评得分"]), fig(row["综合得分"]), row["等次"]))
    return result


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_writer_round_trips_the_expected_results(name, tmp_path):
    out = tmp_path / "out.xlsx"
    write_results(_result_from_expected(expected_path(name)), out)
    assert compare_with_expected(out, name) == []


def test_every_sheet_of_the_expected_workbook_counts(tmp_path):
    """A sheet of the expected workbook that the results do not have is a difference (the leadership
    sheets included)."""
    expected = expected_path("small-11")
    out = tmp_path / "out.xlsx"
    write_results(_result_from_expected(expected), out)
    assert compare_with_expected(out, "small-11") == []
    wb = openpyxl.load_workbook(expected)
    wb.create_sheet("另一个工作表").append(["工号"])
    extra = tmp_path / "extra.xlsx"
    wb.save(extra)
    assert compare_results(out, extra) == ["另一个工作表: 实际结果缺少此工作表"]
    # the results without the leadership rows differ in exactly those rows
    without = _result_from_expected(expected)
    without.leadership_team.clear()
    without.leadership_members.clear()
    write_results(without, out)
    differences = compare_with_expected(out, "small-11")
    assert len(differences) == 5 and all(d.startswith(("领导班子成绩", "班子成员成绩")) for d in differences)


def test_results_workbook_layout(tmp_path):
    result = YearResult(
        monthly=[MonthlyRow("1001", "甲", "D01", 3, None, Decimal("1.00"), Decimal("85"), Decimal("85"), "良好")],
        annual=[AnnualRow("1002", "乙", "D01", Decimal("90.5"), None, None, False, Decimal("90.5"), None,
                          "不定等次", Decimal("1.0")),
                AnnualRow("1003", "丙", "D01", Decimal("70"), Decimal("71"), Decimal("72"), True, Decimal("70.8"),
                          2, "不称职", Decimal("0"))],
        department_annual=[DepartmentAnnualRow("D01", "第1处", "综合", Decimal("90.123"), 1, 1, True, 2, "第一名"),
                           DepartmentAnnualRow("D02", "第2处", "业务", None, None, None, False, 0, "")],
        rewards=[RewardRow("1003", "丙", "后备干部", Decimal("0"))],
    )
    out = tmp_path / "out.xlsx"
    write_results(result, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [sheet.name for sheet in RESULT_SHEETS]
    assert [c.value for c in wb["月度成绩"][1]] == ["工号", "姓名", "部门编码", "月份", "责任得分率", "工作量系数",
                                                  "民主测评得分", "月度得分", "月度等次"]
    assert [c.value for c in wb["部门年度成绩"][1]] == ["部门编码", "部门名称", "部门分组", "年度得分", "总排名",
                                                    "组内排名", "先进单位", "优秀名额", "备注"]
    monthly = wb["月度成绩"][2]
    assert monthly[0].value == "1001" and monthly[3].value == 3
    assert monthly[4].value is None  # undefined R: empty cell
    assert monthly[5].value == 1 and monthly[5].number_format == "0.00"  # coefficient always shown
    annual = wb["年度成绩"]
    assert [c.value for c in annual[2]][6:] == ["否", 90.5, None, "不定等次", None]  # no coefficient when 不定等次
    assert [c.value for c in annual[3]][6:] == ["是", 70.8, 2, "不称职", 0]
    assert annual[2][3].number_format == "0.00"
    departments = wb["部门年度成绩"]
    assert [c.value for c in departments[2]] == ["D01", "第1处", "综合", 90.12, 1, 1, "是", 2, "第一名"]
    assert [c.value for c in departments[3]] == ["D02", "第2处", "业务", None, None, None, "否", 0, None]
    assert [c.value for c in wb["奖励"][2]] == ["1003", "丙", "后备干部", 0]


def test_comparison_reports_differences(tmp_path):
    expected = expected_path("small-11")
    wb = openpyxl.load_workbook(expected)
    monthly = wb["月度成绩"]
    first_key = (monthly["A2"].value, monthly["D2"].value)
    monthly["H2"].value = monthly["H2"].value + 0.01  # 月度得分 off by one cent
    changed_grade = "差" if monthly["I3"].value != "差" else "优秀"
    monthly["I3"].value = changed_grade  # 月度等次 text changed
    monthly["E4"].value = monthly["E4"].value + 0.004 if monthly["E4"].value is not None else 1  # same to 2 places
    wb["奖励"].delete_rows(2)
    wb["年度成绩"].append(["9999", "多余", "D01"])
    # Row order does not matter.
    last = wb["部门年度成绩"].max_row
    rows = [[c.value for c in r] for r in wb["部门年度成绩"].iter_rows(min_row=2)]
    for offset, values in enumerate(reversed(rows)):
        for index, value in enumerate(values, start=1):
            wb["部门年度成绩"].cell(row=2 + offset, column=index).value = value
    assert wb["部门年度成绩"].max_row == last
    out = tmp_path / "changed.xlsx"
    wb.save(out)
    differences = compare_with_expected(out, "small-11")
    assert len(differences) == 4, differences
    assert any(d.startswith(f"月度成绩 [{first_key[0]}/{first_key[1]}] 月度得分: 实际") for d in differences)
    assert any("月度等次" in d and f"实际 {changed_grade}" in d for d in differences)
    assert any(d.startswith("奖励 [") and "实际结果缺少此行" in d for d in differences)
    assert any(d == "年度成绩 [9999]: 实际结果多出此行" for d in differences)


def test_read_results_keys():
    sheets = read_results(expected_path("small-11"))
    assert set(sheets) == {sheet.name for sheet in RESULT_SHEETS}
    key = next(iter(sheets["月度成绩"]))
    assert isinstance(key[0], str) and isinstance(key[1], int)
    assert all(len(key) == 2 for key in sheets["奖励"])
    row = sheets["年度成绩"][next(iter(sheets["年度成绩"]))]
    assert isinstance(row["年度得分"], Decimal)
