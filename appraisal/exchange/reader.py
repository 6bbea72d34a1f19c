"""Read and validate the year workbook of EXCHANGE.md "Input workbook" into a ``YearInput``.

Pure Python (openpyxl), no Django. Every problem is collected, not only the first, with the sheet,
the Excel row number and the column header, in Chinese for the assessment office. When anything is
wrong ``data`` is None: the caller imports nothing.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from appraisal.scheme import SCHEME_DEFAULTS, THRESHOLD_CHAINS, group_of, merge_scheme, validate_scheme
from scoring.yeardata import (
    ANNUAL_GRADES,
    CATEGORIES,
    CYCLES,
    GROUPS,
    HALVES,
    IMPORTANCES,
    KINDS,
    LEADER,
    PEER_GRADES,
    POSITIONS,
    SATISFACTION_GRADES,
    SATISFACTION_GROUPS,
    WORKLOAD_GRADES,
    DepartmentData,
    IndicatorData,
    PeerRating,
    PersonData,
    SatisfactionRating,
    YearInput,
)

# ---------------------------------------------------------------------------------------------------
# Sheets and columns (EXCHANGE.md): (header, required). Order here is the order of the template.

SCHEME = "方案参数"
ORG = "单位"
DEPARTMENTS = "部门"
PERSONS = "人员"
INDICATORS = "指标"
WEIGHTS = "责任比重"
MONTHLY_SCORES = "月度指标得分"
PEER_RATINGS = "民主测评"
WORKLOAD = "工作量系数"
HALF_SCORES = "半年指标得分"
SATISFACTION = "满意度测评"
COMMON_SCORES = "共同类得分"
HISTORY = "历史等次"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[tuple[str, bool], ...]
    optional: bool = False
    notes: dict[str, str] = field(default_factory=dict)  # header -> comment in the template

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(header for header, required in self.columns if required)


def _choices(values) -> str:
    return " / ".join(values)


SHEET_SPECS: tuple[SheetSpec, ...] = (
    SheetSpec(SCHEME, (("参数", True), ("值", True)), optional=True,
              notes={"参数": "方案参数键，例如 monthly.dept_weight；不填的参数取默认值"}),
    SheetSpec(ORG, (("单位编码", True), ("单位名称", True), ("考核年度", True)),
              notes={"考核年度": "只填一行"}),
    SheetSpec(DEPARTMENTS, (("部门编码", True), ("部门名称", True), ("部门分组", True), ("负责人工号", False)),
              notes={"部门分组": _choices(GROUPS), "负责人工号": "须是本部门人员"}),
    SheetSpec(PERSONS, (("工号", True), ("姓名", True), ("部门编码", False), ("职务类型", True),
                        ("人员类别", False), ("请假月数", False)),
              notes={"职务类型": _choices(POSITIONS), "部门编码": "局领导可不填，其他人员必填",
                     "请假月数": "0–12 的整数，不填为0"}),
    SheetSpec(INDICATORS, (("指标编码", True), ("上级指标编码", False), ("指标名称", True), ("指标类别", False),
                           ("责任部门编码", False), ("分值", False), ("加分上限", False), ("考核周期", False),
                           ("指标性质", False), ("重要程度", False), ("考核内容", False), ("目标", False),
                           ("设置依据", False), ("数据来源", False), ("评分标准", False), ("考核主体", False)),
              notes={"指标类别": "一级指标必填：" + _choices(CATEGORIES), "考核周期": _choices(CYCLES),
                     "指标性质": _choices(KINDS) + "，不填为常规", "重要程度": _choices(IMPORTANCES)}),
    SheetSpec(WEIGHTS, (("指标编码", True), ("工号", True), ("比重", True)),
              notes={"比重": "百分数，同一指标合计100"}),
    SheetSpec(MONTHLY_SCORES, (("月份", True), ("指标编码", True), ("得分", True)), notes={"月份": "1–12"}),
    SheetSpec(PEER_RATINGS, (("月份", True), ("评价人工号", True), ("被评价人工号", True), ("等次", True)),
              notes={"等次": _choices(PEER_GRADES)}),
    SheetSpec(WORKLOAD, (("月份", True), ("工号", True), ("工作量等级", True)),
              notes={"工作量等级": _choices(WORKLOAD_GRADES)}),
    SheetSpec(HALF_SCORES, (("半年", True), ("指标编码", True), ("得分", True)), notes={"半年": _choices(HALVES)}),
    SheetSpec(SATISFACTION, (("半年", True), ("评价主体类别", True), ("评价人", False), ("被评部门编码", True),
                             ("等次", True)),
              notes={"评价主体类别": _choices(SATISFACTION_GROUPS), "等次": _choices(SATISFACTION_GRADES)}),
    SheetSpec(COMMON_SCORES, (("工号", True), ("指标编码", True), ("得分", True)),
              notes={"得分": "否决指标填1表示否决，0表示未否决"}),
    SheetSpec(HISTORY, (("工号", True), ("年度", True), ("等次", True)), optional=True,
              notes={"等次": _choices(ANNUAL_GRADES)}),
)
SPEC_BY_NAME = {spec.name: spec for spec in SHEET_SPECS}
SHEET_ORDER = {spec.name: index for index, spec in enumerate(SHEET_SPECS)}

MANAGED = ("管理类", "业务类")  # the department pipeline's categories
COMMON = "共同类"
REGULAR = "常规"
WEIGHT_TOTAL = Decimal("100")
WEIGHT_TOLERANCE = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class WorkbookError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [part for part in (self.sheet, f"第{self.row}行" if self.row else "", self.column or "") if part]
        return f"{' / '.join(where)}: {self.message}" if where else self.message


@dataclass
class ReadResult:
    data: YearInput | None
    errors: list[WorkbookError]

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------------
# Cell values


class _Invalid:
    """A cell whose problem has already been reported; checks that depend on it are skipped."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


def _text(value) -> str:
    """Cell → stripped text; numbers typed into Excel keep their digits (1001 and 1001.0 → "1001")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value).strip()


def _decimal(value) -> Decimal | None:
    """Cell → Decimal; None when empty. Floats go through str() so that 3.3 stays 3.3. Raises ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError
        return Decimal(int(value)) if value.is_integer() else Decimal(str(value))
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError from None
    else:
        raise ValueError
    if not number.is_finite():
        raise ValueError
    return number


def _fmt(number: Decimal) -> str:
    """A Decimal as a clerk would write it: 0.50 → 0.5, 1E+1 → 10."""
    return format(number.normalize(), "f") if number else "0"


@dataclass
class _Row:
    number: int  # Excel row number
    cells: dict[str, Any]


@dataclass
class _Indicator:
    row: int
    code: str
    parent: str
    name: str
    category: Any  # str, None or INVALID
    department: str
    department_ok: bool
    full_score: Any  # Decimal, None or INVALID
    bonus_cap: Any
    cycle: Any
    kind: Any
    importance: Any
    texts: dict[str, str]
    root_category: str | None = None
    is_leaf: bool = False


# ---------------------------------------------------------------------------------------------------
# The reader


class _WorkbookReader:
    def __init__(self, workbook):
        self.workbook = workbook
        self.errors: list[WorkbookError] = []
        self.sheets = {str(ws.title).strip(): ws for ws in workbook.worksheets}
        self.broken: set[str] = set()  # sheets missing or unusable: references into them are not checked
        self.year: int | None = None
        self.org_code = ""
        self.org_name = ""
        self.scheme_overrides: dict[str, Decimal] = {}
        self.departments: dict[str, DepartmentData] = {}
        self.department_rows: dict[str, int] = {}
        self.persons: dict[str, PersonData] = {}
        # Persons whose department is missing or unknown: comparisons of departments would only repeat that.
        self.unplaced: set[str] = set()
        self.indicators: dict[str, _Indicator] = {}

    # -- reporting ----------------------------------------------------------------------------------

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(WorkbookError(sheet, row, column, message))

    # -- sheets and rows ----------------------------------------------------------------------------

    def rows(self, name: str) -> list[_Row]:
        """The non-empty data rows of a sheet; [] (and the sheet marked broken) when it cannot be read."""
        spec = SPEC_BY_NAME[name]
        worksheet = self.sheets.get(name)
        if worksheet is None:
            if not spec.optional:
                self.error(name, None, None, f"工作簿中缺少工作表“{name}”")
                self.broken.add(name)
            return []
        if hasattr(worksheet, "reset_dimensions"):
            # Some programs write a wrong sheet size; read every row that is really there.
            worksheet.reset_dimensions()
        iterator = worksheet.iter_rows(values_only=True)
        header = next(iterator, None) or ()
        columns: dict[str, int] = {}
        for index, value in enumerate(header):
            title = _text(value)
            if not title:
                continue
            if title in columns:
                if title in dict(spec.columns):
                    self.error(name, 1, title, f"列“{title}”出现了不止一次")
                    self.broken.add(name)
                continue
            columns[title] = index
        missing = [title for title in spec.required if title not in columns]
        for title in missing:
            self.error(name, 1, title, f"缺少必填列“{title}”（表头应在第1行）")
        if missing or name in self.broken:
            self.broken.add(name)
            return []
        known = [(title, columns[title]) for title, _ in spec.columns if title in columns]
        result = []
        for number, values in enumerate(iterator, start=2):
            cells = {title: (values[index] if index < len(values) else None) for title, index in known}
            if all(_text(value) == "" for value in cells.values()):
                continue
            result.append(_Row(number, cells))
        return result

    # -- typed cells --------------------------------------------------------------------------------

    def text(self, sheet: str, row: _Row, column: str, required: bool = False) -> Any:
        value = _text(row.cells.get(column))
        if required and not value:
            self.error(sheet, row.number, column, f"“{column}”不能为空")
            return INVALID
        return value

    def number(self, sheet: str, row: _Row, column: str, required: bool = False) -> Any:
        raw = row.cells.get(column)
        try:
            value = _decimal(raw)
        except ValueError:
            self.error(sheet, row.number, column, f"“{_text(raw)}”不是有效的数字")
            return INVALID
        if value is None and required:
            self.error(sheet, row.number, column, f"“{column}”不能为空")
            return INVALID
        return value

    def integer(self, sheet: str, row: _Row, column: str, required: bool = False,
                low: int | None = None, high: int | None = None, what: str = "") -> Any:
        raw = row.cells.get(column)
        value = self.number(sheet, row, column, required)
        if value is None or value is INVALID:
            return value
        if value != value.to_integral_value():
            self.error(sheet, row.number, column, f"{what or column}“{_text(raw)}”应为整数")
            return INVALID
        result = int(value)
        if (low is not None and result < low) or (high is not None and result > high):
            self.error(sheet, row.number, column, f"{what or column}“{result}”超出范围，应为{low}–{high}的整数")
            return INVALID
        return result

    def choice(self, sheet: str, row: _Row, column: str, choices, required: bool = False,
               default: str | None = None) -> Any:
        value = self.text(sheet, row, column, required)
        if value is INVALID:
            return INVALID
        if not value:
            return default
        if value not in choices:
            self.error(sheet, row.number, column, f"{column}“{value}”无效，应为：{_choices(choices)}")
            return INVALID
        return value

    def month(self, sheet: str, row: _Row) -> Any:
        return self.integer(sheet, row, "月份", required=True, low=1, high=12, what="月份")

    # -- references ---------------------------------------------------------------------------------

    def person(self, sheet: str, row: _Row, column: str, staff_id: Any) -> PersonData | None:
        """The person a cell names; reports an unknown staff id."""
        if staff_id is INVALID or not staff_id or PERSONS in self.broken:
            return None
        person = self.persons.get(staff_id)
        if person is None:
            self.error(sheet, row.number, column, f"工号“{staff_id}”在“人员”表中不存在")
        return person

    def department_exists(self, sheet: str, row: _Row, column: str, code: Any) -> bool:
        if code is INVALID or not code or DEPARTMENTS in self.broken:
            return False
        if code not in self.departments:
            self.error(sheet, row.number, column, f"部门“{code}”在“部门”表中不存在")
            return False
        return True

    def indicator(self, sheet: str, row: _Row, code: Any) -> _Indicator | None:
        if code is INVALID or not code or INDICATORS in self.broken:
            return None
        indicator = self.indicators.get(code)
        if indicator is None:
            self.error(sheet, row.number, "指标编码", f"指标“{code}”在“指标”表中不存在")
        return indicator

    def scored_leaf(self, sheet: str, row: _Row, indicator: _Indicator | None, categories, cycle: str | None,
                    purpose: str) -> bool:
        """Whether ``indicator`` is a leaf of one of ``categories`` (and of ``cycle``); reports why not."""
        if indicator is None:
            return False
        code = indicator.code
        category = indicator.root_category
        if category is None:
            return False  # the indicator's own rows already carry the problem (no category, loose parent, cycle)
        if not indicator.is_leaf:
            self.error(sheet, row.number, "指标编码", f"指标“{code}”不是末级指标，{purpose}")
            return False
        if category not in categories:
            self.error(sheet, row.number, "指标编码",
                       f"指标“{code}”属于{category}，{purpose}（应为{'或'.join(categories)}指标）")
            return False
        if cycle is not None and indicator.cycle not in (None, INVALID) and indicator.cycle != cycle:
            self.error(sheet, row.number, "指标编码",
                       f"指标“{code}”的考核周期是{indicator.cycle}，{purpose}（应为{cycle}指标）")
            return False
        return indicator.cycle not in (None, INVALID) or cycle is None

    def score_within(self, sheet: str, row: _Row, indicator: _Indicator, score: Any, column: str = "得分") -> None:
        """0 ≤ score ≤ 分值 + 加分上限 for a regular leaf."""
        if score is None or score is INVALID or not isinstance(indicator.full_score, Decimal):
            return
        cap = indicator.bonus_cap if isinstance(indicator.bonus_cap, Decimal) else Decimal(0)
        top = indicator.full_score + cap
        if score < 0 or score > top:
            detail = f"分值{_fmt(indicator.full_score)}" + (f" + 加分上限{_fmt(cap)}" if cap else "")
            self.error(sheet, row.number, column,
                       f"得分{_fmt(score)}超出范围，指标“{indicator.code}”的得分应在0到{_fmt(top)}之间（{detail}）")

    def unique(self, seen: dict, key, sheet: str, row: _Row, column: str | None, what: str) -> bool:
        if key in seen:
            self.error(sheet, row.number, column, f"{what}重复（与第{seen[key]}行重复）")
            return False
        seen[key] = row.number
        return True

    # -- sheets -------------------------------------------------------------------------------------

    def read_org(self) -> None:
        rows = self.rows(ORG)
        if ORG in self.broken:
            return
        if not rows:
            self.error(ORG, None, None, "“单位”表应有且只有一行单位信息，现在没有数据")
            return
        for extra in rows[1:]:
            self.error(ORG, extra.number, None, f"“单位”表只能有一行，第{extra.number}行是多余的")
        row = rows[0]
        code = self.text(ORG, row, "单位编码", required=True)
        name = self.text(ORG, row, "单位名称", required=True)
        year = self.integer(ORG, row, "考核年度", required=True, low=1900, high=9999, what="考核年度")
        self.org_code = code if code is not INVALID else ""
        self.org_name = name if name is not INVALID else ""
        self.year = year if isinstance(year, int) else None

    def read_scheme(self) -> None:
        rows = self.rows(SCHEME)
        key_rows: dict[str, int] = {}
        for row in rows:
            key = self.text(SCHEME, row, "参数", required=True)
            value = self.number(SCHEME, row, "值", required=True)
            if key is INVALID:
                continue
            if key not in SCHEME_DEFAULTS:
                self.error(SCHEME, row.number, "参数", f"未知的方案参数“{key}”")
                continue
            if not self.unique(key_rows, key, SCHEME, row, "参数", f"参数“{key}”"):
                continue
            if value is not INVALID:
                self.scheme_overrides[key] = value
        for key, message in validate_scheme(self.scheme_overrides):
            self.error(SCHEME, self._scheme_row(key, key_rows), "值", message)

    @staticmethod
    def _scheme_row(key: str, key_rows: dict[str, int]) -> int | None:
        """The sheet row a scheme problem belongs to: the key's own row, else a related key's row."""
        if key in key_rows:
            return key_rows[key]
        related = list(group_of(key))
        for chain in THRESHOLD_CHAINS:
            if key in chain:
                related += list(chain)
        rows = [key_rows[other] for other in related if other in key_rows]
        return min(rows) if rows else None

    def read_departments(self) -> list[tuple[_Row, str, str]]:
        heads = []
        for row in self.rows(DEPARTMENTS):
            code = self.text(DEPARTMENTS, row, "部门编码", required=True)
            name = self.text(DEPARTMENTS, row, "部门名称", required=True)
            group = self.choice(DEPARTMENTS, row, "部门分组", GROUPS, required=True)
            head = self.text(DEPARTMENTS, row, "负责人工号")
            if code is INVALID:
                continue
            if not self.unique(self.department_rows, code, DEPARTMENTS, row, "部门编码", f"部门编码“{code}”"):
                continue
            self.departments[code] = DepartmentData(
                code=code,
                name=name if name is not INVALID else "",
                group=group if group is not INVALID else "",
                head_staff_id=head or None,
            )
            if head:
                heads.append((row, code, head))
        return heads

    def check_heads(self, heads: list[tuple[_Row, str, str]]) -> None:
        for row, code, head in heads:
            person = self.person(DEPARTMENTS, row, "负责人工号", head)
            if person is not None and person.staff_id not in self.unplaced and person.department_code != code:
                where = f"属于部门“{person.department_code}”" if person.department_code else "没有所在部门"
                self.error(DEPARTMENTS, row.number, "负责人工号",
                           f"负责人“{head}”（{person.name}）不是本部门“{code}”的人员（{where}）")

    def read_persons(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows(PERSONS):
            staff_id = self.text(PERSONS, row, "工号", required=True)
            name = self.text(PERSONS, row, "姓名", required=True)
            department = self.text(PERSONS, row, "部门编码")
            position = self.choice(PERSONS, row, "职务类型", POSITIONS, required=True)
            category = self.text(PERSONS, row, "人员类别")
            leave = self.integer(PERSONS, row, "请假月数", low=0, high=12, what="请假月数")
            placed = True
            if department:
                placed = self.department_exists(PERSONS, row, "部门编码", department) or DEPARTMENTS in self.broken
            elif position not in (LEADER, INVALID):
                self.error(PERSONS, row.number, "部门编码", f"{position}必须填写部门编码（只有局领导可以不填）")
                placed = False
            if staff_id is INVALID:
                continue
            if not placed:
                self.unplaced.add(staff_id)
            if not self.unique(seen, staff_id, PERSONS, row, "工号", f"工号“{staff_id}”"):
                continue
            self.persons[staff_id] = PersonData(
                staff_id=staff_id,
                name=name if name is not INVALID else "",
                department_code=department or None,
                position=position if position is not INVALID else "",
                category=category,
                leave_months=leave if isinstance(leave, int) else 0,
            )

    def read_indicators(self) -> None:
        sheet = INDICATORS
        for row in self.rows(sheet):
            code = self.text(sheet, row, "指标编码", required=True)
            name = self.text(sheet, row, "指标名称", required=True)
            record = _Indicator(
                row=row.number,
                code=code,
                parent=self.text(sheet, row, "上级指标编码"),
                name=name if name is not INVALID else "",
                category=self.choice(sheet, row, "指标类别", CATEGORIES),
                department=self.text(sheet, row, "责任部门编码"),
                department_ok=False,
                full_score=self.number(sheet, row, "分值"),
                bonus_cap=self.number(sheet, row, "加分上限"),
                cycle=self.choice(sheet, row, "考核周期", CYCLES),
                kind=self.choice(sheet, row, "指标性质", KINDS, default=REGULAR),
                importance=self.choice(sheet, row, "重要程度", IMPORTANCES),
                texts={column: self.text(sheet, row, column)
                       for column in ("考核内容", "目标", "设置依据", "数据来源", "评分标准", "考核主体")},
            )
            if record.department:
                record.department_ok = self.department_exists(sheet, row, "责任部门编码", record.department)
            if isinstance(record.bonus_cap, Decimal) and record.bonus_cap < 0:
                self.error(sheet, row.number, "加分上限", f"加分上限{_fmt(record.bonus_cap)}不能为负数")
                record.bonus_cap = INVALID
            if code is INVALID:
                continue
            existing = self.indicators.get(code)
            if existing is not None:
                self.error(sheet, row.number, "指标编码", f"指标编码“{code}”重复（与第{existing.row}行重复）")
                continue
            self.indicators[code] = record
        self._check_tree()

    def _check_tree(self) -> None:
        sheet = INDICATORS
        indicators = self.indicators
        has_children: set[str] = set()
        for record in indicators.values():
            if not record.parent:
                continue
            if record.parent not in indicators:
                self.error(sheet, record.row, "上级指标编码", f"上级指标“{record.parent}”在“指标”表中不存在")
            else:
                has_children.add(record.parent)

        # Roots: follow parents up; a chain that comes back on itself is a cycle (reported once).
        root_of: dict[str, str | None] = {}
        for start in indicators:
            path: list[str] = []
            on_path: set[str] = set()
            code: str | None = start
            while code is not None and code not in root_of:
                if code in on_path:
                    cycle = path[path.index(code):]
                    first = min(cycle, key=lambda c: indicators[c].row)
                    ordered = cycle[cycle.index(first):] + cycle[:cycle.index(first)]
                    if len(ordered) == 1:
                        message = f"指标“{first}”的上级指标不能是它自己"
                    else:
                        chain = "，".join(f"“{c}”的上级是“{indicators[c].parent}”" for c in ordered)
                        message = f"指标的上下级关系形成了循环：{chain}"
                    self.error(sheet, indicators[first].row, "上级指标编码", message)
                    for member in cycle:
                        root_of[member] = None
                    break
                path.append(code)
                on_path.add(code)
                record = indicators[code]
                if not record.parent:
                    root_of[code] = code
                    break
                if record.parent not in indicators:
                    root_of[code] = None
                    break
                code = record.parent
            for member in reversed(path):  # from the top down, so each parent is resolved first
                if member not in root_of:
                    parent = indicators[member].parent
                    root_of[member] = root_of.get(parent) if parent else member

        for code, record in indicators.items():
            record.is_leaf = code not in has_children
            root = root_of.get(code)
            if not record.parent:
                if record.category is None:
                    self.error(sheet, record.row, "指标类别",
                               f"一级指标（没有上级指标）“{code}”必须填写指标类别：{_choices(CATEGORIES)}")
            root_category = indicators[root].category if root is not None else None
            record.root_category = root_category if root_category in CATEGORIES else None
            if (record.parent and record.root_category and record.category not in (None, INVALID)
                    and record.category != record.root_category):
                self.error(sheet, record.row, "指标类别",
                           f"指标类别“{record.category}”与所属一级指标“{root}”的类别“{record.root_category}”不一致")
            if record.is_leaf:
                self._check_leaf(record)

    def _check_leaf(self, record: _Indicator) -> None:
        sheet = INDICATORS
        code = record.code
        if record.full_score is None:
            self.error(sheet, record.row, "分值", f"末级指标“{code}”必须填写分值")
        elif record.full_score is not INVALID and record.full_score <= 0:
            self.error(sheet, record.row, "分值", f"末级指标“{code}”的分值应大于0，现在是{_fmt(record.full_score)}")
            record.full_score = INVALID
        if record.cycle is None:
            self.error(sheet, record.row, "考核周期", f"末级指标“{code}”必须填写考核周期：{_choices(CYCLES)}")
        category = record.root_category
        if category is None:
            return
        if category == COMMON:
            if record.cycle not in (None, INVALID) and record.cycle != "年度":
                self.error(sheet, record.row, "考核周期", f"共同类指标的考核周期应为年度，现在是{record.cycle}")
                record.cycle = INVALID
            if record.department:
                self.error(sheet, record.row, "责任部门编码", "共同类指标不设责任部门，请清空责任部门编码")
        else:
            if record.kind not in (REGULAR, INVALID):
                self.error(sheet, record.row, "指标性质",
                           f"{category}指标的指标性质只能是常规（加分、扣分、否决只用于共同类指标），现在是{record.kind}")
            if record.cycle == "年度":
                self.error(sheet, record.row, "考核周期", f"{category}指标的考核周期应为月度或半年，现在是年度")
                record.cycle = INVALID
            if not record.department:
                self.error(sheet, record.row, "责任部门编码", f"{category}末级指标“{code}”必须填写责任部门编码")

    def read_weights(self) -> dict[tuple[str, str], Decimal]:
        sheet = WEIGHTS
        weights: dict[tuple[str, str], Decimal] = {}
        seen: dict[tuple[str, str], int] = {}
        totals: dict[str, Decimal] = {}
        first_rows: dict[str, int] = {}
        unreliable: set[str] = set()  # indicators with an unreadable weight: their sum is not checked
        for row in self.rows(sheet):
            code = self.text(sheet, row, "指标编码", required=True)
            staff_id = self.text(sheet, row, "工号", required=True)
            weight = self.number(sheet, row, "比重", required=True)
            indicator = self.indicator(sheet, row, code)
            person = self.person(sheet, row, "工号", staff_id)
            if isinstance(weight, Decimal) and weight <= 0:
                self.error(sheet, row.number, "比重", f"比重应大于0，现在是{_fmt(weight)}")
                weight = INVALID
            fits = self.scored_leaf(sheet, row, indicator, MANAGED, None, "不能分配责任比重")
            if (fits and person is not None and indicator.department_ok and staff_id not in self.unplaced
                    and person.department_code != indicator.department):
                where = f"属于部门“{person.department_code}”" if person.department_code else f"是{person.position}"
                self.error(sheet, row.number, "工号",
                           f"人员“{staff_id}”（{person.name}）{where}，不属于指标“{code}”的责任部门“{indicator.department}”")
            if code is INVALID or staff_id is INVALID:
                continue
            first_rows.setdefault(code, row.number)
            if not self.unique(seen, (code, staff_id), sheet, row, None,
                               f"指标“{code}”中人员“{staff_id}”的责任比重"):
                continue
            if weight is INVALID:
                unreliable.add(code)
                continue
            weights[(code, staff_id)] = weight
            totals[code] = totals.get(code, Decimal(0)) + weight
        for code, total in totals.items():
            if code in unreliable:
                continue
            if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
                self.error(sheet, first_rows[code], "比重",
                           f"指标“{code}”的责任比重合计为{_fmt(total)}，应为100")
        return weights

    def read_monthly_scores(self) -> dict[tuple[int, str], Decimal]:
        sheet = MONTHLY_SCORES
        scores: dict[tuple[int, str], Decimal] = {}
        seen: dict = {}
        for row in self.rows(sheet):
            month = self.month(sheet, row)
            code = self.text(sheet, row, "指标编码", required=True)
            score = self.number(sheet, row, "得分", required=True)
            indicator = self.indicator(sheet, row, code)
            if self.scored_leaf(sheet, row, indicator, MANAGED, "月度", "不能填月度得分"):
                self.score_within(sheet, row, indicator, score)
            if month is INVALID or code is INVALID:
                continue
            if self.unique(seen, (month, code), sheet, row, None, f"{month}月指标“{code}”的得分") \
                    and isinstance(score, Decimal):
                scores[(month, code)] = score
        return scores

    def read_peer_ratings(self) -> list[PeerRating]:
        sheet = PEER_RATINGS
        ratings: list[PeerRating] = []
        seen: dict = {}
        for row in self.rows(sheet):
            month = self.month(sheet, row)
            rater_id = self.text(sheet, row, "评价人工号", required=True)
            ratee_id = self.text(sheet, row, "被评价人工号", required=True)
            grade = self.choice(sheet, row, "等次", PEER_GRADES, required=True)
            rater = self.person(sheet, row, "评价人工号", rater_id)
            ratee = self.person(sheet, row, "被评价人工号", ratee_id)
            leaders = False
            for column, person in (("评价人工号", rater), ("被评价人工号", ratee)):
                if person is not None and person.position == LEADER:
                    leaders = True
                    self.error(sheet, row.number, column,
                               f"“{person.staff_id}”（{person.name}）是局领导，不参加民主测评")
            if rater is not None and ratee is not None and not leaders:
                if rater.staff_id == ratee.staff_id:
                    self.error(sheet, row.number, "被评价人工号", "不能给自己评价（评价人与被评价人是同一人）")
                elif self.unplaced.isdisjoint((rater.staff_id, ratee.staff_id)) \
                        and rater.department_code != ratee.department_code:
                    self.error(sheet, row.number, "被评价人工号",
                               f"评价人“{rater.staff_id}”（部门{rater.department_code}）与被评价人“{ratee.staff_id}”"
                               f"（部门{ratee.department_code}）不在同一部门")
            if INVALID in (month, rater_id, ratee_id):
                continue
            if self.unique(seen, (month, rater_id, ratee_id), sheet, row, None,
                           f"{month}月评价人“{rater_id}”对被评价人“{ratee_id}”的测评") and grade is not INVALID:
                ratings.append(PeerRating(month=month, rater=rater_id, ratee=ratee_id, grade=grade))
        return ratings

    def read_workload(self) -> dict[tuple[int, str], str]:
        sheet = WORKLOAD
        workload: dict[tuple[int, str], str] = {}
        seen: dict = {}
        for row in self.rows(sheet):
            month = self.month(sheet, row)
            staff_id = self.text(sheet, row, "工号", required=True)
            grade = self.choice(sheet, row, "工作量等级", WORKLOAD_GRADES, required=True)
            person = self.person(sheet, row, "工号", staff_id)
            if person is not None and person.position == LEADER:
                self.error(sheet, row.number, "工号", f"“{staff_id}”（{person.name}）是局领导，不设工作量系数")
            if month is INVALID or staff_id is INVALID:
                continue
            if self.unique(seen, (month, staff_id), sheet, row, None, f"{month}月人员“{staff_id}”的工作量等级") \
                    and grade is not INVALID:
                workload[(month, staff_id)] = grade
        return workload

    def read_half_scores(self) -> dict[tuple[str, str], Decimal]:
        sheet = HALF_SCORES
        scores: dict[tuple[str, str], Decimal] = {}
        seen: dict = {}
        for row in self.rows(sheet):
            half = self.choice(sheet, row, "半年", HALVES, required=True)
            code = self.text(sheet, row, "指标编码", required=True)
            score = self.number(sheet, row, "得分", required=True)
            indicator = self.indicator(sheet, row, code)
            if self.scored_leaf(sheet, row, indicator, MANAGED, "半年", "不能填半年得分"):
                self.score_within(sheet, row, indicator, score)
            if half is INVALID or code is INVALID:
                continue
            if self.unique(seen, (half, code), sheet, row, None, f"{half}指标“{code}”的得分") \
                    and isinstance(score, Decimal):
                scores[(half, code)] = score
        return scores

    def read_satisfaction(self) -> list[SatisfactionRating]:
        sheet = SATISFACTION
        ratings: list[SatisfactionRating] = []
        seen: dict = {}
        for row in self.rows(sheet):
            half = self.choice(sheet, row, "半年", HALVES, required=True)
            group = self.choice(sheet, row, "评价主体类别", SATISFACTION_GROUPS, required=True)
            rater = self.text(sheet, row, "评价人")
            code = self.text(sheet, row, "被评部门编码", required=True)
            grade = self.choice(sheet, row, "等次", SATISFACTION_GRADES, required=True)
            self.department_exists(sheet, row, "被评部门编码", code)
            if group == "机关部门" and rater and rater in self.departments and rater == code:
                self.error(sheet, row.number, "评价人", f"部门“{rater}”不能评价本部门（评价人与被评部门相同）")
            if INVALID in (half, group, code, grade):
                continue
            if rater and not self.unique(seen, (half, group, rater, code), sheet, row, None,
                                         f"{half}{group}评价人“{rater}”对部门“{code}”的测评"):
                continue
            ratings.append(SatisfactionRating(half=half, group=group, rater=rater, department_code=code, grade=grade))
        return ratings

    def read_common_scores(self) -> dict[tuple[str, str], Decimal]:
        sheet = COMMON_SCORES
        scores: dict[tuple[str, str], Decimal] = {}
        seen: dict = {}
        for row in self.rows(sheet):
            staff_id = self.text(sheet, row, "工号", required=True)
            code = self.text(sheet, row, "指标编码", required=True)
            score = self.number(sheet, row, "得分", required=True)
            person = self.person(sheet, row, "工号", staff_id)
            if person is not None and person.position == LEADER:
                self.error(sheet, row.number, "工号", f"“{staff_id}”（{person.name}）是局领导，不填共同类得分")
            indicator = self.indicator(sheet, row, code)
            if self.scored_leaf(sheet, row, indicator, (COMMON,), None, "不能填共同类得分") \
                    and isinstance(score, Decimal):
                self._check_common_score(row, indicator, score)
            if staff_id is INVALID or code is INVALID:
                continue
            if self.unique(seen, (staff_id, code), sheet, row, None, f"人员“{staff_id}”指标“{code}”的得分") \
                    and isinstance(score, Decimal):
                scores[(staff_id, code)] = score
        return scores

    def _check_common_score(self, row: _Row, indicator: _Indicator, score: Decimal) -> None:
        sheet = COMMON_SCORES
        kind = indicator.kind
        if kind == "否决":
            if score not in (Decimal(0), Decimal(1)):
                self.error(sheet, row.number, "得分",
                           f"否决指标“{indicator.code}”的得分只能填0（未否决）或1（否决），现在是{_fmt(score)}")
        elif kind in ("加分", "扣分"):
            full = indicator.full_score
            if isinstance(full, Decimal) and (score < 0 or score > full):
                self.error(sheet, row.number, "得分",
                           f"{kind}指标“{indicator.code}”的{kind}分值{_fmt(score)}超出范围，应在0到{_fmt(full)}之间")
        elif kind == REGULAR:
            self.score_within(sheet, row, indicator, score)

    def read_history(self) -> dict[tuple[str, int], str]:
        sheet = HISTORY
        history: dict[tuple[str, int], str] = {}
        seen: dict = {}
        for row in self.rows(sheet):
            staff_id = self.text(sheet, row, "工号", required=True)
            year = self.integer(sheet, row, "年度", required=True, low=1900, high=9999, what="年度")
            grade = self.choice(sheet, row, "等次", ANNUAL_GRADES, required=True)
            self.person(sheet, row, "工号", staff_id)
            if isinstance(year, int) and self.year is not None and year >= self.year:
                self.error(sheet, row.number, "年度",
                           f"历史年度{year}应早于本次考核年度{self.year}")
            if staff_id is INVALID or year is INVALID:
                continue
            if self.unique(seen, (staff_id, year), sheet, row, None, f"人员“{staff_id}”{year}年的等次") \
                    and grade is not INVALID:
                history[(staff_id, year)] = grade
        return history

    # -- everything ---------------------------------------------------------------------------------

    def read(self) -> ReadResult:
        self.read_scheme()
        self.read_org()
        heads = self.read_departments()
        self.read_persons()
        self.check_heads(heads)
        self.read_indicators()
        weights = self.read_weights()
        monthly_scores = self.read_monthly_scores()
        peer_ratings = self.read_peer_ratings()
        workload = self.read_workload()
        half_scores = self.read_half_scores()
        satisfaction = self.read_satisfaction()
        common_scores = self.read_common_scores()
        history = self.read_history()
        errors = sorted(self.errors, key=lambda e: (SHEET_ORDER.get(e.sheet, -1), e.row or 0))
        if errors:
            return ReadResult(data=None, errors=errors)
        data = YearInput(
            org_code=self.org_code,
            org_name=self.org_name,
            year=self.year,
            scheme=merge_scheme(self.scheme_overrides),
            departments=list(self.departments.values()),
            persons=list(self.persons.values()),
            indicators=[self._indicator_data(record) for record in self.indicators.values()],
            weights=weights,
            monthly_scores=monthly_scores,
            peer_ratings=peer_ratings,
            workload=workload,
            half_scores=half_scores,
            satisfaction=satisfaction,
            common_scores=common_scores,
            history=history,
        )
        return ReadResult(data=data, errors=[])

    @staticmethod
    def _indicator_data(record: _Indicator) -> IndicatorData:
        texts = record.texts
        return IndicatorData(
            code=record.code,
            name=record.name,
            parent_code=record.parent or None,
            category=record.root_category,
            department_code=record.department or None,
            full_score=record.full_score,
            bonus_cap=record.bonus_cap if record.bonus_cap is not None else Decimal("0"),
            cycle=record.cycle,
            kind=record.kind,
            importance=record.importance or "",
            content=texts["考核内容"],
            target=texts["目标"],
            basis=texts["设置依据"],
            data_source=texts["数据来源"],
            scoring_standard=texts["评分标准"],
            assessor=texts["考核主体"],
        )


def read_workbook(path_or_filelike) -> ReadResult:
    """Read and validate a year workbook (a path or a binary file object)."""
    try:
        workbook = openpyxl.load_workbook(path_or_filelike, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        return ReadResult(data=None, errors=[WorkbookError("", None, None,
                                                           "无法打开文件：请上传 Excel 工作簿（.xlsx 格式）")])
    try:
        return _WorkbookReader(workbook).read()
    finally:
        workbook.close()


def write_template(path_or_filelike) -> None:
    """An empty input workbook: every sheet with its headers; required headers bold, with hints as comments."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for spec in SHEET_SPECS:
        worksheet = workbook.create_sheet(spec.name)
        for index, (header, required) in enumerate(spec.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=header)
            if required:
                cell.font = bold
            hint = spec.notes.get(header)
            note = ("必填" if required else "选填") + (f"：{hint}" if hint else "")
            cell.comment = Comment(note, "考核办")
            worksheet.column_dimensions[cell.column_letter].width = max(10, 3 * len(header) + 4)
        worksheet.freeze_panes = "A2"
    workbook.save(path_or_filelike)
