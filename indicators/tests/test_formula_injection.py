"""Formula injection (issue 8 item 8) in the plan's Excel export and in the plan and actual-value imports."""
import io

import openpyxl
import pytest

from appraisal.tests.test_xlsx import formulas_in, texts_in
from appraisal.xlsx import append_row
from indicators import plan_io
from indicators.actuals import actuals_import
from indicators.models import Indicator, IndicatorScore

pytestmark = pytest.mark.django_db

DDE = "=cmd|' /C calc'!A0"


def test_plan_export_writes_user_text_as_text(world, year, plan):
    Indicator.objects.filter(pk=plan["monthly"].pk).update(name=DDE, content="+1+1", target="-2+3",
                                                           basis="\t=1")
    content = plan_io.plan_export(user=world.users["office"], assessment_year=year)
    assert formulas_in(content) == []
    assert {DDE, "+1+1", "-2+3", "\t=1"} <= texts_in(content)
    # the importer refuses such text, naming its place, so the same file does not come back in
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    assert not report.written
    assert any(e.startswith("指标 / 第") and "/ 指标名称：" in e and "公式" in e for e in report.errors)


def _plan_book(plan_rows, weight_rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "指标"
    for row in plan_rows:
        append_row(sheet, row)
    weights = book.create_sheet("责任比重")
    for row in weight_rows:
        append_row(weights, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_plan_import_refuses_formula_text_and_writes_nothing(world, year, plan):
    before = list(Indicator.objects.values_list("code", "name"))
    content = _plan_book(
        [["指标编码", "上级指标编码", "指标名称", "指标类别", "责任部门编码", "分值", "考核周期", "考核内容"],
         ["B5", "B", "执法办案", None, "D01", None, None, "=HYPERLINK(\"http://evil.example\")"],
         ["B51", "B5", "@结案率", None, "D01", 10, "月度", None],
         ["B52", "B5", "负分", None, "D01", -5, "月度", None]],  # a number: the plan's own rule reports it
        [["指标编码", "工号", "比重"], ["B51", "-1002", 100]])
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    formula = [e for e in report.errors if "公式" in e]
    assert formula == [
        "指标 / 第2行 / 考核内容：以“=”开头的文字会被 Excel 当作公式执行，不能导入；请修改文字，不要以 = + - @ 开头",
        "指标 / 第3行 / 指标名称：以“@”开头的文字会被 Excel 当作公式执行，不能导入；请修改文字，不要以 = + - @ 开头",
    ], report.errors
    assert any("第4行 / 分值" in e and "公式" not in e for e in report.errors)
    assert not report.written and list(Indicator.objects.values_list("code", "name")) == before


def test_plan_import_refuses_formula_text_in_the_weights_sheet(world, year, plan):
    content = _plan_book([["指标编码", "指标名称"], ["B1", "登记效率"]],
                         [["指标编码", "工号", "比重"], ["+B1", "1002", 100]])
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    assert any(e.startswith("责任比重 / 第2行 / 指标编码：以“+”开头") for e in report.errors), report.errors
    assert not report.written


def test_actuals_import_refuses_formula_text_in_excel_and_csv(world, year, plan):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "实际值"
    for row in (["指标编码", "周期", "实际值"], ["B1", 1, "=1+1"], ["B1", 2, -3], ["@B1", 3, "97%"]):
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    report = actuals_import(user=world.users["office"], assessment_year=year, content=buffer.getvalue(),
                            filename="actuals.xlsx")
    formula = [e for e in report.errors if "公式" in e]
    assert [e.split("：")[0] for e in formula] == ["实际值 / 第2行 / 实际值", "实际值 / 第4行 / 指标编码"]
    assert not report.written and not IndicatorScore.objects.exists()

    csv = "指标编码,周期,实际值\nB1,1,-3\nB1,2,\"=HYPERLINK(\"\"http://evil.example\"\")\"\n".encode("utf-8-sig")
    report = actuals_import(user=world.users["office"], assessment_year=year, content=csv, filename="data.csv")
    assert [e.split("：")[0] for e in report.errors if "公式" in e] == ["data.csv / 第3行 / 实际值"]
    assert not report.written and not IndicatorScore.objects.exists()
