"""Import of actual values as business systems deliver them (Excel or CSV: 指标编码, 周期, 实际值).

Each value goes through its leaf's scoring standard (``indicators.entry_rules``) to a score, which
is stored with the value and the standard as that leaf's score of the period (a leaf scored by hand
takes the value as its score). All-or-nothing: every row that cannot be used is
reported with its row number and why, and then no score is written.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import access
from appraisal.errors import ApplicationError, PermissionDeniedError
from appraisal.models import AssessmentYear, Period, PeriodKind
from appraisal.xlsx import formula_errors

from . import assessing, entry_rules, services
from .models import Indicator

COLUMNS = ("指标编码", "周期", "实际值")
_MONTH = re.compile(r"^(?:\d{4}[-年/.])?0?(\d{1,2})月?$")


@dataclass
class ActualsReport:
    rows: list[tuple[int, str, str, str, Decimal]] = field(default_factory=list)  # row, code, period, actual, score
    errors: list[str] = field(default_factory=list)
    written: bool = False


def _read_rows(content: bytes, filename: str) -> tuple[str, list[list]]:
    """The sheet's name and its rows as typed in the file (CSV: text; Excel: numbers stay numbers)."""
    if filename.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ApplicationError(_("CSV 文件编码无法识别，请使用 UTF-8 或 GB18030。"))
        return filename, [list(row) for row in csv.reader(io.StringIO(text))]
    try:
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 — every unreadable upload is the same user error
        raise ApplicationError(_("无法读取该文件，请上传 .xlsx 或 .csv 文件。")) from None
    return sheet.title, [list(values) for values in sheet.iter_rows(values_only=True)]


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _period_key(text: str, cycle: str) -> tuple[str, int] | None:
    if cycle == "半年":
        return {"上半年": (PeriodKind.HALF, 1), "下半年": (PeriodKind.HALF, 2)}.get(text)
    match = _MONTH.match(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return PeriodKind.MONTH, int(match.group(1))
    return None


def actuals_import(*, user, assessment_year: AssessmentYear, content: bytes, filename: str,
                   dry_run: bool = False) -> ActualsReport:
    """The office imports for every leaf (approved as written); an assessor only for the leaves its
    department assesses (drafts, to submit from the grid)."""
    office = access.can(user, "office.manage", assessment_year)
    if not (office or access.can(user, "scores.assess")):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    report = ActualsReport()
    try:
        sheet, raw_rows = _read_rows(content, filename)
    except ApplicationError as error:
        report.errors.append(error.message)
        return report
    rows = [[_cell_text(value) for value in values] for values in raw_rows]
    if not rows:
        report.errors.append(_("文件为空。"))
        return report
    header = rows[0]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        report.errors.append(_("第 1 行（表头）缺少必需列：%(cols)s") % {"cols": "、".join(missing)})
        return report
    index = {c: header.index(c) for c in COLUMNS}
    report.errors += formula_errors(sheet, header, enumerate(raw_rows[1:], start=2), columns=COLUMNS)
    parent_ids = set(Indicator.objects.filter(assessment_year=assessment_year, parent__isnull=False)
                     .values_list("parent_id", flat=True))
    leaves = Indicator.objects.filter(assessment_year=assessment_year, category__in=["管理类", "业务类"])
    if not office:
        leaves = leaves.filter(assessor_department_id__in=access.actor_for(user).assessing_department_ids)
    leaves = {i.code: i for i in leaves.exclude(pk__in=parent_ids)}
    periods = {(p.kind, p.number): p for p in Period.objects.filter(assessment_year=assessment_year)}
    seen: dict[tuple[str, str], int] = {}
    pending: dict[int, tuple[Period, dict]] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: (row[i] if i < len(row) else "") for c, i in index.items()}
        if not any(cells.values()):
            continue

        def problem(message, number=number):
            report.errors.append(_("第 %(row)d 行：%(msg)s") % {"row": number, "msg": message})

        leaf = leaves.get(cells["指标编码"])
        if leaf is None:
            problem(_("指标“%(code)s”不是本年度的管理类或业务类末级指标，或不由您评分") % {"code": cells["指标编码"]})
            continue
        key = _period_key(cells["周期"], leaf.cycle)
        if key is None:
            expected = _("上半年 / 下半年") if leaf.cycle == "半年" else _("月份 1–12")
            problem(_("周期“%(p)s”不适用于%(cycle)s指标（应为 %(expected)s）") % {
                "p": cells["周期"], "cycle": leaf.cycle, "expected": expected})
            continue
        period = periods[key]
        if (leaf.code, period.label) in seen:
            problem(_("与第 %(first)d 行重复（同一指标、同一周期）") % {"first": seen[(leaf.code, period.label)]})
            continue
        seen[(leaf.code, period.label)] = number
        if period.state not in services.SCORABLE_STATES:
            problem(_("%(p)s 处于“%(s)s”状态，不能录入得分") % {"p": period.label, "s": period.get_state_display()})
            continue
        result = entry_rules.evaluate(assessing.leaf_rule(leaf), actual=cells["实际值"], score=cells["实际值"])
        if not result.ok or result.score is None:
            problem(f"{leaf.code}：{result.error or _('实际值为空')}")
            continue
        report.rows.append((number, leaf.code, period.label, cells["实际值"], result.score))
        pending.setdefault(period.pk, (period, {}))[1][leaf.pk] = assessing.CellInput(
            actual=cells["实际值"], score=cells["实际值"], comment=_("由实际值导入计算"))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for period, cells in pending.values():
            assessing.scores_save(user=user, period=period, cells=cells)
        report.written = True
    return report
