"""The leadership sheets of the year workbook (班子成员, 班子测评, 班子实绩): they read into the year's
data, and every broken rule is reported at its sheet / row / column with nothing imported.

Bad workbooks are the small-11 scenario broken in one place (its team: 1019 the principal, 1020,
1021 in charge of D01–D04, 1022)."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from .test_reader import append, find, load, put, read

MEMBERS, POLL, WORK = "班子成员", "班子测评", "班子实绩"


def expect(result, sheet, row, column, fragment):
    """This problem among those reported (one mutation may say it in one place only); nothing imported."""
    assert result.data is None
    found = [e for e in result.errors if (e.sheet, e.row, e.column) == (sheet, row, column) and fragment in e.message]
    assert found, [str(e) for e in result.errors]


def work_sheet(wb):
    ws = wb.create_sheet(WORK)
    ws.append(["对象", "得分", "说明"])
    return ws


def first_staff(wb) -> str:
    ws = wb["人员"]
    return str(ws.cell(row=find(ws, 职务类型="一般干部"), column=1).value)


def test_the_sheets_read_into_the_years_data(tmp_path):
    wb = load()
    ws = work_sheet(wb)
    ws.append(["班子", 88.456, "上级考核结果"])
    ws.append(["1021", "84", None])
    result = read(wb, tmp_path)
    assert result.errors == [], [str(e) for e in result.errors]
    data = result.data
    assert [(m.staff_id, m.principal, m.in_charge) for m in data.leadership_members] == [
        ("1019", True, ()), ("1020", False, ()), ("1021", False, ("D01", "D02", "D03", "D04")), ("1022", False, ())]
    assert len(data.leadership_ratings) == 76
    assert data.leadership_overrides == {"班子": Decimal("88.46"), "1021": Decimal("84.00")}
    assert data.leadership_override_notes["班子"] == "上级考核结果"


def _members(wb, staff_id, **values):
    ws = wb[MEMBERS]
    row = find(ws, 工号=staff_id)
    for header, value in values.items():
        put(ws, row, header, value)
    return row


def _poll(wb, **values):
    return append(wb[POLL], **values)


CASES = [
    # (mutation(wb) -> row, sheet, column, message fragment)
    ("two principals", lambda wb: _members(wb, "1020", 主要负责人="是"), MEMBERS, "主要负责人", "只能有一位"),
    ("a principal flag that is not 是/否", lambda wb: _members(wb, "1020", 主要负责人="可能"), MEMBERS, "主要负责人",
     "无效"),
    ("an unknown department", lambda wb: _members(wb, "1022", 分管部门编码="D99"), MEMBERS, "分管部门编码",
     "不存在"),
    ("a department in the charge of two members", lambda wb: _members(wb, "1022", 分管部门编码="D02，D03"), MEMBERS,
     "分管部门编码", "重复"),
    ("an unknown member", lambda wb: _members(wb, "1022", 工号="9999"), MEMBERS, "工号", "不存在"),
    ("a team grade on the member scale", lambda wb: _poll(wb, 评价主体类别="群众", 评价人="群众99", 被评对象="班子",
                                                        等次="优秀"), POLL, "等次", "不是班子的等次"),
    ("a member rating on the team scale", lambda wb: _poll(wb, 评价主体类别="群众", 评价人="群众99", 被评对象="1020",
                                                         等次="好"), POLL, "等次", "不是班子成员的等次"),
    ("a self-assessment on the member scale", lambda wb: _poll(wb, 评价主体类别="自评", 评价人="1020",
                                                             被评对象="1020", 等次="称职"), POLL, "等次", "自评的等次"),
    ("an unknown group", lambda wb: _poll(wb, 评价主体类别="领导", 评价人="x", 被评对象="班子", 等次="好"), POLL,
     "评价主体类别", "无效"),
    ("an object that is no member", lambda wb: _poll(wb, 评价主体类别="群众", 评价人="群众99", 被评对象="9999",
                                                   等次="称职"), POLL, "被评对象", "不是班子成员"),
    ("a self-assessment by someone else", lambda wb: _poll(wb, 评价主体类别="自评", 评价人="1019", 被评对象="1022",
                                                         等次="良好"), POLL, "评价人", "自评的评价人应为"),
    ("the team's self-assessment not by the principal", lambda wb: _poll(
        wb, 评价主体类别="自评", 评价人="1020", 被评对象="班子", 等次="好"), POLL, "评价人", "主要负责人"),
    ("a member rating the self as 班子成员", lambda wb: _poll(wb, 评价主体类别="班子成员", 评价人="1022",
                                                          被评对象="1022", 等次="称职"), POLL, "评价人", "不能"),
    ("a 班子成员 rater who is no member", lambda wb: _poll(wb, 评价主体类别="班子成员", 评价人="1001",
                                                      被评对象="1020", 等次="称职"), POLL, "评价人", "不是班子成员"),
    ("the same rater twice", lambda wb: _poll(wb, 评价主体类别="群众", 评价人="群众1", 被评对象="班子", 等次="差"),
     POLL, None, "重复"),
    ("a work score above 100", lambda wb: append(work_sheet(wb), 对象="班子", 得分=100.01), WORK, "得分", "0到100"),
    ("a work score that is no number", lambda wb: append(work_sheet(wb), 对象="1021", 得分="八十"), WORK, "得分",
     "不是有效的数字"),
    ("a work score for someone outside the team", lambda wb: append(work_sheet(wb), 对象="1001", 得分=80), WORK,
     "对象", "不是班子成员"),
]


@pytest.mark.parametrize("what, mutate, sheet, column, fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_leadership_rows_are_reported_where_they_are(tmp_path, what, mutate, sheet, column, fragment):
    wb = load()
    row = mutate(wb)
    expect(read(wb, tmp_path), sheet, row, column, fragment)


def test_a_member_who_is_not_a_leader(tmp_path):
    wb = load()
    staff_id = first_staff(wb)
    row = _members(wb, "1022", 工号=staff_id)
    expect(read(wb, tmp_path), MEMBERS, row, "工号", "须是局领导")


def test_no_principal_and_ratings_without_a_team(tmp_path):
    wb = load()
    _members(wb, "1019", 主要负责人="否")
    expect(read(wb, tmp_path), MEMBERS, None, "主要负责人", "须有一位主要负责人")
    wb = load()
    ws = wb[MEMBERS]
    ws.delete_rows(2, ws.max_row)
    expect(read(wb, tmp_path), POLL, 2, "被评对象", "没有班子成员")


@pytest.mark.django_db
def test_the_import_command_refuses_a_bad_leadership_sheet_and_writes_nothing(tmp_path):
    from scoring.models import LeadershipTeam

    wb = load()
    row = _members(wb, "1020", 主要负责人="是")
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_workbook", str(path), stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert f"班子成员 / 第{row}行 / 主要负责人" in err.getvalue() + out.getvalue()
    assert not LeadershipTeam.objects.exists()


def test_template_has_the_leadership_sheets(tmp_path):
    from appraisal.exchange.reader import write_template

    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb[MEMBERS][1]] == ["工号", "主要负责人", "分管部门编码"]
    assert [c.value for c in wb[POLL][1]] == ["评价主体类别", "评价人", "被评对象", "等次"]
    assert [c.value for c in wb[WORK][1]] == ["对象", "得分", "说明"]
