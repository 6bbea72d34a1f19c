"""What every sheet reader shares: sheet specs, errors, cell conversion, and the streaming ``Context``.

The context walks a sheet and its continuation sheets (``民主测评``, ``民主测评2``, ``民主测评3`` …) in
read-only mode, maps the header once per worksheet, and yields each non-empty data row as a tuple of
the spec's columns in spec order. While it yields, ``ctx.sheet`` / ``ctx.row`` / ``ctx.pos`` name the
worksheet and Excel row being read, so ``ctx.error(column, message)`` needs no row object. Messages are
formatted only when something is wrong; duplicate checks keep one small int (the position) per key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any, Iterator

from appraisal.xlsx import FORMULA_SUSPECTS, formula_problem
from scoring.yeardata import DepartmentData, PersonData

# Excel holds 1,048,576 rows (2**20): a position packs (part, row) into one int.
_ROW_BITS = 21
_ROW_MASK = (1 << _ROW_BITS) - 1
PROGRESS_MASK = (1 << 13) - 1  # a progress tick every 8,192 rows


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[tuple[str, bool], ...]  # (header, required), in template order
    optional: bool = False
    notes: dict[str, str] = field(default_factory=dict)  # header -> comment in the template

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(header for header, required in self.columns if required)


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
    data: Any  # YearInput | None
    errors: list[WorkbookError]

    @property
    def ok(self) -> bool:
        return not self.errors


def choices(values) -> str:
    return " / ".join(values)


# ---------------------------------------------------------------------------------------------------
# Cell values


class _Invalid:
    """A cell whose problem has already been reported; checks that depend on it are skipped."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


def to_text(value) -> str:
    """Cell → stripped text; numbers typed into Excel keep their digits (1001 and 1001.0 → "1001")."""
    if value is None:
        return ""
    cls = value.__class__
    if cls is str:
        return value.strip()
    if cls is int or cls is bool:
        return str(value)
    if cls is float:
        return str(int(value)) if value.is_integer() else str(value)
    if cls is Decimal:
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value).strip()


def to_decimal(value) -> Decimal | None:
    """Cell → Decimal; None when empty. Floats go through str() so that 3.3 stays 3.3. Raises ValueError."""
    if value is None:
        return None
    cls = value.__class__
    if cls is int:
        return Decimal(value)
    if cls is bool:
        raise ValueError
    if cls is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError
        return Decimal(int(value)) if value.is_integer() else Decimal(str(value))
    if cls is Decimal:
        number = value
    elif cls is str:
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


def fmt(number: Decimal) -> str:
    """A Decimal as a clerk would write it: 0.50 → 0.5, 1E+1 → 10."""
    return format(number.normalize(), "f") if number else "0"


def _blank(values: tuple) -> bool:
    """Whether every cell is empty (None or only spaces); stops at the first filled cell."""
    for value in values:
        if value is not None and not (value.__class__ is str and not value.strip()):
            return False
    return True


@dataclass
class IndicatorRecord:
    """An 指标 row as read, before the tree is checked (INVALID marks a reported cell)."""
    pos: int
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


MANAGED = ("管理类", "业务类")  # the department pipeline's categories
COMMON = "共同类"
REGULAR = "常规"
PERSONS_SHEET, DEPARTMENTS_SHEET, INDICATORS_SHEET = "人员", "部门", "指标"


# ---------------------------------------------------------------------------------------------------
# The context


class Context:
    """One read of one workbook: the worksheets, the errors so far, and what earlier sheets established."""

    def __init__(self, workbook, sheet_order: dict[str, int]):
        self.errors: list[WorkbookError] = []
        self.sheet_order = sheet_order  # base sheet name -> template position (for sorting errors)
        self.worksheets = {str(ws.title).strip(): ws for ws in workbook.worksheets}
        self.part_of: dict[str, tuple[int, int]] = {}  # worksheet title -> (sheet order, part index)
        self.broken: set[str] = set()  # sheets missing or unusable: references into them are not checked
        # where the current row is (set while rows() yields)
        self.sheet = ""
        self.row = 0
        self.pos = 0
        self._titles: list[str] = []  # every worksheet read so far; a position's high bits index it
        # what the organisation and indicator sheets establish for the later sheets
        self.year: int | None = None
        self.org_code = ""
        self.org_name = ""
        self.scheme_overrides: dict[str, Decimal] = {}
        self.departments: dict[str, DepartmentData] = {}
        self.persons: dict[str, PersonData] = {}
        # Persons whose department is missing or unknown: comparisons of departments would only repeat that.
        self.unplaced: set[str] = set()
        self.department_heads: list[tuple[int, str, str]] = []  # (position, department, staff id) of 负责人工号
        self.indicators: dict[str, IndicatorRecord] = {}
        # progress of a long read (a job's progress bar): data rows of the parts finished, and a callback
        # ``tick(rows_read)`` called every PROGRESS_ROWS rows (None: nobody watches)
        self.rows_read = 0
        self.tick = None

    # -- reporting ----------------------------------------------------------------------------------

    def error(self, column: str | None, message: str) -> None:
        """A problem in the current row."""
        self.errors.append(WorkbookError(self.sheet, self.row, column, message))

    def error_at(self, pos: int, column: str | None, message: str) -> None:
        """A problem in an earlier row (its position), reported after its sheet was read."""
        sheet, row = self.where(pos)
        self.errors.append(WorkbookError(sheet, row, column, message))

    def sheet_error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(WorkbookError(sheet, row, column, message))

    def where(self, pos: int) -> tuple[str, int]:
        """(worksheet title, Excel row) of a position."""
        return self._titles[pos >> _ROW_BITS], pos & _ROW_MASK

    def at(self, pos: int) -> None:
        """Make the row at ``pos`` the current row (for checks made after its sheet was read)."""
        self.sheet, self.row = self.where(pos)
        self.pos = pos

    def sorted_errors(self) -> list[WorkbookError]:
        def key(error: WorkbookError):
            order, part = self.part_of.get(error.sheet, (self.sheet_order.get(error.sheet, -1), 0))
            return order, part, error.row or 0
        return sorted(self.errors, key=key)

    # -- sheets and rows ----------------------------------------------------------------------------

    def parts(self, spec: SheetSpec) -> list[tuple[str, Any]]:
        """The worksheets of a sheet: its own, then 名称2, 名称3 … (numbered consecutively)."""
        name = spec.name
        numbered: dict[int, str] = {}
        pattern = re.compile(re.escape(name) + r"([1-9][0-9]*)")
        for title in self.worksheets:
            match = pattern.fullmatch(title)
            if match:
                numbered[int(match.group(1))] = title
        order = self.sheet_order.get(name, -1)
        if name not in self.worksheets:
            if numbered:
                self.sheet_error(name, None, None,
                                 f"工作簿中有续表“{numbered[min(numbered)]}”，但缺少工作表“{name}”")
                self.broken.add(name)
            return []
        parts = [(name, self.worksheets[name])]
        expected = 2
        for number in sorted(numbered):
            title = numbered[number]
            if number != expected:
                self.sheet_error(title, None, None, f"续表应按顺序编号：“{title}”之前缺少“{name}{expected}”"
                                 if number > expected else f"续表编号应从2开始：请把“{title}”改名为“{name}{expected}”")
                self.broken.add(name)
            expected = max(expected, number) + 1
            parts.append((title, self.worksheets[title]))
        for index, (title, _worksheet) in enumerate(parts):
            self.part_of[title] = (order, index)
        return parts

    def rows(self, spec: SheetSpec) -> Iterator[tuple]:
        """Each non-empty data row of the sheet and its continuations, as a tuple in ``spec.columns`` order.

        Every header is checked before the first row is given: a missing required column (or a column
        given twice) in any part marks the sheet broken and gives no rows.
        """
        name = spec.name
        parts = self.parts(spec)
        if not parts:
            if not spec.optional and name not in self.broken:
                self.sheet_error(name, None, None, f"工作簿中缺少工作表“{name}”")
                self.broken.add(name)
            return
        known = dict(spec.columns)
        opened = []
        for title, worksheet in parts:
            if hasattr(worksheet, "reset_dimensions"):
                # Some programs write a wrong sheet size; read every row that is really there.
                worksheet.reset_dimensions()
            iterator = worksheet.iter_rows(values_only=True)
            header = next(iterator, None) or ()
            columns: dict[str, int] = {}
            for index, value in enumerate(header):
                title_text = to_text(value)
                if not title_text:
                    continue
                if title_text in columns:
                    if title_text in known:
                        self.sheet_error(title, 1, title_text, f"列“{title_text}”出现了不止一次")
                        self.broken.add(name)
                    continue
                columns[title_text] = index
            missing = [header_name for header_name in spec.required if header_name not in columns]
            for header_name in missing:
                self.sheet_error(title, 1, header_name, f"缺少必填列“{header_name}”（表头应在第1行）")
            if missing:
                self.broken.add(name)
            opened.append((title, iterator, columns))
        if name in self.broken:
            return
        width = len(spec.columns)
        for title, iterator, columns in opened:
            self.sheet = title
            base = len(self._titles) << _ROW_BITS
            self._titles.append(title)
            present = [columns.get(header_name) for header_name, _required in spec.columns]
            if None in present:  # an optional column left out: it reads as empty, one index past the row
                beyond = max(columns.values(), default=-1) + 1
                present = [beyond if index is None else index for index in present]
            need = max(present) + 1
            pad = (None,) * need
            pick = itemgetter(*present) if width > 1 else (lambda values, _i=present[0]: (values[_i],))
            number = 1
            for number, values in enumerate(iterator, start=2):
                if not number & PROGRESS_MASK and self.tick is not None:
                    self.tick(self.rows_read + number - 1)
                if len(values) < need:
                    values = (*values, *pad[len(values):])  # a short row (a list when empty)
                values = pick(values)
                if _blank(values):
                    continue
                self.row = number
                self.pos = base | number
                for value in values:  # formula injection: text that Excel would run is refused
                    if value.__class__ is str and value[:1] in FORMULA_SUSPECTS:
                        self._formula_cells(spec, values)
                        break
                yield values
            self.rows_read += number - 1

    def _formula_cells(self, spec: SheetSpec, values: tuple) -> None:
        for (header, _required), value in zip(spec.columns, values):
            problem = formula_problem(value)
            if problem:
                self.error(header, problem)

    # -- typed cells (of the current row) -----------------------------------------------------------

    def text(self, value, column: str, required: bool = False) -> Any:
        value = value.strip() if value.__class__ is str else to_text(value)
        if required and not value:
            self.error(column, f"“{column}”不能为空")
            return INVALID
        return value

    def number(self, value, column: str, required: bool = False) -> Any:
        try:
            number = to_decimal(value)
        except ValueError:
            self.error(column, f"“{to_text(value)}”不是有效的数字")
            return INVALID
        if number is None and required:
            self.error(column, f"“{column}”不能为空")
            return INVALID
        return number

    def integer(self, value, column: str, required: bool = False, low: int | None = None,
                high: int | None = None, what: str = "") -> Any:
        if value.__class__ is int and (low is None or value >= low) and (high is None or value <= high):
            return value  # the common case, without a Decimal
        number = self.number(value, column, required)
        if number is None or number is INVALID:
            return number
        if number != number.to_integral_value():
            self.error(column, f"{what or column}“{to_text(value)}”应为整数")
            return INVALID
        result = int(number)
        if (low is not None and result < low) or (high is not None and result > high):
            self.error(column, f"{what or column}“{result}”超出范围，应为{low}–{high}的整数")
            return INVALID
        return result

    def choice(self, value, column: str, allowed, required: bool = False, default: str | None = None) -> Any:
        if value.__class__ is str and value in allowed:
            return value  # the common case
        value = self.text(value, column, required)
        if value is INVALID:
            return INVALID
        if not value:
            return default
        if value not in allowed:
            self.error(column, f"{column}“{value}”无效，应为：{choices(allowed)}")
            return INVALID
        return value

    def month(self, value) -> Any:
        return self.integer(value, "月份", required=True, low=1, high=12, what="月份")

    def repeated(self, first: int, column: str | None, what: str) -> None:
        """Report the current row as a repeat of the row at position ``first``.

        Sheets check keys with ``first = seen.setdefault(key, ctx.pos)``: a repeat when ``first != ctx.pos``,
        so the description is formatted only then.
        """
        sheet, row = self.where(first)
        where = f"第{row}行" if sheet == self.sheet else f"“{sheet}”第{row}行"
        self.error(column, f"{what}重复（与{where}重复）")

    # -- references ---------------------------------------------------------------------------------

    def person(self, column: str, staff_id: Any) -> PersonData | None:
        """The person a cell names; reports an unknown staff id."""
        if staff_id is INVALID or not staff_id or PERSONS_SHEET in self.broken:
            return None
        person = self.persons.get(staff_id)
        if person is None:
            self.error(column, f"工号“{staff_id}”在“人员”表中不存在")
        return person

    def department_exists(self, column: str, code: Any) -> bool:
        if code is INVALID or not code or DEPARTMENTS_SHEET in self.broken:
            return False
        if code not in self.departments:
            self.error(column, f"部门“{code}”在“部门”表中不存在")
            return False
        return True

    def indicator(self, code: Any) -> IndicatorRecord | None:
        if code is INVALID or not code or INDICATORS_SHEET in self.broken:
            return None
        indicator = self.indicators.get(code)
        if indicator is None:
            self.error("指标编码", f"指标“{code}”在“指标”表中不存在")
        return indicator

    def scored_leaf(self, indicator: IndicatorRecord | None, categories, cycle: str | None, purpose: str) -> bool:
        """Whether ``indicator`` is a leaf of one of ``categories`` (and of ``cycle``); reports why not."""
        if indicator is None:
            return False
        code = indicator.code
        category = indicator.root_category
        if category is None:
            return False  # the indicator's own rows already carry the problem (no category, loose parent, cycle)
        if not indicator.is_leaf:
            self.error("指标编码", f"指标“{code}”不是末级指标，{purpose}")
            return False
        if category not in categories:
            self.error("指标编码", f"指标“{code}”属于{category}，{purpose}（应为{'或'.join(categories)}指标）")
            return False
        if cycle is not None and indicator.cycle not in (None, INVALID) and indicator.cycle != cycle:
            self.error("指标编码", f"指标“{code}”的考核周期是{indicator.cycle}，{purpose}（应为{cycle}指标）")
            return False
        return indicator.cycle not in (None, INVALID) or cycle is None

    def score_within(self, indicator: IndicatorRecord, score: Any, column: str = "得分") -> None:
        """0 ≤ score ≤ 分值 + 加分上限 for a regular leaf."""
        if score is None or score is INVALID or not isinstance(indicator.full_score, Decimal):
            return
        cap = indicator.bonus_cap if isinstance(indicator.bonus_cap, Decimal) else Decimal(0)
        top = indicator.full_score + cap
        if score < 0 or score > top:
            detail = f"分值{fmt(indicator.full_score)}" + (f" + 加分上限{fmt(cap)}" if cap else "")
            self.error(column, f"得分{fmt(score)}超出范围，指标“{indicator.code}”的得分应在0到{fmt(top)}之间（{detail}）")


@dataclass(frozen=True)
class Sheet:
    """A sheet of the input workbook and the function that reads it.

    ``read(ctx)`` walks ``ctx.rows(spec)``, reports problems through ``ctx`` and returns the
    ``YearInput`` fields it fills ({} when it only fills the context, like 部门 and 人员).
    """
    spec: SheetSpec
    read: Any  # Callable[[Context], dict[str, Any]]
