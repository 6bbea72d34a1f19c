"""Organisation sheets: 方案参数, 单位, 部门, 人员 (they fill the context the later sheets check against)."""
from __future__ import annotations

from appraisal.scheme import SCHEME_DEFAULTS, THRESHOLD_CHAINS, group_of, validate_scheme
from scoring.yeardata import GROUPS, LEADER, POSITIONS, DepartmentData, PersonData

from .base import INVALID, Context, Sheet, SheetSpec, choices

SCHEME = "方案参数"
ORG = "单位"
DEPARTMENTS = "部门"
PERSONS = "人员"

SCHEME_SPEC = SheetSpec(SCHEME, (("参数", True), ("值", True)), optional=True,
                        notes={"参数": "方案参数键，例如 monthly.dept_weight；不填的参数取默认值"})
ORG_SPEC = SheetSpec(ORG, (("单位编码", True), ("单位名称", True), ("考核年度", True)), notes={"考核年度": "只填一行"})
DEPARTMENT_SPEC = SheetSpec(
    DEPARTMENTS, (("部门编码", True), ("部门名称", True), ("部门分组", True), ("负责人工号", False)),
    notes={"部门分组": choices(GROUPS), "负责人工号": "须是本部门人员"})
PERSON_SPEC = SheetSpec(
    PERSONS, (("工号", True), ("姓名", True), ("部门编码", False), ("职务类型", True), ("人员类别", False),
              ("请假月数", False)),
    notes={"职务类型": choices(POSITIONS), "部门编码": "局领导可不填，其他人员必填", "请假月数": "0–12 的整数，不填为0"})


def read_scheme(ctx: Context) -> dict:
    key_rows: dict[str, int] = {}
    for key, value in ctx.rows(SCHEME_SPEC):
        key = ctx.text(key, "参数", required=True)
        value = ctx.number(value, "值", required=True)
        if key is INVALID:
            continue
        if key not in SCHEME_DEFAULTS:
            ctx.error("参数", f"未知的方案参数“{key}”")
            continue
        first = key_rows.setdefault(key, ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, "参数", f"参数“{key}”")
            continue
        if value is not INVALID:
            ctx.scheme_overrides[key] = value
    for key, message in validate_scheme(ctx.scheme_overrides):
        pos = _scheme_pos(key, key_rows)
        if pos is None:
            ctx.sheet_error(SCHEME, None, "值", message)
        else:
            ctx.error_at(pos, "值", message)
    return {}


def _scheme_pos(key: str, key_rows: dict[str, int]) -> int | None:
    """The position of the row a scheme problem belongs to: the key's own row, else a related key's row."""
    if key in key_rows:
        return key_rows[key]
    related = list(group_of(key))
    for chain in THRESHOLD_CHAINS:
        if key in chain:
            related += list(chain)
    rows = [key_rows[other] for other in related if other in key_rows]
    return min(rows) if rows else None


def read_org(ctx: Context) -> dict:
    rows = [(ctx.pos, values) for values in ctx.rows(ORG_SPEC)]
    if ORG in ctx.broken:
        return {}
    if not rows:
        ctx.sheet_error(ORG, None, None, "“单位”表应有且只有一行单位信息，现在没有数据")
        return {}
    for pos, _values in rows[1:]:
        sheet, row = ctx.where(pos)
        ctx.sheet_error(sheet, row, None, f"“单位”表只能有一行，第{row}行是多余的")
    pos, (code, name, year) = rows[0]
    ctx.at(pos)
    code = ctx.text(code, "单位编码", required=True)
    name = ctx.text(name, "单位名称", required=True)
    year = ctx.integer(year, "考核年度", required=True, low=1900, high=9999, what="考核年度")
    ctx.org_code = code if code is not INVALID else ""
    ctx.org_name = name if name is not INVALID else ""
    ctx.year = year if isinstance(year, int) else None
    return {}


def read_departments(ctx: Context) -> dict:
    seen: dict[str, int] = {}
    heads = []
    for code, name, group, head in ctx.rows(DEPARTMENT_SPEC):
        code = ctx.text(code, "部门编码", required=True)
        name = ctx.text(name, "部门名称", required=True)
        group = ctx.choice(group, "部门分组", GROUPS, required=True)
        head = ctx.text(head, "负责人工号")
        if code is INVALID:
            continue
        first = seen.setdefault(code, ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, "部门编码", f"部门编码“{code}”")
            continue
        ctx.departments[code] = DepartmentData(
            code=code,
            name=name if name is not INVALID else "",
            group=group if group is not INVALID else "",
            head_staff_id=head or None,
        )
        if head:
            heads.append((ctx.pos, code, head))
    ctx.department_heads = heads  # checked once the persons are read
    return {}


def read_persons(ctx: Context) -> dict:
    seen: dict[str, int] = {}
    persons = ctx.persons
    for staff_id, name, department, position, category, leave in ctx.rows(PERSON_SPEC):
        staff_id = ctx.text(staff_id, "工号", required=True)
        name = ctx.text(name, "姓名", required=True)
        department = ctx.text(department, "部门编码")
        position = ctx.choice(position, "职务类型", POSITIONS, required=True)
        category = ctx.text(category, "人员类别")
        leave = ctx.integer(leave, "请假月数", low=0, high=12, what="请假月数")
        placed = True
        if department:
            placed = ctx.department_exists("部门编码", department) or DEPARTMENTS in ctx.broken
        elif position not in (LEADER, INVALID):
            ctx.error("部门编码", f"{position}必须填写部门编码（只有局领导可以不填）")
            placed = False
        if staff_id is INVALID:
            continue
        if not placed:
            ctx.unplaced.add(staff_id)
        first = seen.setdefault(staff_id, ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, "工号", f"工号“{staff_id}”")
            continue
        persons[staff_id] = PersonData(
            staff_id=staff_id,
            name=name if name is not INVALID else "",
            department_code=department or None,
            position=position if position is not INVALID else "",
            category=category,
            leave_months=leave if isinstance(leave, int) else 0,
        )
    _check_heads(ctx)
    return {}


def _check_heads(ctx: Context) -> None:
    """A department's 负责人工号 names a person of that department (checked once 人员 is read)."""
    for pos, code, head in ctx.department_heads:
        ctx.at(pos)
        person = ctx.person("负责人工号", head)
        if person is not None and person.staff_id not in ctx.unplaced and person.department_code != code:
            where = f"属于部门“{person.department_code}”" if person.department_code else "没有所在部门"
            ctx.error("负责人工号", f"负责人“{head}”（{person.name}）不是本部门“{code}”的人员（{where}）")


SHEETS = (
    Sheet(SCHEME_SPEC, read_scheme),
    Sheet(ORG_SPEC, read_org),
    Sheet(DEPARTMENT_SPEC, read_departments),
    Sheet(PERSON_SPEC, read_persons),
)
