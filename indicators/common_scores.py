"""Year-end common scores (共同类, DOMAIN.md §6) per personnel category (分类考核).

A common leaf applies to everybody or to the personnel categories it lists; a score for a person
whose category the leaf does not apply to is refused. The office enters any common score (approved
as written); the leaf's assessor (考核主体, e.g. 人事教育处) enters its leaves as drafts and submits
them to the office, as for month and half scores (``indicators.assessing``).

Set-based like the score grid: one validation pass over the page, one bulk upsert, one bulk
delete and the audit rows in bulk, in one transaction.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.fields import parse_decimal
from appraisal.models import AssessmentYear, Period, PeriodKind, Person, Position

from . import plan_rules
from .assessing import EDITABLE_BY_ASSESSOR, SCORABLE_STATES, Unit
from .models import CommonScore, Indicator, ScoreStatus

FIELDS = ["value", "comment", "evidence_ref", "entered_by", "entered_at", "status", "reviewed_by", "reviewed_at",
          "review_reason"]


def common_leaves(year: AssessmentYear, *, user=None) -> list[Indicator]:
    """The common leaves of the year; for an assessor only those its departments assess."""
    parent_ids = Indicator.objects.filter(assessment_year=year, parent__isnull=False).values("parent_id")
    leaves = Indicator.objects.filter(assessment_year=year, category="共同类").exclude(pk__in=parent_ids)
    if user is not None and not access.can(user, "office.manage", year):
        leaves = leaves.filter(assessor_department_id__in=access.actor_for(user).assessing_department_ids)
    return list(leaves.select_related("assessor_department").order_by("sort_order", "code"))


def year_period(year: AssessmentYear, *, lock: bool = False) -> Period:
    periods = Period.objects.select_related("assessment_year")
    if lock:
        periods = periods.select_for_update(of=("self",))
    return periods.get(assessment_year=year, kind=PeriodKind.YEAR)


def check_value(leaf: Indicator, person: Person, value: Decimal) -> str:
    """Why a value cannot be a person's score of a common leaf, or ""."""
    if not leaf.applies_to(person.category):
        return _("“%(leaf)s”不适用于人员类别“%(category)s”") % {
            "leaf": leaf.name, "category": person.category or _("未填")}
    if leaf.kind == "否决" and value not in (Decimal("0"), Decimal("1")):
        return _("否决指标只能填 0（未否决）或 1（否决）。")
    low, high = plan_rules.score_bounds(category=leaf.category, kind=leaf.kind, full_score=leaf.full_score,
                                        bonus_cap=leaf.bonus_cap)
    if not low <= value <= high:
        return _("指标“%(code)s”的得分须在 %(low)s 到 %(high)s 之间。") % {
            "code": leaf.code, "low": audit.plain(low), "high": audit.plain(high)}
    if value != value.quantize(Decimal("0.01")):
        return _("得分最多保留两位小数")
    return ""


def _state(score: CommonScore | None) -> dict | None:
    return None if score is None else {"value": audit.plain(score.value)}


def common_scores_save(*, user, year: AssessmentYear, cells: dict[tuple[int, int], str], reason: str = "") -> int:
    """Save (person id, leaf id) -> typed value for a page of people, all or nothing; "" clears a
    cell. Raises ``ValidationFailed`` with details [((person id, leaf id), message)]."""
    if not access.can(user, "scores.assess"):
        raise PermissionDeniedError(_("您没有录入共同类得分的权限。"))
    with transaction.atomic():
        period = year_period(year, lock=True)
        if period.state not in SCORABLE_STATES:
            raise StateError(_("年度考核处于“%(state)s”状态，得分只读。") % {"state": period.get_state_display()})
        reviewer = access.can(user, "office.manage", year)
        leaves = {leaf.pk: leaf for leaf in common_leaves(year, user=user) if leaf.pk in {k[1] for k in cells}}
        people = {p.pk: p for p in Person.objects.filter(organisation_id=year.organisation_id,
                                                         pk__in={k[0] for k in cells})}
        existing = {(s.person_id, s.indicator_id): s for s in CommonScore.objects.select_for_update(of=("self",))
                    .filter(indicator_id__in=list(leaves), person_id__in=list(people))}
        now = timezone.now()
        errors, upserts, deletions, events = [], [], [], []
        for key, text in cells.items():
            person, leaf = people.get(key[0]), leaves.get(key[1])
            if leaf is None or person is None:
                errors.append((key, _("该指标不由您评分，或人员不存在。")))
                continue
            text = (text or "").strip()
            try:
                value = parse_decimal(text)
            except ValidationError as error:
                errors.append((key, error.messages[0]))
                continue
            if value is not None and person.position == Position.LEADER:
                errors.append((key, _("局领导不参加部门考核，不录入共同类得分。")))
                continue
            problem = check_value(leaf, person, value) if value is not None else ""
            if problem:
                errors.append((key, problem))
                continue
            current = existing.get(key)
            new = None if value is None else {"value": audit.plain(value)}
            if new == _state(current):
                continue
            if current is not None and not reviewer and current.status not in EDITABLE_BY_ASSESSOR:
                errors.append((key, _("得分%(status)s，不能修改。") % {"status": current.get_status_display()}))
                continue
            label = f"{person.name}（{person.staff_id}）"
            if new is None:
                if current is not None:
                    deletions.append(current.pk)
                    events.append({"action": "common_score.delete", "obj": leaf, "old": _state(current),
                                   "new": {"person": label}})
                continue
            status = ScoreStatus.APPROVED if reviewer else ScoreStatus.DRAFT
            upserts.append(CommonScore(
                indicator=leaf, person=person, value=value, comment=current.comment if current else "",
                evidence_ref=current.evidence_ref if current else "", entered_by=user, entered_at=now, status=status,
                reviewed_by=user if reviewer else (current.reviewed_by if current else None),
                reviewed_at=now if reviewer else (current.reviewed_at if current else None),
                review_reason="" if reviewer else (current.review_reason if current else "")))
            events.append({"action": "common_score.set", "obj": leaf, "old": _state(current),
                           "new": {**new, "person": label, "status": status}})
        if errors:
            raise ValidationFailed(_("有 %(n)d 处得分有误，均未保存。") % {"n": len(errors)}, details=errors)
        if upserts:
            CommonScore.objects.bulk_create(upserts, update_conflicts=True, unique_fields=["indicator", "person"],
                                            update_fields=FIELDS)
        if deletions:
            CommonScore.objects.filter(pk__in=deletions).delete()
        audit.record_many("common_score.set", events, actor=user, organisation_id=year.organisation_id, reason=reason)
    return len(events)


def common_submit(*, user, year: AssessmentYear, unit: Unit) -> int:
    """Submit the unit's draft and returned common scores of the year to the office."""
    if unit.is_office or not access.can(user, "scores.assess_for", unit.department):
        raise PermissionDeniedError(_("您不能为该考核主体提交得分。"))
    with transaction.atomic():
        period = year_period(year, lock=True)
        if period.state not in SCORABLE_STATES:
            raise StateError(_("年度考核处于“%(state)s”状态，得分只读。") % {"state": period.get_state_display()})
        scores = list(CommonScore.objects.select_for_update(of=("self",)).select_related("indicator", "person")
                      .filter(indicator__assessment_year=year, indicator__assessor_department=unit.department,
                              status__in=EDITABLE_BY_ASSESSOR))
        if not scores:
            raise ValidationFailed(_("没有待提交的得分。"))
        CommonScore.objects.filter(pk__in=[s.pk for s in scores]).update(
            status=ScoreStatus.SUBMITTED, submitted_by=user, submitted_at=timezone.now())
        audit.record_many("common_score.submit", [
            {"obj": s.indicator, "old": {"status": s.status},
             "new": {"status": ScoreStatus.SUBMITTED, "person": s.person.staff_id, "value": audit.plain(s.value)}}
            for s in scores], actor=user, organisation_id=year.organisation_id)
    return len(scores)
