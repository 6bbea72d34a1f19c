"""Excel export and all-or-nothing import of the plan and its weights."""
import io
from decimal import Decimal as D

import openpyxl
import pytest

from indicators import plan_io
from indicators.models import Indicator, ResponsibilityWeight

pytestmark = pytest.mark.django_db


def workbook(plan_rows, weight_rows=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "指标"
    sheet.append(["指标编码", "上级指标编码", "指标名称", "指标类别", "责任部门编码", "分值", "考核周期", "指标性质"])
    for row in plan_rows:
        sheet.append(row)
    if weight_rows is not None:
        weights = book.create_sheet("责任比重")
        weights.append(["指标编码", "工号", "比重"])
        for row in weight_rows:
            weights.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_export_then_import_round_trip(world, year, plan):
    ResponsibilityWeight.objects.create(indicator=plan["monthly"], person=world.staff, weight=D("100"))
    content = plan_io.plan_export(user=world.users["office"], assessment_year=year)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["指标", "责任比重"]
    assert [c.value for c in book["指标"][1]][:3] == ["指标编码", "上级指标编码", "指标名称"]
    assert [str(c.value) for c in book["责任比重"][2]][:2] == ["B1", "1002"]
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    assert report.errors == [] and report.written
    assert report.updated == Indicator.objects.filter(assessment_year=year).count()
    assert ResponsibilityWeight.objects.get().weight == D("100")


def test_import_creates_a_subtree_with_weights(world, year, plan):
    content = workbook(
        [["B5", "B", "执法办案", None, "D01", None, None, None],
         ["B51", "B5", "结案率", None, "D01", 10, "月度", None],
         ["B52", "B5", "案卷质量", "业务类", "D01", 5, "半年", "常规"]],
        [["B51", "1002", 60], ["B51", "1003", 40], ["B52", "1001", 100]])
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    assert report.errors == [] and (report.created, report.weights) == (3, 3)
    leaf = Indicator.objects.get(assessment_year=year, code="B51")
    assert leaf.parent.code == "B5" and leaf.category == "业务类" and leaf.cycle == "月度"
    assert {w.person.staff_id: w.weight for w in leaf.weights.all()} == {"1002": D("60"), "1003": D("40")}


def test_import_reports_every_problem_with_row_and_column_and_writes_nothing(world, year, plan):
    before = Indicator.objects.count()
    content = workbook(
        [["B5", "B", "执法办案", None, "D01", None, None, None],
         ["B51", "B5", "结案率", None, "D09", 10, "季度", None],
         ["B52", "B5", "案卷质量", "管理类", "D01", 0, "半年", "加分"],
         ["B53", "Q", "孤儿", None, "D01", "十", "月度", None],
         ["B51", "B5", "重复", None, "D01", 10, "月度", None]],
        [["B52", "1002", 60], ["B52", "1003", 30], ["B52", "2001", 10]])
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    text = "\n".join(report.errors)
    for fragment in ["指标 / 第3行 / 责任部门编码：部门“D09”不存在", "指标 / 第3行 / 考核周期：考核周期只能是",
                     "指标 / 第4行 / 指标类别：下级指标的类别须与一级指标一致", "指标 / 第4行 / 分值：末级指标的分值须大于 0",
                     "指标 / 第4行 / 指标性质：只有共同类指标", "指标 / 第5行 / 分值：“十”不是数字",
                     "指标 / 第5行 / 上级指标编码：上级指标“Q”不存在", "指标 / 第6行 / 指标编码：“B51”与第3行重复",
                     "责任比重 / 第4行 / 工号：人员“2001”不属于该指标的责任部门"]:
        assert fragment in text, text
    assert not report.written
    assert Indicator.objects.count() == before and not ResponsibilityWeight.objects.exists()


def test_import_page_for_the_office(client, world, year, plan):
    client.force_login(world.users["office"])
    upload = io.BytesIO(workbook([["B5", "B", "执法办案", None, "D01", 8, "月度", None]]))
    upload.name = "plan.xlsx"
    response = client.post(f"/indicators/{year.pk}/import/", {"file": upload}, follow=True)
    assert "导入完成：新增 1 个指标" in response.content.decode()
    assert Indicator.objects.filter(code="B5").exists()


def _with_columns(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "指标"
    sheet.append(["指标编码", "上级指标编码", "指标名称", "责任部门编码", "分值", "考核周期", "考核主体", "适用人员类别"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_assessor_and_personnel_categories_round_trip(world, year, plan):
    office = world.users["office"]
    content = _with_columns([["B6", "B", "登记审核", "D02", 10, "月度", "D01", None],
                             ["C2", "C", "执法规范", None, 5, "年度", "考核办", "行政执法类、专业技术类"]])
    report = plan_io.plan_import(user=office, assessment_year=year, content=content)
    assert report.errors == [] and report.created == 2
    b6, c2 = (Indicator.objects.get(assessment_year=year, code=code) for code in ("B6", "C2"))
    assert b6.assessor_department == world.department and c2.assessor_department is None
    assert c2.person_categories == ["行政执法类", "专业技术类"]
    sheet = openpyxl.load_workbook(io.BytesIO(plan_io.plan_export(user=office, assessment_year=year)))["指标"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["B6"]["考核主体"] == "D01" and rows["C2"]["考核主体"] == "考核办"
    assert rows["C2"]["适用人员类别"] == "行政执法类、专业技术类"


def test_unknown_assessor_and_categories_on_a_business_leaf_are_errors(world, year, plan):
    content = _with_columns([["B6", "B", "登记审核", "D02", 10, "月度", "办公室", "行政执法类"]])
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    assert not report.written
    assert any("第2行 / 考核主体" in e and "不是部门编码" in e for e in report.errors)
    assert any("第2行 / 适用人员类别" in e and "只有共同类指标" in e for e in report.errors)
