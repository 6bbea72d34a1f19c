"""Write the results workbook of EXCHANGE.md "Results workbook", read one back, and compare two.

Pure Python (openpyxl), no Django. Figures are numeric cells shown with 2 decimals; an undefined
figure is an empty cell. ``compare_results`` is what the public scenarios are checked with: figures
to 2 decimals, texts exactly, row order irrelevant, rows identified by their key columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

import openpyxl

from scoring.yeardata import YearResult

from .sheets import EXCEL_MAX_ROWS, ContinuedSheet, base_sheet_name

FIGURE_FORMAT = "0.00"
INTEGER_FORMAT = "0"
CENT = Decimal("0.01")
YES, NO = "是", "否"

FIGURE, INTEGER, TEXT = "figure", "integer", "text"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # FIGURE / INTEGER / TEXT
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ResultSheet:
    name: str
    key: tuple[str, ...]  # the columns that identify a row
    rows: Callable[[YearResult], list]
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)


def _yes_no(flag: bool) -> str:
    return YES if flag else NO


RESULT_SHEETS: tuple[ResultSheet, ...] = (
    ResultSheet("月度成绩", ("工号", "月份"), lambda r: r.monthly, (
        Column("工号", TEXT, lambda x: x.staff_id),
        Column("姓名", TEXT, lambda x: x.name),
        Column("部门编码", TEXT, lambda x: x.department_code),
        Column("月份", INTEGER, lambda x: x.month),
        Column("责任得分率", FIGURE, lambda x: x.responsibility_rate),
        Column("工作量系数", FIGURE, lambda x: x.workload_coefficient if x.workload_coefficient is not None
               else Decimal("1.00")),
        Column("民主测评得分", FIGURE, lambda x: x.peer_score),
        Column("月度得分", FIGURE, lambda x: x.monthly_score),
        Column("月度等次", TEXT, lambda x: x.monthly_grade),
    )),
    ResultSheet("部门半年成绩", ("部门编码", "半年"), lambda r: r.department_half, (
        Column("部门编码", TEXT, lambda x: x.department_code),
        Column("半年", TEXT, lambda x: x.half),
        Column("业务类得分率", FIGURE, lambda x: x.business_rate),
        Column("管理类得分率", FIGURE, lambda x: x.management_rate),
        Column("满意度得分", FIGURE, lambda x: x.satisfaction_score),
        Column("部门半年得分", FIGURE, lambda x: x.half_score),
    )),
    ResultSheet("半年成绩", ("工号", "半年"), lambda r: r.person_half, (
        Column("工号", TEXT, lambda x: x.staff_id),
        Column("姓名", TEXT, lambda x: x.name),
        Column("部门编码", TEXT, lambda x: x.department_code),
        Column("半年", TEXT, lambda x: x.half),
        Column("责任得分率", FIGURE, lambda x: x.responsibility_rate),
        Column("半年得分", FIGURE, lambda x: x.half_score),
    )),
    ResultSheet("年度成绩", ("工号",), lambda r: r.annual, (
        Column("工号", TEXT, lambda x: x.staff_id),
        Column("姓名", TEXT, lambda x: x.name),
        Column("部门编码", TEXT, lambda x: x.department_code),
        Column("月度平均", FIGURE, lambda x: x.monthly_average),
        Column("半年平均", FIGURE, lambda x: x.half_average),
        Column("共同类得分", FIGURE, lambda x: x.common_score),
        Column("一票否决", TEXT, lambda x: _yes_no(x.vetoed)),
        Column("年度得分", FIGURE, lambda x: x.annual_score),
        Column("部门内排名", INTEGER, lambda x: x.department_rank),
        Column("等次", TEXT, lambda x: x.grade),
        # 不定等次 has no bonus coefficient, whatever the row carries.
        Column("奖金系数", FIGURE, lambda x: None if x.grade == "不定等次" else x.bonus_coefficient),
    )),
    ResultSheet("部门年度成绩", ("部门编码",), lambda r: r.department_annual, (
        Column("部门编码", TEXT, lambda x: x.department_code),
        Column("部门名称", TEXT, lambda x: x.name),
        Column("部门分组", TEXT, lambda x: x.group),
        Column("年度得分", FIGURE, lambda x: x.annual_score),
        Column("总排名", INTEGER, lambda x: x.overall_rank),
        Column("组内排名", INTEGER, lambda x: x.group_rank),
        Column("先进单位", TEXT, lambda x: _yes_no(x.advanced)),
        Column("优秀名额", INTEGER, lambda x: x.excellent_quota),
        Column("备注", TEXT, lambda x: x.remark),
    )),
    ResultSheet("奖励", ("工号", "奖励类型"), lambda r: r.rewards, (
        Column("工号", TEXT, lambda x: x.staff_id),
        Column("姓名", TEXT, lambda x: x.name),
        Column("奖励类型", TEXT, lambda x: x.reward_type),
        Column("金额", FIGURE, lambda x: x.amount),
    )),
    # the leadership appraisal (DOMAIN.md §7.4)
    ResultSheet("领导班子成绩", (), lambda r: r.leadership_team, (
        Column("实绩得分", FIGURE, lambda x: x.work_score),
        Column("测评得分", FIGURE, lambda x: x.poll_score),
        Column("综合得分", FIGURE, lambda x: x.team_score),
        Column("等次", TEXT, lambda x: x.grade),
    )),
    ResultSheet("班子成员成绩", ("工号",), lambda r: r.leadership_members, (
        Column("工号", TEXT, lambda x: x.staff_id),
        Column("姓名", TEXT, lambda x: x.name),
        Column("主要负责人", TEXT, lambda x: _yes_no(x.principal)),
        Column("班子得分", FIGURE, lambda x: x.team_score),
        Column("分管工作得分", FIGURE, lambda x: x.in_charge_score),
        Column("测评得分", FIGURE, lambda x: x.poll_score),
        Column("综合得分", FIGURE, lambda x: x.member_score),
        Column("等次", TEXT, lambda x: x.grade),
    )),
)
RESULT_SHEET_BY_NAME = {sheet.name: sheet for sheet in RESULT_SHEETS}


def _figure(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def write_results(result: YearResult, path_or_filelike, *, max_rows: int = EXCEL_MAX_ROWS,
                  extra: Callable[[Any], None] | None = None) -> None:
    """Write ``result`` as the results workbook. Every name, code and group is already on the rows.

    A write-only workbook, streamed row by row; a sheet longer than ``max_rows`` (Excel's limit, header
    included) continues in 名称2, 名称3 … with the same header. ``extra`` writes further sheets of the
    product's own after the EXCHANGE.md sheets, into the same write-only workbook.
    """
    workbook = openpyxl.Workbook(write_only=True)
    for sheet in RESULT_SHEETS:
        formats = [FIGURE_FORMAT if column.kind == FIGURE else INTEGER_FORMAT if column.kind == INTEGER else None
                   for column in sheet.columns]
        out = ContinuedSheet(workbook, sheet.name, sheet.headers, max_rows=max_rows, formats=formats)
        getters = [column.value for column in sheet.columns]
        kinds = [column.kind for column in sheet.columns]
        append = out.append
        for record in sheet.rows(result):
            append([_figure(get(record)) if kind == FIGURE else (get(record) or None) if kind == TEXT else get(record)
                    for get, kind in zip(getters, kinds)])
    if extra is not None:
        extra(workbook)
    workbook.save(path_or_filelike)


# ---------------------------------------------------------------------------------------------------
# Reading back and comparing


def _normalise(value) -> Any:
    """Numbers → Decimal (floats through str, so 89.76 stays 89.76); text stripped; empty → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    return text or None


def _key_part(title: str, value) -> Any:
    """A key cell: 月份 as int; staff ids, codes and the rest as text (1001 → "1001")."""
    value = _normalise(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value) if title == "月份" else str(int(value))
        return str(value)
    return value


def _read(path_or_filelike, unknown: list[str] | None = None
          ) -> tuple[dict[str, dict[tuple, dict[str, Any]]], list[str]]:
    """The results sheets of a workbook; the names of its other sheets go to ``unknown`` when given."""
    workbook = openpyxl.load_workbook(path_or_filelike, read_only=True, data_only=True)
    problems: list[str] = []
    sheets: dict[str, dict[tuple, dict[str, Any]]] = {}
    try:
        for worksheet in workbook.worksheets:
            title = str(worksheet.title).strip()
            name = base_sheet_name(title, RESULT_SHEET_BY_NAME)  # 月度成绩2 continues 月度成绩
            spec = RESULT_SHEET_BY_NAME.get(name)
            if spec is None:
                if unknown is not None:
                    unknown.append(title)
                continue
            if hasattr(worksheet, "reset_dimensions"):
                worksheet.reset_dimensions()
            iterator = worksheet.iter_rows(values_only=True)
            header = [_normalise(value) for value in (next(iterator, None) or ())]
            columns = {title: index for index, title in reversed(list(enumerate(header))) if title}
            missing_keys = [title for title in spec.key if title not in columns]
            if missing_keys:
                problems.append(f"{title}: 缺少关键列 {'、'.join(missing_keys)}")
                sheets.setdefault(name, {})
                continue
            rows: dict[tuple, dict[str, Any]] = sheets.setdefault(name, {})
            for number, values in enumerate(iterator, start=2):
                record = {title: _normalise(values[index]) if index < len(values) else None
                          for title, index in columns.items()}
                if all(value is None for value in record.values()):
                    continue
                key = tuple(_key_part(title, record[title]) for title in spec.key)
                if key in rows:
                    problems.append(f"{title}: 第{number}行的键 {key} 重复")
                    continue
                rows[key] = record
    finally:
        workbook.close()
    return sheets, problems


def read_results(path_or_filelike) -> dict[str, dict[tuple, dict[str, Any]]]:
    """{sheet: {key tuple: {column: value}}} of a results workbook; numbers as Decimal, empty as None.

    Keys as in the scenarios README: 工号/月份, 部门编码/半年, 工号/半年, 工号, 部门编码, 工号/奖励类型.
    Sheets that are not results sheets are left out; a repeated key keeps its first row.
    """
    return _read(path_or_filelike)[0]


def _same(actual, expected) -> bool:
    if isinstance(actual, Decimal) and isinstance(expected, Decimal):
        return actual.quantize(CENT, rounding=ROUND_HALF_UP) == expected.quantize(CENT, rounding=ROUND_HALF_UP)
    return actual == expected


def _show(value) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, Decimal):
        try:
            return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")
        except InvalidOperation:
            return str(value)
    return str(value)


def _show_key(key: tuple) -> str:
    return "/".join(str(part) for part in key)


def compare_results(actual_path, expected_path, skip_sheets=frozenset()) -> list[str]:
    """Every difference between two results workbooks, as readable lines ([] when they match).

    Every sheet and column of the expected workbook counts, except the sheets named in ``skip_sheets``;
    an expected sheet this writer does not know is a difference. Figures are compared to 2 decimals,
    texts exactly; row order does not matter.
    """
    unknown: list[str] = []
    actual, actual_problems = _read(actual_path)
    expected, expected_problems = _read(expected_path, unknown)
    differences = [f"实际结果 {line}" for line in actual_problems]
    differences += [f"期望结果 {line}" for line in expected_problems]
    differences += [f"{name}: 实际结果缺少此工作表" for name in unknown if name not in skip_sheets]
    for name, expected_rows in expected.items():
        if name in skip_sheets:
            continue
        if name not in actual:
            differences.append(f"{name}: 实际结果缺少此工作表")
            continue
        actual_rows = actual[name]
        columns = list(next(iter(expected_rows.values())).keys()) if expected_rows else []
        actual_columns = set(next(iter(actual_rows.values())).keys()) if actual_rows else set(columns)
        for column in columns:
            if column not in actual_columns:
                differences.append(f"{name}: 实际结果缺少列“{column}”")
        for key in sorted(expected_rows.keys() - actual_rows.keys(), key=str):
            differences.append(f"{name} [{_show_key(key)}]: 实际结果缺少此行")
        for key in sorted(actual_rows.keys() - expected_rows.keys(), key=str):
            differences.append(f"{name} [{_show_key(key)}]: 实际结果多出此行")
        for key in sorted(expected_rows.keys() & actual_rows.keys(), key=str):
            expected_row, actual_row = expected_rows[key], actual_rows[key]
            for column in columns:
                if column not in actual_row:
                    continue
                if not _same(actual_row[column], expected_row[column]):
                    differences.append(
                        f"{name} [{_show_key(key)}] {column}: 实际 {_show(actual_row[column])}，"
                        f"期望 {_show(expected_row[column])}"
                    )
    return differences
