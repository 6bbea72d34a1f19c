"""People and departments through the office pages, and their Excel import/export."""
import io

import openpyxl
import pytest

from appraisal.models import AuditEvent, Department, Person


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


@pytest.mark.django_db
def test_person_edit_produces_one_audit_event_with_old_and_new(client, world):
    client.force_login(world.users["office"])
    before = AuditEvent.objects.count()
    response = client.post(f"/people/{world.staff.pk}/edit/", {
        "staff_id": "1002", "name": "王科员", "department": world.other_department.pk, "position": "一般干部",
        "category": "行政执法类", "email": "", "is_active": "on"}, follow=True)
    assert "已保存" in response.content.decode()
    events = list(AuditEvent.objects.filter(pk__gt=0).order_by("id"))[before:]
    assert [e.action for e in events] == ["person.update"]
    assert events[0].old_value == {"department": "办公室", "category": ""}
    assert events[0].new_value == {"department": "登记处", "category": "行政执法类"}
    assert events[0].actor_name == "office"


@pytest.mark.django_db
def test_person_form_errors_are_chinese_and_nothing_is_saved(client, world):
    client.force_login(world.users["office"])
    response = client.post("/people/new/", {"staff_id": "1002", "name": "", "position": "一般干部"})
    text = response.content.decode()
    assert "工号“1002”在本单位已存在" in text
    assert "除局领导外，人员必须属于一个部门" in text
    assert "这个字段是必填项" in text
    assert Person.objects.filter(organisation=world.organisation).count() == 5


@pytest.mark.django_db
def test_department_head_must_belong_to_department(client, world):
    client.force_login(world.users["office"])
    response = client.post(f"/departments/{world.other_department.pk}/edit/", {
        "code": "D02", "name": "登记处", "group": "业务", "head": world.staff.pk, "sort_order": 0})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Department.objects.get(pk=world.other_department.pk).head_id is None


@pytest.mark.django_db
def test_people_import_reports_every_problem_and_writes_nothing(client, world):
    client.force_login(world.users["office"])
    upload = xlsx([
        ["工号", "姓名", "部门编码", "职务类型", "人员类别"],
        ["3001", "新同志", "D01", "一般干部", "综合管理类"],
        ["3002", "错部门", "D99", "一般干部", ""],
        [None, None, None, None, None],
        ["3003", "错职务", "D02", "科长", ""],
        ["3001", "重复", "D01", "一般干部", ""],
        ["3004", "无部门", None, "一般干部", ""],
    ])
    response = client.post("/roster/people/import/", {"file": upload})
    text = response.content.decode()
    assert "第 3 行 / 部门编码：部门“D99”不存在" in text
    assert "第 5 行 / 职务类型：职务类型只能是 局领导 / 部门负责人 / 一般干部，不能是“科长”" in text
    assert "第 6 行 / 工号：“3001”与第 2 行重复" in text
    assert not Person.objects.filter(staff_id__startswith="300").exists()
    assert not AuditEvent.objects.filter(action="people.import").exists()


@pytest.mark.django_db
def test_people_import_then_export_round_trip(client, world):
    client.force_login(world.users["office"])
    upload = xlsx([
        ["工号", "姓名", "部门编码", "职务类型", "人员类别", "电子邮箱", "无关列"],
        [3001, "新同志", "D01", "一般干部", "综合管理类", "x@example.cn", "忽略"],
        ["1002", "王科员", "D02", "一般干部", "行政执法类", "", ""],
    ])
    response = client.post("/roster/people/import/", {"file": upload}, follow=True)
    assert "导入完成：新增 1 条，更新 1 条" in response.content.decode()
    assert Person.objects.get(staff_id="3001").department == world.department
    assert Person.objects.get(staff_id="1002").department == world.other_department
    assert AuditEvent.objects.filter(action="people.import").count() == 1
    response = client.get("/roster/people/export/")
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("工号", "姓名", "部门编码", "职务类型")
    assert ("3001", "新同志", "D01", "一般干部") in [tuple(r[:4]) for r in rows]


@pytest.mark.django_db
def test_import_dry_run_and_non_excel_upload(client, world):
    client.force_login(world.users["office"])
    upload = xlsx([["部门编码", "部门名称", "部门分组"], ["D03", "新处", "业务"]])
    response = client.post("/roster/departments/import/", {"file": upload, "dry_run": "1"})
    assert "校验通过：将新增 1 条" in response.content.decode()
    assert not Department.objects.filter(code="D03").exists()
    fake = io.BytesIO(b"<html>not excel</html>")
    fake.name = "fake.xlsx"
    response = client.post("/roster/departments/import/", {"file": fake})
    assert "文件内容不是有效的 Excel 工作簿" in response.content.decode()


@pytest.mark.django_db
def test_department_import_checks_group_and_head(client, world):
    client.force_login(world.users["office"])
    upload = xlsx([
        ["部门编码", "部门名称", "部门分组", "负责人工号"],
        ["D01", "办公室", "综合", "2001"],
        ["D05", "新处", "其他", None],
    ])
    text = client.post("/roster/departments/import/", {"file": upload}).content.decode()
    assert "第 2 行 / 负责人工号：负责人“2001”不是本部门人员" in text
    assert "第 3 行 / 部门分组：部门分组只能是 综合 / 业务 / 事业，不能是“其他”" in text
    assert not Department.objects.filter(code="D05").exists()
