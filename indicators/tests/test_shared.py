"""Shared indicators (共享指标) and stage targets (阶段目标) on the plan: the pure rules, the plan's Excel
import/export (optional columns: files without them stay valid) and the indicator form."""
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from indicators import plan_io
from indicators.models import Indicator
from indicators.shared import parse_stage_targets, render_stage_targets, shared_problems


@pytest.mark.parametrize("text, targets, problems", [
    ("", {}, 0),
    ("4:92；8:95", {"4": "92", "8": "95"}, 0),
    ("8：95, 4:92.5%", {"4": "92.5", "8": "95"}, 0),
    ("4月90", {"4": "90"}, 0),
    ("13:90", {}, 1),
    ("4:0", {}, 1),
    ("4:101", {}, 1),
    ("4:90；4:95", {"4": "90"}, 1),
    ("四月:90", {}, 1),
])
def test_parse_stage_targets(text, targets, problems):
    parsed, found = parse_stage_targets(text)
    assert parsed == targets and len(found) == problems
    assert parse_stage_targets(render_stage_targets(parsed))[0] == parsed


@pytest.mark.parametrize("leaves, codes", [
    ([("M1", "D1", "办文办公", True), ("M2", "D2", "办文办公", True)], []),
    ([("M1", "D1", "办文办公", True), ("M2", "D1", "办文办公", True)], ["M2"]),   # same department twice
    ([("M", None, "办文办公", False)], ["M"]),                                    # not a department's leaf
    ([("M1", "D1", "", True), ("M2", "D1", "", True)], []),
    ([("M1", "D1", "长" * 101, True)], ["M1"]),
])
def test_shared_problems(leaves, codes):
    assert [code for code, _m in shared_problems(leaves)] == codes


def _book(rows, headers=("指标编码", "上级指标编码", "指标名称", "责任部门编码", "分值", "考核周期", "共享指标", "阶段目标")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "指标"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_plan_import_and_export_carry_shared_and_stage_targets(world, year, plan):
    office = world.users["office"]
    content = _book([["M1", "M", "办文办公", "D01", 10, "月度", "办文办公", "4:90；8:95"],
                     ["M2", "M", "办文办公", "D02", 10, "月度", "办文办公", ""]])
    report = plan_io.plan_import(user=office, assessment_year=year, content=content)
    assert report.errors == [] and report.written
    m1 = Indicator.objects.get(assessment_year=year, code="M1")
    assert (m1.shared, m1.stage_targets) == ("办文办公", {"4": "90", "8": "95"})
    exported = openpyxl.load_workbook(io.BytesIO(plan_io.plan_export(user=office, assessment_year=year)))["指标"]
    header = [c.value for c in exported[1]]
    row = next(r for r in exported.iter_rows(values_only=True) if r[0] == "M1")
    assert row[header.index("共享指标")] == "办文办公" and row[header.index("阶段目标")] == "4:90；8:95"
    # a file without the columns leaves both as they are
    old = _book([["M1", "M", "办文办公（改）", "D01", 10, "月度"]],
                headers=("指标编码", "上级指标编码", "指标名称", "责任部门编码", "分值", "考核周期"))
    assert plan_io.plan_import(user=office, assessment_year=year, content=old).written
    m1.refresh_from_db()
    assert (m1.name, m1.shared, m1.stage_targets) == ("办文办公（改）", "办文办公", {"4": "90", "8": "95"})


@pytest.mark.django_db
def test_plan_import_refuses_a_shared_indicator_twice_in_one_department(world, year, plan):
    content = _book([["M1", "M", "办文办公", "D01", 10, "月度", "办文办公", "4:120"],
                     ["M2", "M", "公文处理", "D01", 10, "月度", "办文办公", ""]])
    report = plan_io.plan_import(user=world.users["office"], assessment_year=year, content=content)
    assert not report.written
    assert any(e.startswith("指标 / 第3行 / 共享指标：") for e in report.errors), report.errors
    assert any(e.startswith("指标 / 第2行 / 阶段目标：") for e in report.errors), report.errors
    assert not Indicator.objects.filter(code__in=["M1", "M2"]).exists()


@pytest.mark.django_db
def test_tree_editor_sets_shared_and_stage_targets(client, world, year, plan):
    client.force_login(world.users["office"])
    leaf = plan["monthly"]
    url = reverse("indicators:indicator_edit", kwargs={"year_pk": year.pk, "pk": leaf.pk})
    page = client.get(url).content.decode()
    assert 'list="shared-names"' in page
    data = {"code": "B1", "name": leaf.name, "parent": plan["业务类"].pk, "category": "业务类",
            "department": world.department.pk, "full_score": "10", "bonus_cap": "2", "cycle": "月度", "kind": "常规",
            "standard_key": "manual", "sort_order": "0", "shared": "登记效率", "stage_targets_text": "4:90"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    leaf.refresh_from_db()
    assert (leaf.shared, leaf.stage_targets) == ("登记效率", {"4": "90"})
    bad = client.post(url, {**data, "stage_targets_text": "4:0"})
    assert bad.status_code == 200 and "目标得分率" in bad.content.decode()
