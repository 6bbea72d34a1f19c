"""The audit log in words: event types and object types by name, values as “field: before → after”
with people named instead of their staff ids (``{'0071': '50'}`` → 张三（0071）：50).

``present`` prepares one page of events in a constant number of queries (one for the people the
page's values name). It never opens a sealed ballot: the log page leaves those events' values
out, and only the audited trace (appraisal.views.administration.audit_trace) presents one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit_events, formats
from .audit import BALLOT_ACTIONS as SEALED
from .models import AuditEvent, Person

# Object types that are not a model, and models whose own name reads wrong in the log.
OBJECT_TYPES = {
    "url": gettext_lazy("网址"),
    "auth.User": gettext_lazy("账号"),
    "appraisal.departments": gettext_lazy("部门名册"),
    "appraisal.people": gettext_lazy("人员名册"),
}

# Keys written by many events, not fields of the object's model.
FIELD_LABELS = {
    "reason": gettext_lazy("原因"), "state": gettext_lazy("状态"), "role": gettext_lazy("角色"),
    "organisation": gettext_lazy("单位"), "department": gettext_lazy("部门"), "account": gettext_lazy("账号"),
    "rows": gettext_lazy("行数"), "created": gettext_lazy("新增"), "updated": gettext_lazy("更新"),
    "deleted": gettext_lazy("删除"), "month": gettext_lazy("月份"), "effective_month": gettext_lazy("生效月份"),
    "period": gettext_lazy("考核周期"), "year": gettext_lazy("考核年度"), "indicator": gettext_lazy("指标"),
    "score": gettext_lazy("得分"), "value": gettext_lazy("实际值"), "grade": gettext_lazy("等次"),
    "weight": gettext_lazy("责任比重"), "full_score": gettext_lazy("分值"), "level": gettext_lazy("级别"),
    "rate": gettext_lazy("得分率"), "answer_due": gettext_lazy("答复期限"), "rectification": gettext_lazy("整改措施"),
    "rectify_by": gettext_lazy("整改期限"), "follow_up": gettext_lazy("回头看"), "ok": gettext_lazy("校验结果"),
    "checked": gettext_lazy("校验条数"), "event": gettext_lazy("事件编号"), "action": gettext_lazy("事件类型"),
    "files": gettext_lazy("文件"), "file": gettext_lazy("文件"), "name": gettext_lazy("名称"),
    "count": gettext_lazy("数量"), "device": gettext_lazy("设备"), "must_change_password": gettext_lazy("须修改密码"),
    "requested_by": gettext_lazy("申请人"), "approved_by": gettext_lazy("批准人"), "reset": gettext_lazy("重置申请编号"),
    "departments": gettext_lazy("部门数"), "people": gettext_lazy("人数"), "comment": gettext_lazy("意见"),
    "group": gettext_lazy("类别"), "label": gettext_lazy("名称"), "summary": gettext_lazy("摘要"),
    "status": gettext_lazy("状态"), "note": gettext_lazy("说明"), "members": gettext_lazy("成员"),
}

_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEYED_NAME = re.compile(r"^(?P<staff>[A-Za-z0-9_-]+) (?P<name>\S.*)$")


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: the value did not exist before
    new: str | None  # None: the value no longer exists


@dataclass
class Presented:
    action: str
    object_type: str
    actor: str
    changes: list[Change]


def object_type_label(object_type: str) -> str:
    if not object_type:
        return "—"
    if object_type in OBJECT_TYPES:
        return str(OBJECT_TYPES[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def object_type_choices() -> list[tuple[str, str]]:
    """Every object type an event can name, by its name: the models of the product and the extras."""
    own = {"appraisal", "indicators", "tracelog", "scoring", "leadership", "rewards", "periods"}
    types = {key: str(value) for key, value in OBJECT_TYPES.items()}
    for model in apps.get_models():
        if model._meta.app_label in own:
            types[model._meta.label] = str(model._meta.verbose_name)
    return [("", _("全部对象类型"))] + sorted(((k, v) for k, v in types.items()), key=lambda item: item[1])


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


class _Namer:
    """Names for the keys and values of one page of events."""

    def __init__(self, events):
        tokens: set[str] = set()
        for event in events:
            for value in (event.old_value, event.new_value):
                if isinstance(value, dict):
                    for key in value:
                        tokens.add(str(key).rsplit("@", 1)[-1])
        self.people: dict[tuple[int | None, str], str] = {}
        if tokens:
            organisations = {e.organisation_id for e in events}
            rows = Person.objects.filter(staff_id__in=tokens).values_list("organisation_id", "staff_id", "name")
            if None not in organisations:
                rows = rows.filter(organisation_id__in=organisations)
            for organisation_id, staff_id, name in rows:
                self.people[(organisation_id, staff_id)] = name
                self.people.setdefault((None, staff_id), name)

    def person(self, organisation_id, staff_id: str) -> str | None:
        name = self.people.get((organisation_id, staff_id)) or self.people.get((None, staff_id))
        return _("%(name)s（%(id)s）") % {"name": name, "id": staff_id} if name else None

    def key(self, event: AuditEvent, key: str, model) -> str:
        key = str(key)
        if "@" in key:
            field, staff_id = key.rsplit("@", 1)
            who = self.person(event.organisation_id, staff_id) or staff_id
            return f"{self.field(field, model)} · {who}"
        named = self.person(event.organisation_id, key)
        if named:
            return named
        if model is not None or key in FIELD_LABELS:
            label = self.field(key, model)
            if label != key:
                return label
        match = _KEYED_NAME.match(key)
        if match and any(ch.isdigit() for ch in match["staff"]):
            return _("%(name)s（%(id)s）") % {"name": match["name"], "id": match["staff"]}
        return key

    @staticmethod
    def field(name: str, model) -> str:
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if getattr(field, "verbose_name", None):
                return str(field.verbose_name)
        return str(FIELD_LABELS.get(name, name))


def value_text(value, *, field=None) -> str:
    """A stored value in words: 是/否, （空）, 100.0000 → 100, 2026-12-22 → 2026年12月22日, choices by label."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return formats.boolean(value)
    if field is not None and getattr(field, "choices", None):
        for choice, label in field.flatchoices:
            if str(choice) == str(value):
                return str(label)
    if isinstance(value, (int, float)):
        return formats.number(value)
    if isinstance(value, str):
        if _DECIMAL.match(value):
            return formats.number(value)
        if _ISO_DATE.match(value):
            return formats.date(_parse_date(value))
        return value
    if isinstance(value, list):
        return "、".join(value_text(item) for item in value) or _("（空）")
    if isinstance(value, dict):
        return "；".join(f"{k}：{value_text(v)}" for k, v in value.items())
    return str(value)


def _parse_date(text: str):
    from datetime import date

    return date.fromisoformat(text)


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(str(name))
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None


def changes_of(event: AuditEvent, namer: _Namer) -> list[Change]:
    old, new = event.old_value, event.new_value
    model = _model(event.object_type)
    if not isinstance(old, dict) and not isinstance(new, dict):
        if old is None and new is None:
            return []
        return [Change(_("值"), None if old is None else value_text(old), None if new is None else value_text(new))]
    old = old if isinstance(old, dict) else ({} if old is None else {_("值"): old})
    new = new if isinstance(new, dict) else ({} if new is None else {_("值"): new})
    created = event.old_value is None
    rows = []
    for key in [*old, *(k for k in new if k not in old)]:
        field = _field(model, key)
        if key in old and key in new and old[key] == new[key] and not created:
            continue
        before = value_text(old[key], field=field) if key in old else None
        after = value_text(new[key], field=field) if key in new else None
        rows.append(Change(namer.key(event, key, model), before, after))
    return rows


def present(events) -> list[AuditEvent]:
    """Attach ``event.shown`` (a Presented) to each event of a page; sealed ballots get no changes."""
    events = list(events)
    open_events = [e for e in events if e.action not in SEALED]
    namer = _Namer(open_events)
    for event in events:
        person = getattr(getattr(event, "actor", None), "person", None) if event.actor_id else None
        actor = (_("%(name)s（%(account)s）") % {"name": person.name, "account": event.actor_name}
                 if person is not None else event.actor_name or "—")
        event.shown = Presented(
            action=audit_events.label(event.action), object_type=object_type_label(event.object_type), actor=actor,
            changes=[] if event.action in SEALED else changes_of(event, namer))
    return events


def present_sealed(event: AuditEvent) -> AuditEvent:
    """One sealed ballot, for the audited trace only."""
    namer = _Namer([event])
    event.shown = Presented(action=audit_events.label(event.action), object_type=object_type_label(event.object_type),
                            actor=event.actor_name or "—", changes=changes_of(event, namer))
    return event
