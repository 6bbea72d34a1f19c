"""Scores entered where the work is known: each leaf names its assessor (考核主体), a department or the
assessment office; the department's head and the accounts the head designates enter the scores of
exactly those leaves, across all departments, submit them, and the office approves or returns them.
Only approved scores are computed (``scoring.loader``).

Every write here is set-based, whatever the size of the grid: one validation pass over all cells
(``indicators.entry_rules``), then one bulk upsert, one bulk delete and the audit rows in bulk, in the
same transaction. Access is asked of ``appraisal.access`` (rules ``scores.assess`` / ``scores.assess_for``).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessmentYear, AssessorDesignation, Department, Period, PeriodKind, PeriodState, Person

from . import entry_rules
from .models import CommonScore, Indicator, IndicatorScore, ScoreStatus

OFFICE_UNIT = "office"
SCORABLE_STATES = (PeriodState.OPEN, PeriodState.SCORING)
EDITABLE_BY_ASSESSOR = (ScoreStatus.DRAFT, ScoreStatus.RETURNED)
CYCLE_OF_KIND = {PeriodKind.MONTH: "月度", PeriodKind.HALF: "半年"}
SCORE_FIELDS = ["score", "actual_value", "standard_key", "standard_params", "comment", "evidence_ref", "entered_by",
                "entered_at", "status", "reviewed_by", "reviewed_at", "review_reason"]


@dataclass(frozen=True)
class Unit:
    """An assessing unit: the office (``department`` None) or a department that assesses leaves."""

    key: str
    department: Department | None
    label: str

    @property
    def is_office(self) -> bool:
        return self.department is None


@dataclass
class CellInput:
    actual: str = ""
    score: str = ""
    comment: str = ""
    evidence: str = ""


def _office(user, year: AssessmentYear) -> bool:
    return access.can(user, "office.manage", year)


def units_for(user, year: AssessmentYear) -> list[Unit]:
    """The assessing units a user acts for: the office sees 考核办 and every department that assesses
    something this year; a head or designated account its own assessing department(s)."""
    actor = access.actor_for(user)
    departments = Department.objects.filter(organisation_id=year.organisation_id).order_by("sort_order", "code")
    if _office(user, year):
        assessing = set(Indicator.objects.filter(assessment_year=year, assessor_department__isnull=False)
                        .values_list("assessor_department_id", flat=True))
        units = [Unit(OFFICE_UNIT, None, _("考核办"))]
        units += [Unit(str(d.pk), d, d.name) for d in departments if d.pk in assessing]
        return units
    return [Unit(str(d.pk), d, d.name) for d in departments.filter(pk__in=actor.assessing_department_ids)]


def chronological(period: Period) -> tuple[int, int]:
    """Months in order, each half right after its last month."""
    if period.kind == PeriodKind.HALF:
        return (6 if period.number == 1 else 12, 1)
    if period.kind == PeriodKind.YEAR:
        return (12, 2)
    return (period.number, 0)


def scoring_periods(year: AssessmentYear, *, with_year: bool = False) -> list[Period]:
    """Months and halves in order (and the year itself, for the common scores, when asked)."""
    kinds = [PeriodKind.MONTH, PeriodKind.HALF, *([PeriodKind.YEAR] if with_year else [])]
    periods = Period.objects.filter(assessment_year=year, kind__in=kinds)
    return sorted(periods, key=chronological)


def current_period(periods: list[Period]) -> Period | None:
    """The period to open the grid on: the earliest one being scored (评分), else the earliest still
    open (填报); a period in publicity or locked only when nothing else is left."""
    for state in (PeriodState.SCORING, PeriodState.OPEN):
        for period in periods:
            if period.state == state:
                return period
    return periods[-1] if periods else None


def _leaves(year_id: int, period: Period):
    parent_ids = Indicator.objects.filter(assessment_year_id=year_id, parent__isnull=False).values("parent_id")
    return (Indicator.objects.filter(assessment_year_id=year_id, category__in=["管理类", "业务类"],
                                     cycle=CYCLE_OF_KIND.get(period.kind, "-"))
            .exclude(pk__in=parent_ids))


def grid_leaves(period: Period, unit: Unit, *, department_id: int | None = None) -> list[Indicator]:
    """The leaves a unit scores in a period (its cycle), department by department."""
    leaves = _leaves(period.assessment_year_id, period)
    leaves = (leaves.filter(assessor_department__isnull=True) if unit.is_office
              else leaves.filter(assessor_department=unit.department))
    if department_id:
        leaves = leaves.filter(department_id=department_id)
    return list(leaves.select_related("department")
                .order_by("department__sort_order", "department__code", "sort_order", "code"))


def leaf_rule(leaf: Indicator) -> entry_rules.LeafRule:
    return entry_rules.LeafRule(leaf.code, leaf.full_score, leaf.bonus_cap, leaf.standard_key or entry_rules.MANUAL,
                                leaf.standard_params or {})


def _state(score: IndicatorScore | None) -> dict | None:
    if score is None:
        return None
    return {"score": audit.plain(score.score), "actual": score.actual_value, "comment": score.comment,
            "evidence": score.evidence_ref}


def _locked_period(period: Period) -> Period:
    locked = Period.objects.select_for_update(of=("self",)).select_related("assessment_year").get(pk=period.pk)
    if locked.state not in SCORABLE_STATES:
        raise StateError(_("%(period)s 处于“%(state)s”状态，得分只读。") % {
            "period": locked.label, "state": locked.get_state_display()})
    return locked


def scores_save(*, user, period: Period, cells: dict[int, CellInput], reason: str = "") -> int:
    """Save a grid of cells (leaf id -> what was typed) of one period, all or nothing.

    The office's entries are approved as they are written; an assessor's are drafts to submit, and
    an assessor reaches only the leaves its department assesses and only scores not yet submitted
    (or returned). An empty cell deletes the stored score. Returns the number of cells changed;
    raises ``ValidationFailed`` with ``details`` [(leaf id, message)] and writes nothing on any error."""
    actor = access.actor_for(user)
    if not access.can(user, "scores.assess"):
        raise PermissionDeniedError(_("您没有录入指标得分的权限。"))
    with transaction.atomic():
        period = _locked_period(period)
        year = period.assessment_year
        reviewer = _office(user, year)
        leaves = _leaves(year.pk, period).filter(pk__in=list(cells))
        if not reviewer:
            leaves = leaves.filter(assessor_department_id__in=actor.assessing_department_ids)
        leaves = {leaf.pk: leaf for leaf in leaves}
        existing = {s.indicator_id: s for s in IndicatorScore.objects.select_for_update()
                    .filter(period=period, indicator_id__in=list(leaves))}
        now = timezone.now()
        errors: list[tuple[int, str]] = []
        upserts, deletions, events = [], [], []
        for pk, cell in cells.items():
            leaf = leaves.get(pk)
            if leaf is None:
                errors.append((pk, _("该指标不由您评分，或不在%(period)s考核。") % {"period": period.label}))
                continue
            rule = leaf_rule(leaf)
            result = entry_rules.evaluate(rule, actual=cell.actual, score=cell.score)
            if not result.ok:
                errors.append((pk, f"{leaf.code}：{result.error}"))
                continue
            current = existing.get(pk)
            new = None if result.score is None else {
                "score": audit.plain(result.score), "actual": result.actual, "comment": cell.comment.strip()[:1000],
                "evidence": cell.evidence.strip()[:200]}
            if new == _state(current):
                continue
            if current is not None and not reviewer and current.status not in EDITABLE_BY_ASSESSOR:
                errors.append((pk, _("%(code)s：得分%(status)s，不能修改。") % {
                    "code": leaf.code, "status": current.get_status_display()}))
                continue
            if new is None:
                if current is not None:
                    deletions.append(current.pk)
                    events.append({"action": "indicator_score.delete", "obj": leaf, "old": _state(current),
                                   "new": {"period": period.label}})
                continue
            status = ScoreStatus.APPROVED if reviewer else ScoreStatus.DRAFT
            upserts.append(IndicatorScore(
                indicator=leaf, period=period, score=result.score, actual_value=result.actual,
                standard_key=rule.standard_key if rule.computed else "",
                standard_params=rule.standard_params if rule.computed else {},
                comment=new["comment"], evidence_ref=new["evidence"], entered_by=user, entered_at=now, status=status,
                reviewed_by=user if reviewer else (current.reviewed_by if current else None),
                reviewed_at=now if reviewer else (current.reviewed_at if current else None),
                review_reason="" if reviewer else (current.review_reason if current else "")))
            events.append({"action": "indicator_score.set", "obj": leaf, "old": _state(current),
                           "new": {**new, "period": period.label, "status": status}})
        if errors:
            raise ValidationFailed(_("有 %(n)d 处得分有误，均未保存。") % {"n": len(errors)}, details=errors)
        if upserts:
            IndicatorScore.objects.bulk_create(upserts, update_conflicts=True, unique_fields=["indicator", "period"],
                                               update_fields=SCORE_FIELDS)
        if deletions:
            IndicatorScore.objects.filter(pk__in=deletions).delete()
        audit.record_many("indicator_score.set", events, actor=user, organisation_id=year.organisation_id,
                          reason=reason)
    return len(events)


def scores_submit(*, user, period: Period, unit: Unit) -> int:
    """Submit the unit's drafts and returned scores of the period to the office."""
    if unit.is_office or not access.can(user, "scores.assess_for", unit.department):
        raise PermissionDeniedError(_("您不能为该考核主体提交得分。"))
    with transaction.atomic():
        period = _locked_period(period)
        scores = list(IndicatorScore.objects.select_for_update(of=("self",)).select_related("indicator")
                      .filter(period=period, indicator__assessor_department=unit.department,
                              status__in=EDITABLE_BY_ASSESSOR))
        if not scores:
            raise ValidationFailed(_("没有待提交的得分。"))
        now = timezone.now()
        IndicatorScore.objects.filter(pk__in=[s.pk for s in scores]).update(
            status=ScoreStatus.SUBMITTED, submitted_by=user, submitted_at=now)
        audit.record_many("indicator_score.submit", [
            {"obj": s.indicator, "old": {"status": s.status},
             "new": {"status": ScoreStatus.SUBMITTED, "period": period.label, "score": audit.plain(s.score),
                     "assessor": unit.label}} for s in scores],
            actor=user, organisation_id=period.assessment_year.organisation_id)
    return len(scores)


APPROVE, RETURN = "approve", "return"


def _reviewed(period: Period):
    """The scores reviewed in a period: month and half scores of leaves, or the year's common scores."""
    if period.kind == PeriodKind.YEAR:
        return (CommonScore.objects.filter(indicator__assessment_year_id=period.assessment_year_id)
                .select_related("indicator", "person"))
    return IndicatorScore.objects.filter(period=period).select_related("indicator")


def _subject(score) -> dict:
    person = getattr(score, "person", None)
    return {"person": person.staff_id} if person is not None else {}


def scores_review(*, user, period: Period, decisions: dict[int, tuple[str, str]]) -> tuple[int, int]:
    """The office approves submitted scores, or returns submitted or approved ones with a reason
    (score id -> (APPROVE | RETURN, reason)). All decisions or none; returns (approved, returned)."""
    if not _office(user, period.assessment_year):
        raise PermissionDeniedError(_("只有考核办可以审核得分。"))
    with transaction.atomic():
        period = _locked_period(period)
        model = CommonScore if period.kind == PeriodKind.YEAR else IndicatorScore
        scores = {s.pk: s for s in _reviewed(period).select_for_update(of=("self",)).filter(pk__in=list(decisions))}
        errors: list[tuple[int, str]] = []
        approve, returned, events = [], [], []
        now = timezone.now()
        for pk, (decision, reason) in decisions.items():
            score = scores.get(pk)
            reason = (reason or "").strip()[:1000]
            if score is None:
                errors.append((pk, _("该得分不存在或不属于%(period)s。") % {"period": period.label}))
            elif decision == APPROVE:
                if score.status != ScoreStatus.SUBMITTED:
                    errors.append((pk, _("%(code)s：只有待审核的得分可以审定。") % {"code": score.indicator.code}))
                else:
                    approve.append(score)
                    events.append({"action": "indicator_score.approve", "obj": score.indicator,
                                   "old": {"status": score.status},
                                   "new": {"status": ScoreStatus.APPROVED, "period": period.label,
                                           "score": audit.plain(_value(score)), **_subject(score)}})
            elif decision == RETURN:
                if score.status not in (ScoreStatus.SUBMITTED, ScoreStatus.APPROVED):
                    errors.append((pk, _("%(code)s：只能退回待审核或已审定的得分。") % {"code": score.indicator.code}))
                elif not reason:
                    errors.append((pk, _("%(code)s：退回须写明原因。") % {"code": score.indicator.code}))
                else:
                    old_status = score.status
                    score.status, score.review_reason, score.reviewed_by, score.reviewed_at = (
                        ScoreStatus.RETURNED, reason, user, now)
                    returned.append(score)
                    events.append({"action": "indicator_score.return", "obj": score.indicator, "reason": reason,
                                   "old": {"status": old_status},
                                   "new": {"status": ScoreStatus.RETURNED, "period": period.label,
                                           "score": audit.plain(_value(score)), **_subject(score)}})
            else:
                errors.append((pk, _("未知的审核操作。")))
        if errors:
            raise ValidationFailed(_("审核未保存，请修改后重试。"), details=errors)
        if approve:
            model.objects.filter(pk__in=[s.pk for s in approve]).update(
                status=ScoreStatus.APPROVED, reviewed_by=user, reviewed_at=now, review_reason="")
        if returned:
            model.objects.bulk_update(returned, ["status", "review_reason", "reviewed_by", "reviewed_at"])
        audit.record_many("indicator_score.review", events, actor=user,
                          organisation_id=period.assessment_year.organisation_id)
    return len(approve), len(returned)


def _value(score):
    return score.value if isinstance(score, CommonScore) else score.score


def review_queue(period: Period, *, unit: Unit | None = None, status: str = ScoreStatus.SUBMITTED):
    scores = (_reviewed(period).filter(status=status)
              .select_related("indicator__department", "indicator__assessor_department", "submitted_by")
              .order_by("indicator__assessor_department__sort_order", "indicator__department__sort_order",
                        "indicator__sort_order", "indicator__code", "pk"))
    if unit is not None:
        scores = (scores.filter(indicator__assessor_department__isnull=True) if unit.is_office
                  else scores.filter(indicator__assessor_department=unit.department))
    return scores


def status_counts(period: Period) -> dict[str, int]:
    rows = (IndicatorScore.objects.filter(period=period).values("status").annotate(n=Count("pk")))
    return {row["status"]: row["n"] for row in rows}


def unapproved_leaves(period: Period) -> int:
    """Leaves of the period without an approved score (for the publicity guard: they count as missing)."""
    leaves = _leaves(period.assessment_year_id, period)
    approved = IndicatorScore.objects.filter(period=period, status=ScoreStatus.APPROVED).values("indicator_id")
    return leaves.exclude(pk__in=approved).count()


def unapproved_items(period: Period) -> list[str]:
    """Scores entered but not approved, by assessing unit: one line per unit for the checklist before
    publicity ("未审定的得分按未评分计"). Months and halves: leaf scores; the year: common scores."""
    rows = (_reviewed(period).exclude(status=ScoreStatus.APPROVED)
            .values_list("indicator__assessor_department__name", "status").annotate(n=Count("pk"))
            .order_by("indicator__assessor_department__sort_order", "status"))
    by_unit: dict[str, dict[str, int]] = {}
    for unit, status, n in rows:
        by_unit.setdefault(unit or str(_("考核办")), {})[status] = n
    return [_("%(unit)s：%(n)d 项得分未审定（%(detail)s）") % {
        "unit": unit, "n": sum(counts.values()),
        "detail": "、".join(f"{ScoreStatus(status).label} {n}" for status, n in counts.items())}
        for unit, counts in by_unit.items()]


# --------------------------------------------------------------------------- designated assessors

def designation_candidates(department: Department):
    """Members of the department with an account who are not its head: whom the head may designate."""
    return (Person.objects.filter(department=department, is_active=True, user__isnull=False)
            .exclude(pk=department.head_id).select_related("user").order_by("staff_id"))


def designate(*, user, department: Department, person: Person) -> AssessorDesignation:
    """The head designates an account of the department to enter the department's assessed scores."""
    if not access.can(user, "department.head", department):
        raise PermissionDeniedError(_("只有本部门负责人可以指定评分人。"))
    if person.department_id != department.pk or not person.is_active or person.user_id is None:
        raise ValidationFailed(_("只能指定本部门有账号的在职人员。"))
    with transaction.atomic():
        designation, created = AssessorDesignation.objects.get_or_create(
            department=department, user_id=person.user_id, defaults={"designated_by": user})
        if created:
            audit.record("assessor.designate", actor=user, obj=department,
                         new={"person": f"{person.name}（{person.staff_id}）"}, organisation_id=department.organisation_id)
    return designation


def designation_revoke(*, user, designation: AssessorDesignation) -> None:
    department = designation.department
    if not access.can(user, "department.head", department):
        raise PermissionDeniedError(_("只有本部门负责人可以取消评分人。"))
    with transaction.atomic():
        audit.record("assessor.revoke", actor=user, obj=department, old={"user": designation.user.username},
                     organisation_id=department.organisation_id)
        designation.delete()
