"""Excel import and export of an indicator plan and its responsibility weights, with the columns of
EXCHANGE.md's 指标 and 责任比重 sheets. Imports are all-or-nothing: every problem is reported with
its Excel row and column, and nothing is written when any row is wrong."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, ValidationFailed
from appraisal.models import AssessmentYear, Department, Person
from appraisal.xlsx import datasets_workbook, formula_errors

from . import plan_rules, services
from .shared import parse_stage_targets, render_stage_targets, shared_problems
from .models import Indicator, ResponsibilityWeight

PLAN_COLUMNS = ["指标编码", "上级指标编码", "指标名称", "指标类别", "责任部门编码", "分值", "加分上限", "考核周期",
                "指标性质", "重要程度", "考核内容", "目标", "设置依据", "数据来源", "评分标准", "考核主体", "共享指标",
                "阶段目标", "适用人员类别"]
PLAN_REQUIRED = ["指标编码", "指标名称"]
WEIGHT_COLUMNS = ["指标编码", "工号", "比重"]
TEXT_FIELDS = {"考核内容": "content", "目标": "target", "设置依据": "basis", "数据来源": "data_source",
               "评分标准": "scoring_standard"}


class PlanResource(resources.ModelResource):
    """Export of a plan in the 指标 sheet's columns (django-import-export)."""

    code = fields.Field(attribute="code", column_name="指标编码")
    parent_code = fields.Field(attribute="parent__code", column_name="上级指标编码")
    name = fields.Field(attribute="name", column_name="指标名称")
    category = fields.Field(attribute="category", column_name="指标类别")
    department_code = fields.Field(attribute="department__code", column_name="责任部门编码")
    full_score = fields.Field(attribute="full_score", column_name="分值")
    bonus_cap = fields.Field(attribute="bonus_cap", column_name="加分上限")
    cycle = fields.Field(attribute="cycle", column_name="考核周期")
    kind = fields.Field(attribute="kind", column_name="指标性质")
    importance = fields.Field(attribute="importance", column_name="重要程度")
    content = fields.Field(attribute="content", column_name="考核内容")
    target = fields.Field(attribute="target", column_name="目标")
    basis = fields.Field(attribute="basis", column_name="设置依据")
    data_source = fields.Field(attribute="data_source", column_name="数据来源")
    scoring_standard = fields.Field(attribute="scoring_standard", column_name="评分标准")
    assessor = fields.Field(column_name="考核主体")
    person_categories = fields.Field(column_name="适用人员类别")
    shared = fields.Field(attribute="shared", column_name="共享指标")
    stage_targets = fields.Field(column_name="阶段目标")

    class Meta:
        model = Indicator
        fields = ("code", "parent_code", "name", "category", "department_code", "full_score", "bonus_cap", "cycle",
                  "kind", "importance", "content", "target", "basis", "data_source", "scoring_standard", "assessor",
                  "person_categories", "shared", "stage_targets")

    def dehydrate_stage_targets(self, indicator):
        return render_stage_targets(indicator.stage_targets)

    def dehydrate_assessor(self, indicator):
        """考核主体 as a department code, or 考核办 for the office (leaves only: parents are not scored)."""
        if indicator.assessor_department_id:
            return indicator.assessor_department.code
        return plan_rules.OFFICE if indicator.full_score is not None else ""

    def dehydrate_person_categories(self, indicator):
        return "、".join(indicator.person_categories or [])


class WeightResource(resources.ModelResource):
    code = fields.Field(attribute="indicator__code", column_name="指标编码")
    staff_id = fields.Field(attribute="person__staff_id", column_name="工号")
    weight = fields.Field(attribute="weight", column_name="比重")

    class Meta:
        model = ResponsibilityWeight
        fields = ("code", "staff_id", "weight")


def plan_export(*, user, assessment_year: AssessmentYear) -> bytes:
    if not access.can(user, "office.or_leader", assessment_year):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    plan = PlanResource().export(Indicator.objects.filter(assessment_year=assessment_year)
                                 .select_related("parent", "department", "assessor_department")
                                 .order_by("sort_order", "code"))
    plan.title = "指标"
    weights = WeightResource().export(ResponsibilityWeight.objects.filter(indicator__assessment_year=assessment_year)
                                      .select_related("indicator", "person").order_by("indicator__code",
                                                                                      "person__staff_id"))
    weights.title = "责任比重"
    with transaction.atomic():
        audit.record("plan.export", actor=user, obj=assessment_year, new={"indicators": len(plan),
                                                                          "weights": len(weights)},
                     organisation_id=assessment_year.organisation_id)
    return datasets_workbook([plan, weights])


@dataclass
class PlanImportReport:
    created: int = 0
    updated: int = 0
    weights: int = 0
    errors: list[str] = field(default_factory=list)
    written: bool = False
    # indicators whose plan fields or weights change in a year already in use (DOMAIN.md §8)
    plan_changes: int = 0
    effective_month: int | None = None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_decimal(value, row: int, column: str, errors: list[str]) -> Decimal | None:
    text = _cell_text(value)
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        errors.append(_("指标 / 第%(row)d行 / %(col)s：“%(v)s”不是数字") % {"row": row, "col": column, "v": text})
        return None


def _sheet(book: tablib.Databook, title: str) -> tablib.Dataset | None:
    return next((sheet for sheet in book.sheets() if sheet.title == title), None)


def plan_import(*, user, assessment_year: AssessmentYear, content: bytes, dry_run: bool = False,
                reason: str = "", effective_month=None) -> PlanImportReport:
    """Create or update indicators by code from the 指标 sheet and, when present, replace the
    weights of the indicators named in the 责任比重 sheet. Once the year is in use, changes of
    full scores, caps, cycles, kinds and weights need a reason and an effective month and are
    recorded as plan changes by month, as on the indicator's page."""
    if not access.can(user, "office.manage", assessment_year):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    report = PlanImportReport()
    try:
        book = tablib.Databook().load(io.BytesIO(content), format="xlsx")
    except Exception:  # noqa: BLE001 — every unreadable upload is the same user error
        report.errors.append(_("无法读取该文件，请上传 .xlsx 格式的 Excel 工作簿。"))
        return report
    plan_sheet = _sheet(book, "指标")
    if plan_sheet is None:
        report.errors.append(_("工作簿中没有“指标”工作表。"))
        return report
    headers = [_cell_text(h) for h in plan_sheet.headers or []]
    missing = [c for c in PLAN_REQUIRED if c not in headers]
    if missing:
        report.errors.append(_("指标 / 第1行：缺少必需列 %(cols)s") % {"cols": "、".join(missing)})
        return report
    errors = report.errors
    errors += formula_errors("指标", headers, enumerate(plan_sheet, start=2), columns=PLAN_COLUMNS)
    imported: list[tuple[int, plan_rules.PlanNode, dict]] = []
    for row_number, row in enumerate(plan_sheet.dict, start=2):
        cells = {h: row.get(h) for h in headers if h in PLAN_COLUMNS}
        if all(_cell_text(v) == "" for v in cells.values()):
            continue
        node = plan_rules.PlanNode(
            code=_cell_text(cells.get("指标编码")), name=_cell_text(cells.get("指标名称")),
            parent_code=_cell_text(cells.get("上级指标编码")) or None, category=_cell_text(cells.get("指标类别")),
            department_code=_cell_text(cells.get("责任部门编码")) or None,
            full_score=_cell_decimal(cells.get("分值"), row_number, "分值", errors),
            bonus_cap=_cell_decimal(cells.get("加分上限"), row_number, "加分上限", errors) or Decimal("0"),
            cycle=_cell_text(cells.get("考核周期")), kind=_cell_text(cells.get("指标性质")) or "常规",
            importance=_cell_text(cells.get("重要程度")),
            assessor_code=_cell_text(cells.get("考核主体")) or None,
            person_categories=plan_rules.split_categories(_cell_text(cells.get("适用人员类别"))))
        texts = {attr: _cell_text(cells.get(column)) for column, attr in TEXT_FIELDS.items()}
        # DOMAIN.md §9: optional columns; a file without them leaves these attributes as they are
        if "共享指标" in headers:
            texts["shared"] = _cell_text(cells.get("共享指标"))
        if "阶段目标" in headers:
            targets, problems = parse_stage_targets(_cell_text(cells.get("阶段目标")))
            errors.extend(_("指标 / 第%(row)d行 / 阶段目标：%(msg)s") % {"row": row_number, "msg": p} for p in problems)
            texts["stage_targets"] = targets
        imported.append((row_number, node, texts))
    existing = {n.code: n for n in services.plan_nodes(assessment_year)}
    imported_codes = {node.code for _r, node, _t in imported}
    first_rows = list({node.code: (r, node, t) for r, node, t in reversed(imported)}.values())[::-1]
    merged = [n for code, n in existing.items() if code not in imported_codes] + [n for _r, n, _t in first_rows]
    unreadable = {(node.code, column) for r, node, _t in imported for column in ("分值", "加分上限")
                  if any(e.startswith(f"指标 / 第{r}行 / {column}：") for e in errors)}
    departments = dict(Department.objects.filter(organisation_id=assessment_year.organisation_id)
                       .values_list("code", "pk"))
    row_of = {}
    for row_number, node, _texts in imported:
        if node.code in row_of:
            errors.append(_("指标 / 第%(row)d行 / 指标编码：“%(code)s”与第%(first)d行重复") % {
                "row": row_number, "code": node.code, "first": row_of[node.code]})
        row_of.setdefault(node.code, row_number)
    for problem in plan_rules.validate_plan(merged, set(departments)):
        if (problem.code, problem.column) in unreadable:
            continue  # already reported as "not a number"
        if problem.code in row_of and "重复" not in problem.message:
            errors.append(_("指标 / 第%(row)d行 / %(col)s：%(msg)s") % {
                "row": row_of[problem.code], "col": problem.column, "msg": problem.message})
        elif problem.code not in row_of:
            errors.append(_("指标“%(code)s”（已有）：%(msg)s") % {"code": problem.code, "msg": problem.message})
    _check_shared(assessment_year, imported, merged, row_of, errors)
    weight_rows = _read_weights(book, errors)
    if weight_rows:
        _check_weights(assessment_year, merged, weight_rows, errors)
    changes = {}
    if not errors and services.plan_in_use(assessment_year):
        changes = _plan_changes(assessment_year, imported, weight_rows)
        if changes:
            report.plan_changes = len(changes)
            report.effective_month, problems = services.plan_change_month(assessment_year, reason, effective_month)
            labels = {"reason": _("修改原因"), "effective_month": _("生效月份")}
            errors.extend(_("%(field)s：%(msg)s") % {"field": labels.get(f, f), "msg": m} for f, m in problems)
    if errors or dry_run:
        report.created = len(imported_codes - set(existing))
        report.updated = len(imported_codes & set(existing))
        report.weights = len(weight_rows)
        return report
    try:
        with transaction.atomic():
            _write(user, assessment_year, merged, imported, departments, report, set(headers), weight_rows,
                   changes, reason)
    except ValidationFailed as refused:
        errors.extend(message for _f, message in refused.details)
    return report


def _write(user, assessment_year, merged, imported, departments, report, headers, weight_rows, changes, reason):
    if changes:
        services.plan_changes_record(user=user, assessment_year=assessment_year, month=report.effective_month,
                                     reason=reason, changes=changes)
    _write_plan(assessment_year, merged, imported, departments, report, headers)
    if weight_rows:
        _write_weights(assessment_year, weight_rows, report)
    audit.record("plan.import", actor=user, obj=assessment_year,
                 new={"created": report.created, "updated": report.updated, "weights": report.weights,
                      **({"plan_changes": report.plan_changes, "effective_month": report.effective_month}
                         if changes else {})},
                 reason=reason.strip() if changes else "", organisation_id=assessment_year.organisation_id)
    report.written = True


def _plan_changes(assessment_year, imported, weight_rows) -> dict:
    """indicator -> [(field, old, new, person)] for existing indicators whose plan fields or weights
    the workbook changes (new indicators are not changes)."""
    from collections import defaultdict

    current = {i.code: i for i in Indicator.objects.filter(assessment_year=assessment_year)}
    changes = defaultdict(list)
    for _row, node, _texts in imported:
        indicator = current.get(node.code)
        if indicator is None:
            continue
        changes[indicator] += [(f, getattr(indicator, f), getattr(node, f), None) for f in services.PLAN_FIELDS
                               if services._text(getattr(indicator, f)) != services._text(getattr(node, f))]
    codes = {code for _r, code, _s, _w in weight_rows if code in current}
    if codes:
        old, new = defaultdict(dict), defaultdict(dict)
        for w in (ResponsibilityWeight.objects.filter(indicator__assessment_year=assessment_year, indicator__code__in=codes)
                  .select_related("person", "indicator")):
            old[w.indicator.code][w.person.staff_id] = (w.weight, w.person)
        staff = {staff_id for _r, code, staff_id, _w in weight_rows if code in codes}
        people = {p.staff_id: p for p in Person.objects.filter(organisation_id=assessment_year.organisation_id,
                                                                staff_id__in=staff)}
        for _r, code, staff_id, weight in weight_rows:
            if code in codes and weight is not None:
                new[code][staff_id] = weight
        for code in sorted(codes):
            for staff_id in sorted(set(old[code]) | set(new[code])):
                before, person = old[code].get(staff_id, (None, people.get(staff_id)))
                if services._text(before) != services._text(new[code].get(staff_id)):
                    changes[current[code]].append(("weight", before, new[code].get(staff_id), person))
    return {indicator: items for indicator, items in changes.items() if items}


def _check_shared(assessment_year, imported, merged, row_of, errors) -> None:
    """Leaves of one shared indicator are in different departments (the existing leaves count too)."""
    leaf_codes = {n.code for n in merged} - {n.parent_code for n in merged if n.parent_code}
    nodes = {n.code: n for n in merged}
    shared = dict(Indicator.objects.filter(assessment_year=assessment_year).exclude(shared="")
                  .values_list("code", "shared"))
    for _row, node, texts in imported:
        if "shared" in texts:
            shared[node.code] = texts["shared"]
    rows = [(code, nodes[code].department_code if code in nodes else None, name,
             code in leaf_codes and code in nodes and nodes[code].full_score is not None)
            for code, name in sorted(shared.items(), key=lambda item: (row_of.get(item[0], 0), item[0]))]
    for code, message in shared_problems(rows):
        if code in row_of:
            errors.append(_("指标 / 第%(row)d行 / 共享指标：%(msg)s") % {"row": row_of[code], "msg": message})
        else:
            errors.append(_("指标“%(code)s”（已有）：%(msg)s") % {"code": code, "msg": message})


def _read_weights(book, errors) -> list[tuple[int, str, str, Decimal | None]]:
    sheet = _sheet(book, "责任比重")
    if sheet is None:
        return []
    headers = [_cell_text(h) for h in sheet.headers or []]
    missing = [c for c in WEIGHT_COLUMNS if c not in headers]
    if missing:
        errors.append(_("责任比重 / 第1行：缺少必需列 %(cols)s") % {"cols": "、".join(missing)})
        return []
    errors += formula_errors("责任比重", headers, enumerate(sheet, start=2), columns=WEIGHT_COLUMNS)
    rows = []
    for row_number, row in enumerate(sheet.dict, start=2):
        if all(_cell_text(row.get(c)) == "" for c in WEIGHT_COLUMNS):
            continue
        text = _cell_text(row.get("比重"))
        try:
            weight = Decimal(text) if text else None
        except InvalidOperation:
            weight = None
        rows.append((row_number, _cell_text(row.get("指标编码")), _cell_text(row.get("工号")), weight))
    return rows


def _check_weights(assessment_year, merged, weight_rows, errors) -> None:
    leaves_codes = plan_rules.leaf_codes(merged)
    categories = plan_rules.resolve_categories(merged)
    leaves = {n.code: plan_rules.WeightedLeaf(n.code, categories.get(n.code, ""), n.department_code,
                                              n.code in leaves_codes) for n in merged}
    people = dict(Person.objects.filter(organisation_id=assessment_year.organisation_id, is_active=True)
                  .values_list("staff_id", "department__code"))
    first_row = {}
    for row_number, code, staff_id, _weight in weight_rows:
        first_row.setdefault(code, row_number)
        first_row.setdefault((code, staff_id), row_number)
    rows = [(code, staff_id, weight) for _r, code, staff_id, weight in weight_rows]
    for problem in plan_rules.validate_weights(rows, leaves, people):
        row = first_row.get((problem.code, problem.staff_id)) or first_row.get(problem.code)
        errors.append(_("责任比重 / 第%(row)d行 / %(col)s：%(msg)s") % {
            "row": row, "col": problem.column, "msg": problem.message})


def _write_plan(assessment_year, merged, imported, departments, report, columns) -> None:
    categories = plan_rules.resolve_categories(merged)
    current = {i.code: i for i in Indicator.objects.filter(assessment_year=assessment_year)}
    to_create, to_update = [], []
    for index, (_row, node, texts) in enumerate(imported):
        indicator = current.get(node.code) or Indicator(assessment_year=assessment_year, code=node.code,
                                                        sort_order=len(current) + index)
        indicator.name, indicator.category = node.name, categories.get(node.code) or node.category
        indicator.department_id = departments.get(node.department_code) if node.department_code else None
        indicator.full_score, indicator.bonus_cap = node.full_score, node.bonus_cap
        indicator.cycle, indicator.kind, indicator.importance = node.cycle, node.kind, node.importance
        # a workbook without these columns (an older export) leaves them as they are
        if "考核主体" in columns or not indicator.pk:
            indicator.assessor_department_id = departments.get(node.assessor_code) if node.assessor_code else None
        if "适用人员类别" in columns or not indicator.pk:
            indicator.person_categories = list(node.person_categories)
        for attr, value in texts.items():
            setattr(indicator, attr, value)
        (to_update if indicator.pk else to_create).append(indicator)
    Indicator.objects.bulk_create(to_create)
    optional = sorted({attr for _r, _n, texts in imported for attr in texts} - set(TEXT_FIELDS.values()))
    update_fields = ["name", "category", "department", "full_score", "bonus_cap", "cycle", "kind", "importance",
                     "assessor_department", "person_categories", *TEXT_FIELDS.values(), *optional]
    Indicator.objects.bulk_update(to_update, update_fields, batch_size=500)
    by_code = {i.code: i for i in Indicator.objects.filter(assessment_year=assessment_year)}
    parents = {node.code: node.parent_code for node in merged}
    for indicator in by_code.values():
        parent_code = parents.get(indicator.code)
        indicator.parent_id = by_code[parent_code].pk if parent_code else None
        indicator.category = categories.get(indicator.code) or indicator.category
    Indicator.objects.bulk_update(list(by_code.values()), ["parent", "category"], batch_size=500)
    report.created, report.updated = len(to_create), len(to_update)


def _write_weights(assessment_year, weight_rows, report) -> None:
    indicators = dict(Indicator.objects.filter(assessment_year=assessment_year).values_list("code", "pk"))
    people = dict(Person.objects.filter(organisation_id=assessment_year.organisation_id).values_list("staff_id", "pk"))
    codes = {code for _r, code, _s, _w in weight_rows}
    ResponsibilityWeight.objects.filter(indicator_id__in=[indicators[c] for c in codes]).delete()
    ResponsibilityWeight.objects.bulk_create([
        ResponsibilityWeight(indicator_id=indicators[code], person_id=people[staff_id], weight=weight)
        for _r, code, staff_id, weight in weight_rows])
    report.weights = len(weight_rows)
