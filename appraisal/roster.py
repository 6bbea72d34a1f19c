"""Import and export of the roster (departments, people) as Excel, all-or-nothing and audited."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import tablib
from django.db import transaction
from django.utils.translation import gettext as _

from . import access, audit
from .errors import PermissionDeniedError
from .models import Organisation
from .resources import RESOURCES
from .xlsx import datasets_workbook, formula_errors

REQUIRED_COLUMNS = {"departments": ["部门编码", "部门名称", "部门分组"], "people": ["工号", "姓名", "职务类型"]}
KEY_COLUMN = {"departments": "部门编码", "people": "工号"}
TITLES = {"departments": "部门", "people": "人员"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _load(content: bytes, kind: str, report: ImportReport) -> tuple[tablib.Dataset | None, list[int]]:
    try:
        dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
    except Exception:  # noqa: BLE001 — any unreadable file is the same user error
        report.errors.append(_("无法读取该文件，请上传 .xlsx 格式的 Excel 工作簿。"))
        return None, []
    headers = [str(h).strip() if h is not None else "" for h in (dataset.headers or [])]
    dataset.headers = headers
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in headers]
    if missing:
        report.errors.append(_("第 1 行（表头）缺少必需列：%(cols)s") % {"cols": "、".join(missing)})
        return None, []
    # Empty rows are skipped; duplicate keys are an error, reported with both rows.
    kept = tablib.Dataset(headers=headers, title=dataset.title)
    seen: dict[str, int] = {}
    kept_rows: list[int] = []
    key_index = headers.index(KEY_COLUMN[kind])
    for offset, row in enumerate(dataset, start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        key = row[key_index]
        key = str(int(key)) if isinstance(key, float) and key.is_integer() else str(key or "").strip()
        if key in seen:
            report.errors.append(_("第 %(row)d 行 / %(col)s：“%(key)s”与第 %(first)d 行重复") % {
                "row": offset, "col": KEY_COLUMN[kind], "key": key, "first": seen[key]})
        seen[key] = offset
        kept.append(row)
        kept_rows.append(offset)
    return kept, kept_rows


def roster_import(*, user, organisation: Organisation, kind: str, content: bytes, dry_run: bool) -> ImportReport:
    if not access.can(user, "office.manage", organisation):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    report = ImportReport()
    dataset, excel_rows = _load(content, kind, report)
    if dataset is None:
        return report
    resource = RESOURCES[kind](organisation)
    column_of = {name: f.column_name for name, f in resource.fields.items()}
    report.errors += formula_errors(dataset.title or TITLES[kind], dataset.headers, zip(excel_rows, dataset),
                                    columns=set(column_of.values()))
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                      rollback_on_validation_errors=True)
        for invalid in result.invalid_rows:
            excel_row = excel_rows[invalid.number - 1]
            for field_name, messages in invalid.error_dict.items():
                column = column_of.get(field_name, field_name)
                for message in messages:
                    report.errors.append(_("第 %(row)d 行 / %(col)s：%(msg)s") % {
                        "row": excel_row, "col": column, "msg": message})
        for error_row in result.error_rows:
            excel_row = excel_rows[error_row.number - 1]
            for error in error_row.errors:
                report.errors.append(_("第 %(row)d 行：%(msg)s") % {"row": excel_row, "msg": error.error})
        for error in result.base_errors:
            report.errors.append(str(error.error))
        totals = result.totals
        report.created, report.updated, report.unchanged = totals["new"], totals["update"], totals["skip"]
        if report.errors or dry_run:
            return report
        result = resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True,
                                      rollback_on_validation_errors=True)
        audit.record(f"{kind}.import", actor=user, organisation_id=organisation.pk, object_type=f"appraisal.{kind}",
                     object_repr=f"{organisation.name} {TITLES[kind]}",
                     new={"created": report.created, "updated": report.updated, "rows": len(dataset)})
        report.written = True
    return report


def roster_export(*, user, organisation: Organisation, kind: str) -> bytes:
    if not access.can(user, "office.or_leader", organisation):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    resource = RESOURCES[kind](organisation)
    dataset = resource.export()
    dataset.title = TITLES[kind]
    with transaction.atomic():
        audit.record(f"{kind}.export", actor=user, organisation_id=organisation.pk, object_type=f"appraisal.{kind}",
                     object_repr=f"{organisation.name} {TITLES[kind]}", new={"rows": len(dataset)})
    return datasets_workbook([dataset])
