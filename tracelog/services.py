"""Writes of trace logs: filing, review, evidence, deadline settings. Each service runs in one
transaction, checks access through appraisal.access and audits every change of state in that
same transaction (SECURITY.md items 6, 7, 10, 14, 15)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import Organisation, Person

from . import deadlines, evidence as evidence_rules, labels, selectors
from .models import (
    EDITABLE_STATUSES, EntryIndicatorLink, EntryReview, EntryStatus, Evidence, Notification, ReviewAction,
    TraceDeadlineSettings, TraceEntry, private_storage,
)

MAX_CONTENT_LENGTH = 20_000
MAX_REVIEW_LENGTH = 2_000


def _require(user, rule: str, obj=None) -> None:
    if not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))


def _ensure_month_open(entry: TraceEntry) -> None:
    if selectors.month_is_locked(entry.organisation_id, entry.period_year, entry.period_month):
        raise StateError(_("%(month)s 已锁定，该月的纪实只读。") % {
            "month": labels.month_label(entry.period_year, entry.period_month)})


def _title(entry: TraceEntry) -> str:
    return labels.slot_title(entry.kind, entry.period_key)


def _state(entry: TraceEntry) -> dict:
    return {"status": entry.status, "kind": entry.kind, "period": entry.period_key}


def _notify(recipient_user, text: str, url: str = "") -> None:
    if recipient_user is not None:
        Notification.objects.create(recipient=recipient_user, text=text[:500], url=url[:200])


@contextmanager
def _files_removed_on_error(written: list[str]):
    """Files are written before the transaction commits; if it does not, remove them again."""
    try:
        yield
    except BaseException:
        for name in written:
            private_storage.delete(name)
        raise


# ---------------------------------------------------------------- filing

def entry_save(*, user, content: str, entry: TraceEntry | None = None, kind: str = "", period_key: str = "",
               indicator_codes: Iterable[str] | None = None, attachments: Sequence = (), submit: bool = False,
               now: datetime | None = None) -> TraceEntry:
    """Create the author's entry for a slot, or change a draft or returned one; optionally attach
    evidence and submit it, all or nothing."""
    now = now or timezone.now()
    _require(user, "tracelog.entry.write", entry)
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(_("请填写内容。"))
    if len(content) > MAX_CONTENT_LENGTH:
        raise ValidationFailed(_("内容不能超过 %(n)d 个字。") % {"n": MAX_CONTENT_LENGTH})
    checked = [_checked_upload(upload) for upload in attachments]
    written: list[str] = []
    with _files_removed_on_error(written), transaction.atomic():
        if entry is None:
            entry = _entry_create(user=user, kind=kind, period_key=period_key, content=content, now=now)
        else:
            entry = TraceEntry.objects.select_for_update(of=("self",)).select_related("person").get(pk=entry.pk)
            _require(user, "tracelog.entry.write", entry)
            if entry.status not in EDITABLE_STATUSES:
                raise StateError(_("该纪实已提交，不能修改；如需修改，请部门负责人退回。"))
            _ensure_month_open(entry)
            entry.content = content
            if entry.filed_at is None:  # the deadline in force until it is filed
                entry.due_at = deadlines.due_at(entry.kind, entry.period_key,
                                                selectors.deadline_rules(entry.organisation_id))
            entry.save(update_fields=["content", "due_at", "updated_at"])
        if indicator_codes is not None:
            _set_indicator_links(entry, indicator_codes)
        for content_bytes, verdict in checked:
            written.append(_store_evidence(user=user, entry=entry, content=content_bytes, verdict=verdict).file.name)
        if submit:
            entry = _submit(user=user, entry=entry, now=now)
    return entry


def _entry_create(*, user, kind: str, period_key: str, content: str, now: datetime) -> TraceEntry:
    actor = access.actor_for(user)
    person = Person.objects.select_related("department").get(pk=actor.person_id)
    if person.department_id is None:
        raise ValidationFailed(_("您不属于任何部门，无需填报纪实。"))
    if kind not in deadlines.KINDS or not deadlines.is_valid_key(kind, period_key):
        raise ValidationFailed(_("纪实类型或期次无效。"))
    if period_key not in deadlines.fileable_keys(kind, now):
        raise ValidationFailed(_("只能填报近期的期次：%(title)s 不在可填报范围内。") % {
            "title": labels.slot_title(kind, period_key)})
    year, month = deadlines.belongs_to(kind, period_key)
    entry = TraceEntry(organisation_id=person.organisation_id, person=person, department_id=person.department_id,
                       kind=kind, period_key=period_key, period_year=year, period_month=month, content=content,
                       due_at=deadlines.due_at(kind, period_key, selectors.deadline_rules(person.organisation_id)))
    _ensure_month_open(entry)
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        raise ValidationFailed(_("%(title)s 已经填写过，请在原纪实上修改。") % {
            "title": labels.slot_title(kind, period_key)}) from None
    audit.record("tracelog.entry.create", actor=user, obj=entry, new=_state(entry))
    return entry


def _set_indicator_links(entry: TraceEntry, codes: Iterable[str]) -> None:
    wanted = dict.fromkeys(code for code in codes if code)
    allowed = dict(selectors.indicator_choices(entry.person, entry.period_year))
    unknown = [code for code in wanted if code not in allowed]
    if unknown:
        raise ValidationFailed(_("只能关联本人考核表中的指标：%(codes)s 不在其中。") % {"codes": "、".join(unknown)})
    existing = set(entry.indicator_links.values_list("indicator_code", flat=True))
    entry.indicator_links.exclude(indicator_code__in=list(wanted)).delete()
    EntryIndicatorLink.objects.bulk_create([EntryIndicatorLink(entry=entry, indicator_code=code,
                                                               indicator_name=allowed[code][:200])
                                            for code in wanted if code not in existing])


def entry_submit(*, user, entry: TraceEntry, now: datetime | None = None) -> TraceEntry:
    """File a draft, or file again an entry returned for rework."""
    _require(user, "tracelog.entry.write", entry)
    with transaction.atomic():
        entry = TraceEntry.objects.select_for_update(of=("self",)).select_related("person").get(pk=entry.pk)
        return _submit(user=user, entry=entry, now=now or timezone.now())


def _submit(*, user, entry: TraceEntry, now: datetime) -> TraceEntry:
    _require(user, "tracelog.entry.write", entry)
    _ensure_month_open(entry)
    old = _state(entry)
    if entry.status == EntryStatus.DRAFT:
        action = "tracelog.entry.submit"
        entry.due_at = deadlines.due_at(entry.kind, entry.period_key, selectors.deadline_rules(entry.organisation_id))
        entry.filed_at = now
    elif entry.status == EntryStatus.RETURNED:
        action = "tracelog.entry.resubmit"
        entry.resubmissions += 1
    else:
        raise StateError(_("该纪实已提交。"))
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = now
    entry.save(update_fields=["status", "due_at", "filed_at", "submitted_at", "resubmissions", "updated_at"])
    lateness = entry.lateness
    audit.record(action, actor=user, obj=entry, old=old, new={
        **_state(entry), "filed_at": entry.filed_at, "due_at": entry.due_at,
        "late_minutes": int(lateness.total_seconds() // 60) if lateness else 0})
    if action == "tracelog.entry.resubmit":
        head = entry.department.head if entry.department.head_id else None
        if head is not None and head.pk != entry.person_id:
            _notify(head.user, _("%(name)s已修改并重新提交%(title)s，请批阅。") % {
                "name": entry.person.name, "title": _title(entry)}, reverse("tracelog:entry_detail", args=[entry.pk]))
    return entry


# ---------------------------------------------------------------- review

def _reviewable(user, entry: TraceEntry) -> TraceEntry:
    _require(user, "tracelog.entry.review", entry)
    entry = TraceEntry.objects.select_for_update(of=("self",)).select_related("person", "person__user").get(pk=entry.pk)
    _ensure_month_open(entry)
    if entry.status not in (EntryStatus.SUBMITTED, EntryStatus.REVIEWED):
        raise StateError(_("只能批阅已提交的纪实。"))
    return entry


def _reviewer_name(user) -> str:
    person = Person.objects.filter(user=user).values_list("name", flat=True).first()
    return person or user.get_username()


def entry_review_comment(*, user, entry: TraceEntry, text: str) -> EntryReview:
    """The head reads an entry and comments (批阅)."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("请填写批阅意见。"))
    if len(text) > MAX_REVIEW_LENGTH:
        raise ValidationFailed(_("批阅意见不能超过 %(n)d 个字。") % {"n": MAX_REVIEW_LENGTH})
    with transaction.atomic():
        entry = _reviewable(user, entry)
        old = _state(entry)
        review = EntryReview.objects.create(entry=entry, reviewer=user, reviewer_name=_reviewer_name(user),
                                            action=ReviewAction.COMMENT, text=text)
        entry.status = EntryStatus.REVIEWED
        entry.save(update_fields=["status", "updated_at"])
        audit.record("tracelog.entry.review", actor=user, obj=entry, old=old, new={**_state(entry), "comment": text})
        _notify(entry.person.user, _("%(name)s批阅了您的%(title)s。") % {
            "name": review.reviewer_name, "title": _title(entry)}, reverse("tracelog:entry_detail", args=[entry.pk]))
    return review


def entry_review_many(*, user, entries: Sequence[TraceEntry], text: str) -> int:
    """The head reviews several submitted entries with one comment (批量批阅), all or nothing."""
    if not entries:
        raise ValidationFailed(_("请先勾选要批阅的纪实。"))
    with transaction.atomic():
        for entry in entries:
            entry_review_comment(user=user, entry=entry, text=text)
    return len(entries)


def next_to_review(user, *, after: TraceEntry | None = None) -> TraceEntry | None:
    """The reviewer's next submitted entry waiting for review (the earliest filed), if any."""
    actor = access.actor_for(user)
    waiting = (TraceEntry.objects.filter(status=EntryStatus.SUBMITTED, department_id__in=actor.headed_department_ids)
               .exclude(person_id=actor.person_id))
    if after is not None:
        waiting = waiting.exclude(pk=after.pk)
    return waiting.order_by("filed_at", "pk").first()


def entry_return(*, user, entry: TraceEntry, reason: str) -> EntryReview:
    """The head returns an entry for rework, with the reason; the author revises and files again."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed(_("退回修改必须填写原因（至少 4 个字）。"))
    if len(reason) > MAX_REVIEW_LENGTH:
        raise ValidationFailed(_("退回原因不能超过 %(n)d 个字。") % {"n": MAX_REVIEW_LENGTH})
    with transaction.atomic():
        entry = _reviewable(user, entry)
        old = _state(entry)
        review = EntryReview.objects.create(entry=entry, reviewer=user, reviewer_name=_reviewer_name(user),
                                            action=ReviewAction.RETURN, text=reason)
        entry.status = EntryStatus.RETURNED
        entry.save(update_fields=["status", "updated_at"])
        audit.record("tracelog.entry.return", actor=user, obj=entry, old=old, new=_state(entry), reason=reason)
        _notify(entry.person.user, _("%(name)s退回了您的%(title)s，请修改后重新提交。退回原因：%(reason)s") % {
            "name": review.reviewer_name, "title": _title(entry), "reason": reason},
            reverse("tracelog:entry_detail", args=[entry.pk]))
    return review


# ---------------------------------------------------------------- evidence

def _checked_upload(upload) -> tuple[bytes, evidence_rules.CheckedFile]:
    content = evidence_rules.read_upload(upload)
    return content, evidence_rules.check(upload.name, content)


def _store_evidence(*, user, entry: TraceEntry, content: bytes, verdict: evidence_rules.CheckedFile,
                    supplementary: bool = False) -> Evidence:
    if entry.evidence.count() >= evidence_rules.MAX_EVIDENCE_PER_ENTRY:
        raise ValidationFailed(_("每条纪实最多上传 %(n)d 个证据材料。") % {"n": evidence_rules.MAX_EVIDENCE_PER_ENTRY})
    item = Evidence(entry=entry, original_name=verdict.name, file_type=verdict.file_type,
                    content_type=verdict.content_type, size=verdict.size,
                    sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user)
    item.file.save(verdict.name, ContentFile(content), save=False)
    try:
        item.save(force_insert=True)
        audit.record("tracelog.evidence.attach", actor=user, obj=entry, organisation_id=entry.organisation_id,
                     new={"file": verdict.name, "type": verdict.file_type, "size": verdict.size,
                          "sha256": item.sha256, **({"after_submit": True} if supplementary else {})},
                     reason=_("提交后补充的证据材料") if supplementary else "")
    except BaseException:
        private_storage.delete(item.file.name)
        raise
    return item


def evidence_attach(*, user, entry: TraceEntry, upload) -> Evidence:
    """Attach one file (see ``evidence_attach_many``)."""
    return evidence_attach_many(user=user, entry=entry, uploads=[upload])[0]


def evidence_attach_many(*, user, entry: TraceEntry, uploads: Sequence) -> list[Evidence]:
    """Attach files to the author's entry, all or nothing: while it is a draft or returned, and also
    after it was submitted (supplementary evidence, issue 14) as long as its month is open. A file
    added after submission is audited as such; what was submitted is never removed."""
    _require(user, "tracelog.entry.write", entry)
    checked = [_checked_upload(upload) for upload in uploads]
    if not checked:
        raise ValidationFailed(_("请选择要上传的文件。"))
    written: list[str] = []
    with _files_removed_on_error(written), transaction.atomic():
        entry = TraceEntry.objects.select_for_update().get(pk=entry.pk)
        _require(user, "tracelog.entry.write", entry)
        _ensure_month_open(entry)
        supplementary = entry.status not in EDITABLE_STATUSES
        items = []
        for content, verdict in checked:
            item = _store_evidence(user=user, entry=entry, content=content, verdict=verdict,
                                   supplementary=supplementary)
            written.append(item.file.name)
            items.append(item)
    return items


def evidence_delete(*, user, evidence: Evidence) -> None:
    """Remove a file while its entry is still editable; the file goes once the removal commits."""
    with transaction.atomic():
        entry = TraceEntry.objects.select_for_update().get(pk=evidence.entry_id)
        _require(user, "tracelog.entry.write", entry)
        if entry.status not in EDITABLE_STATUSES:
            raise StateError(_("该纪实已提交，证据材料不能删除。"))
        _ensure_month_open(entry)
        name = evidence.file.name
        audit.record("tracelog.evidence.delete", actor=user, obj=entry, organisation_id=entry.organisation_id,
                     old={"file": evidence.original_name, "sha256": evidence.sha256})
        evidence.delete()
        transaction.on_commit(lambda: private_storage.delete(name))


# ---------------------------------------------------------------- deadline settings

def deadline_settings_update(*, user, organisation: Organisation, values: dict, reason: str = ""
                             ) -> TraceDeadlineSettings:
    """The office changes the organisation's deadlines. Filed entries keep the deadline they had."""
    _require(user, "office.manage", organisation)
    plan = (values["weekly_plan_weekday"], values["weekly_plan_time"])
    summary = (values["weekly_summary_weekday"], values["weekly_summary_time"])
    if summary <= plan:
        raise ValidationFailed(_("周小结的截止时间应晚于同一周周计划的截止时间。"))
    with transaction.atomic():
        settings, created = TraceDeadlineSettings.objects.select_for_update().get_or_create(organisation=organisation)
        fields = [*TraceDeadlineSettings.RULE_FIELDS, "reminder_lead_hours"]
        old = {name: getattr(settings, name) for name in fields}
        for name in fields:  # a field left out keeps its value
            setattr(settings, name, values.get(name, getattr(settings, name)))
        new = {name: getattr(settings, name) for name in fields}
        changed = [name for name in fields if old[name] != new[name]]
        if not changed and not created:
            return settings
        settings.save()
        audit.record("tracelog.deadlines.update", actor=user, obj=settings, organisation_id=organisation.pk,
                     old={k: old[k] for k in changed}, new={k: new[k] for k in changed}, reason=reason)
    return settings
