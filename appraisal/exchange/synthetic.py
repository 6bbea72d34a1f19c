"""A synthetic organisation-year as an input workbook (EXCHANGE.md), of any size, for benchmarks.

Departments of ten (a head and nine staff), every staff member rating every colleague every month
(about 1,080 民主测评 rows per department: a million at 10,000 persons, so the sheet continues in
民主测评2), monthly and half-year indicators per department with their weights and scores, workload
grades, 360° satisfaction, common scores, some history. Deterministic for a given size and seed.
Pure Python (openpyxl write-only).
"""
from __future__ import annotations

import random
from decimal import Decimal

import openpyxl

from scoring.yeardata import (
    GROUPS, PEER_GRADES, SATISFACTION_GRADES, SATISFACTION_GROUPS, WORKLOAD_GRADES,
)

from .sheets import EXCEL_MAX_ROWS, ContinuedSheet

DEPARTMENT_SIZE = 10
LEADERS = 4
YEAR = 2025
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红"


def write_synthetic_year(path_or_filelike, persons: int, *, seed: int = 16, org_code: str = "SYN",
                         max_rows: int = EXCEL_MAX_ROWS) -> dict[str, int]:
    """Write the workbook; returns the number of data rows per sheet (continuations included)."""
    rng = random.Random(seed)
    staff = max(DEPARTMENT_SIZE, persons - LEADERS)
    department_count = max(2, staff // DEPARTMENT_SIZE)
    departments = [f"D{number:04d}" for number in range(1, department_count + 1)]
    members: dict[str, list[str]] = {code: [] for code in departments}
    people: list[tuple[str, str, str | None, str]] = []
    for index in range(staff):
        code = departments[index % department_count]
        staff_id = f"{100000 + index}"
        members[code].append(staff_id)
        position = "部门负责人" if len(members[code]) == 1 else "一般干部"
        people.append((staff_id, _name(index), code, position))
    for index in range(LEADERS):
        people.append((f"{900000 + index}", _name(staff + index), None, "局领导"))

    workbook = openpyxl.Workbook(write_only=True)
    counts: dict[str, int] = {}

    def sheet(name, headers):
        return ContinuedSheet(workbook, name, headers, max_rows=max_rows)

    out = sheet("单位", ("单位编码", "单位名称", "考核年度"))
    out.append((org_code, f"合成测试局（{persons}人）", YEAR))
    counts["单位"] = out.close()

    out = sheet("部门", ("部门编码", "部门名称", "部门分组", "负责人工号"))
    for index, code in enumerate(departments):
        out.append((code, f"第{index + 1}处", GROUPS[index % len(GROUPS)], members[code][0]))
    counts["部门"] = out.close()

    out = sheet("人员", ("工号", "姓名", "部门编码", "职务类型", "人员类别", "请假月数"))
    for index, (staff_id, name, code, position) in enumerate(people):
        out.append((staff_id, name, code, position, "综合管理类", 7 if index % 97 == 5 else 0))
    counts["人员"] = out.close()

    out = sheet("指标", ("指标编码", "上级指标编码", "指标名称", "指标类别", "责任部门编码", "分值", "加分上限",
                       "考核周期", "指标性质"))
    out.append(("C", None, "共同类指标", "共同类", None, None, None, None, None))
    out.append(("M", None, "管理类指标", "管理类", None, None, None, None, None))
    out.append(("B", None, "业务类指标", "业务类", None, None, None, None, None))
    common = [("C1", 40, "常规"), ("C2", 40, "常规"), ("C3", 20, "常规"), ("C4", 5, "加分"), ("C5", 1, "否决")]
    for code, full, kind in common:
        out.append((code, "C", f"共同指标{code}", None, None, full, 2 if kind == "常规" else None, "年度", kind))
    monthly, halves = [], []
    for code in departments:
        leaves = (("M", "管理类", "月度", 10), ("B", "业务类", "月度", 20), ("H", "业务类", "半年", 30))
        for prefix, category, cycle, full in leaves:
            leaf = f"{prefix}{code}"
            out.append((leaf, prefix if prefix != "H" else "B", f"{category}{cycle}指标{code}", None, code, full,
                        0, cycle, "常规"))
            (monthly if cycle == "月度" else halves).append((leaf, code, full))
    counts["指标"] = out.close()

    out = sheet("责任比重", ("指标编码", "工号", "比重"))
    for leaf, code, _full in monthly + halves:
        staff_ids = members[code]
        share, rest = divmod(100, len(staff_ids))
        for position, staff_id in enumerate(staff_ids):
            out.append((leaf, staff_id, share + (rest if position == 0 else 0)))
    counts["责任比重"] = out.close()

    out = sheet("月度指标得分", ("月份", "指标编码", "得分"))
    for month in range(1, 13):
        for leaf, _code, full in monthly:
            out.append((month, leaf, _score(rng, full)))
    counts["月度指标得分"] = out.close()

    out = sheet("民主测评", ("月份", "评价人工号", "被评价人工号", "等次"))
    weights = (3, 5, 2, 0.3)
    for month in range(1, 13):
        for code in departments:
            staff_ids = members[code]
            grades = rng.choices(PEER_GRADES, weights, k=len(staff_ids) * len(staff_ids))
            position = 0
            for rater in staff_ids:
                for ratee in staff_ids:
                    if rater is not ratee:
                        out.append((month, rater, ratee, grades[position]))
                    position += 1
    counts["民主测评"] = out.close()

    out = sheet("工作量系数", ("月份", "工号", "工作量等级"))
    for month in range(1, 13):
        for staff_id, _name_, code, _position in people:
            if code is not None:
                out.append((month, staff_id, rng.choice(WORKLOAD_GRADES)))
    counts["工作量系数"] = out.close()

    out = sheet("半年指标得分", ("半年", "指标编码", "得分"))
    for half in ("上半年", "下半年"):
        for leaf, _code, full in halves:
            out.append((half, leaf, _score(rng, full)))
    counts["半年指标得分"] = out.close()

    out = sheet("满意度测评", ("半年", "评价主体类别", "评价人", "被评部门编码", "等次"))
    for half in ("上半年", "下半年"):
        for code in departments:
            for group in SATISFACTION_GROUPS:
                for rater in range(1, 4):
                    out.append((half, group, f"{group}{rater}", code, rng.choice(SATISFACTION_GRADES)))
    counts["满意度测评"] = out.close()

    out = sheet("共同类得分", ("工号", "指标编码", "得分"))
    for index, (staff_id, _name_, code, _position) in enumerate(people):
        if code is None:
            continue
        for leaf, full, kind in common:
            if kind == "常规":
                out.append((staff_id, leaf, _score(rng, full)))
            elif kind == "加分" and index % 7 == 0:
                out.append((staff_id, leaf, 2))
            elif kind == "否决" and index % 211 == 3:
                out.append((staff_id, leaf, 1))
    counts["共同类得分"] = out.close()

    out = sheet("历史等次", ("工号", "年度", "等次"))
    for index, (staff_id, _name_, code, _position) in enumerate(people):
        if code is not None and index % 5 == 0:
            out.append((staff_id, YEAR - 2, "优秀"))
            out.append((staff_id, YEAR - 1, "优秀" if index % 2 else "称职"))
    counts["历史等次"] = out.close()

    workbook.save(path_or_filelike)
    return counts


def _name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES)) % len(GIVEN)] + \
        GIVEN[(index * 7 + 3) % len(GIVEN)]


def _score(rng: random.Random, full: int) -> float:
    """A score between 60% and 100% of full, to the half point, as a float like Excel's."""
    return float(Decimal(rng.randint(int(full * 1.2), full * 2)) / 2)
