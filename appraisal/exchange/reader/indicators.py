"""Indicator sheets: 指标 (the plan tree, checked once the sheet is read) and 责任比重."""
from __future__ import annotations

import re
from decimal import Decimal

from appraisal.shared_indicators import shared_problems
from scoring.yeardata import CATEGORIES, CYCLES, IMPORTANCES, KINDS, IndicatorData

from .base import COMMON, INVALID, MANAGED, REGULAR, Context, IndicatorRecord, Sheet, SheetSpec, choices, fmt

INDICATORS = "指标"
WEIGHTS = "责任比重"
WEIGHT_TOTAL = Decimal("100")
WEIGHT_TOLERANCE = Decimal("0.01")
# 共享指标 (optional, DOMAIN.md §9) names the shared indicator a leaf belongs to
TEXT_COLUMNS = ("考核内容", "目标", "设置依据", "数据来源", "评分标准", "考核主体", "共享指标", "适用人员类别")
OFFICE = "考核办"  # the 考核主体 that is not a department

INDICATOR_SPEC = SheetSpec(
    INDICATORS, (("指标编码", True), ("上级指标编码", False), ("指标名称", True), ("指标类别", False),
                 ("责任部门编码", False), ("分值", False), ("加分上限", False), ("考核周期", False),
                 ("指标性质", False), ("重要程度", False)) + tuple((column, False) for column in TEXT_COLUMNS),
    notes={"指标类别": "一级指标必填：" + choices(CATEGORIES), "考核周期": choices(CYCLES),
           "指标性质": choices(KINDS) + "，不填为常规", "重要程度": choices(IMPORTANCES),
           "共享指标": "可选：各部门的同一项指标填写相同名称，同一部门只能一个",
           "考核主体": f"部门编码或{OFFICE}，不填为{OFFICE}", "适用人员类别": "仅共同类末级指标，多个用、分隔，不填为全体人员"})
WEIGHT_SPEC = SheetSpec(WEIGHTS, (("指标编码", True), ("工号", True), ("比重", True)),
                        notes={"比重": "百分数，同一指标合计100"})


def read_indicators(ctx: Context) -> dict:
    indicators = ctx.indicators
    for values in ctx.rows(INDICATOR_SPEC):
        code, parent, name, category, department, full_score, bonus_cap, cycle, kind, importance = values[:10]
        code = ctx.text(code, "指标编码", required=True)
        name = ctx.text(name, "指标名称", required=True)
        record = IndicatorRecord(
            pos=ctx.pos,
            code=code,
            parent=ctx.text(parent, "上级指标编码"),
            name=name if name is not INVALID else "",
            category=ctx.choice(category, "指标类别", CATEGORIES),
            department=ctx.text(department, "责任部门编码"),
            department_ok=False,
            full_score=ctx.number(full_score, "分值"),
            bonus_cap=ctx.number(bonus_cap, "加分上限"),
            cycle=ctx.choice(cycle, "考核周期", CYCLES),
            kind=ctx.choice(kind, "指标性质", KINDS, default=REGULAR),
            importance=ctx.choice(importance, "重要程度", IMPORTANCES),
            texts={column: ctx.text(value, column) for column, value in zip(TEXT_COLUMNS, values[10:])},
        )
        if record.department:
            record.department_ok = ctx.department_exists("责任部门编码", record.department)
        assessor = record.texts["考核主体"]
        if assessor and assessor is not INVALID and assessor != OFFICE:
            ctx.department_exists("考核主体", assessor)
        if isinstance(record.bonus_cap, Decimal) and record.bonus_cap < 0:
            ctx.error("加分上限", f"加分上限{fmt(record.bonus_cap)}不能为负数")
            record.bonus_cap = INVALID
        if code is INVALID:
            continue
        existing = indicators.get(code)
        if existing is not None:
            ctx.repeated(existing.pos, "指标编码", f"指标编码“{code}”")
            continue
        indicators[code] = record
    _check_tree(ctx)
    return {"indicators": [_indicator_data(record) for record in indicators.values()]}


def _check_tree(ctx: Context) -> None:
    indicators = ctx.indicators
    has_children: set[str] = set()
    for record in indicators.values():
        if not record.parent:
            continue
        if record.parent not in indicators:
            ctx.error_at(record.pos, "上级指标编码", f"上级指标“{record.parent}”在“指标”表中不存在")
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
                first = min(cycle, key=lambda c: indicators[c].pos)
                ordered = cycle[cycle.index(first):] + cycle[:cycle.index(first)]
                if len(ordered) == 1:
                    message = f"指标“{first}”的上级指标不能是它自己"
                else:
                    chain = "，".join(f"“{c}”的上级是“{indicators[c].parent}”" for c in ordered)
                    message = f"指标的上下级关系形成了循环：{chain}"
                ctx.error_at(indicators[first].pos, "上级指标编码", message)
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
        if not record.parent and record.category is None:
            ctx.error_at(record.pos, "指标类别",
                         f"一级指标（没有上级指标）“{code}”必须填写指标类别：{choices(CATEGORIES)}")
        root_category = indicators[root].category if root is not None else None
        record.root_category = root_category if root_category in CATEGORIES else None
        if (record.parent and record.root_category and record.category not in (None, INVALID)
                and record.category != record.root_category):
            ctx.error_at(record.pos, "指标类别",
                         f"指标类别“{record.category}”与所属一级指标“{root}”的类别“{record.root_category}”不一致")
        if record.is_leaf:
            _check_leaf(ctx, record)
    _check_shared(ctx)


def _check_shared(ctx: Context) -> None:
    """Leaves of one shared indicator are management or business leaves of different departments."""
    rows = [(code, record.department or None, record.texts.get("共享指标") or "",
             record.is_leaf and record.root_category in MANAGED)
            for code, record in ctx.indicators.items() if record.texts.get("共享指标") not in (None, "", INVALID)]
    for code, message in shared_problems(rows):
        ctx.error_at(ctx.indicators[code].pos, "共享指标", message)


def _check_leaf(ctx: Context, record: IndicatorRecord) -> None:
    code, pos = record.code, record.pos
    if record.full_score is None:
        ctx.error_at(pos, "分值", f"末级指标“{code}”必须填写分值")
    elif record.full_score is not INVALID and record.full_score <= 0:
        ctx.error_at(pos, "分值", f"末级指标“{code}”的分值应大于0，现在是{fmt(record.full_score)}")
        record.full_score = INVALID
    if record.cycle is None:
        ctx.error_at(pos, "考核周期", f"末级指标“{code}”必须填写考核周期：{choices(CYCLES)}")
    category = record.root_category
    if category is None:
        return
    if person_categories(record) and category != COMMON:
        ctx.error_at(pos, "适用人员类别", f"只有共同类指标可以限定适用人员类别，“{code}”是{category}指标")
    if category == COMMON:
        if record.cycle not in (None, INVALID) and record.cycle != "年度":
            ctx.error_at(pos, "考核周期", f"共同类指标的考核周期应为年度，现在是{record.cycle}")
            record.cycle = INVALID
        if record.department:
            ctx.error_at(pos, "责任部门编码", "共同类指标不设责任部门，请清空责任部门编码")
    else:
        if record.kind not in (REGULAR, INVALID):
            ctx.error_at(pos, "指标性质",
                         f"{category}指标的指标性质只能是常规（加分、扣分、否决只用于共同类指标），现在是{record.kind}")
        if record.cycle == "年度":
            ctx.error_at(pos, "考核周期", f"{category}指标的考核周期应为月度或半年，现在是年度")
            record.cycle = INVALID
        if not record.department:
            ctx.error_at(pos, "责任部门编码", f"{category}末级指标“{code}”必须填写责任部门编码")


def _indicator_data(record: IndicatorRecord) -> IndicatorData:
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
        assessor=texts["考核主体"] if texts["考核主体"] != OFFICE else "",
        shared=texts.get("共享指标") or "",
        person_categories=person_categories(record),
    )


def person_categories(record: IndicatorRecord) -> tuple[str, ...]:
    """适用人员类别 of a leaf: names separated by 、 , ， ; or spaces (empty: everybody)."""
    text = record.texts.get("适用人员类别")
    if not text or text is INVALID:
        return ()
    return tuple(dict.fromkeys(name for name in re.split(r"[、,，;；\s]+", text) if name))


def read_weights(ctx: Context) -> dict:
    weights: dict[tuple[str, str], Decimal] = {}
    seen: dict[tuple[str, str], int] = {}
    totals: dict[str, Decimal] = {}
    first_rows: dict[str, int] = {}
    unreliable: set[str] = set()  # indicators with an unreadable weight: their sum is not checked
    unplaced = ctx.unplaced
    for code, staff_id, weight in ctx.rows(WEIGHT_SPEC):
        code = ctx.text(code, "指标编码", required=True)
        staff_id = ctx.text(staff_id, "工号", required=True)
        weight = ctx.number(weight, "比重", required=True)
        indicator = ctx.indicator(code)
        person = ctx.person("工号", staff_id)
        if isinstance(weight, Decimal) and weight <= 0:
            ctx.error("比重", f"比重应大于0，现在是{fmt(weight)}")
            weight = INVALID
        fits = ctx.scored_leaf(indicator, MANAGED, None, "不能分配责任比重")
        if (fits and person is not None and indicator.department_ok and staff_id not in unplaced
                and person.department_code != indicator.department):
            where = f"属于部门“{person.department_code}”" if person.department_code else f"是{person.position}"
            ctx.error("工号", f"人员“{staff_id}”（{person.name}）{where}，不属于指标“{code}”的责任部门“{indicator.department}”")
        if code is INVALID or staff_id is INVALID:
            continue
        first_rows.setdefault(code, ctx.pos)
        key = (code, person.staff_id if person is not None else staff_id)
        first = seen.setdefault(key, ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, None, f"指标“{code}”中人员“{staff_id}”的责任比重")
            continue
        if weight is INVALID:
            unreliable.add(code)
            continue
        weights[key] = weight
        totals[code] = totals.get(code, Decimal(0)) + weight
    for code, total in totals.items():
        if code in unreliable:
            continue
        if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
            ctx.error_at(first_rows[code], "比重", f"指标“{code}”的责任比重合计为{fmt(total)}，应为100")
    return {"weights": weights}


SHEETS = (
    Sheet(INDICATOR_SPEC, read_indicators),
    Sheet(WEIGHT_SPEC, read_weights),
)
