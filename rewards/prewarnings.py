"""Pre-appraisal warnings (预考核预警, DOMAIN.md §9): the run of a warning month drafts them, the office
reviews and issues them, the department's head answers with a rectification plan (整改措施) and a date,
the office follows up (回头看) and closes them. Every step is audited in the same transaction.

The year-to-date rate of a leaf at month m is ``100 × Σ s / Σ f`` over its scores of months 1…m and of
the halves that ended by m. Where the plan sets a stage target for m, the progress ``100 × rate /
target`` is compared instead. The bottom three (by the compared value) of a shared indicator get at
least 关注; the levels themselves are ``rewards.rules.warning_level``.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessmentYear, PeriodKind, Role, RoleAssignment, Scheme
from appraisal.scheme import SCHEME_MONTH_LISTS
from indicators.models import Category, Indicator, IndicatorScore, Kind, ScoreStatus
from scoring.rules import round_half_up

from . import rules
from .grading import competition_ranks
from .models import PreWarning, WarningState

ANSWER_DAYS = 10


@dataclass(frozen=True)
class WarningSettings:
    months: tuple[int, ...]
    thresholds: rules.WarningThresholds


def settings_of(assessment_year: AssessmentYear) -> WarningSettings:
    """The scheme's ``warning.*`` keys (months 4 and 8; 80 / 70 / 60 by default)."""
    scheme = Scheme.objects.filter(assessment_year=assessment_year).first()
    if scheme is None:
        return WarningSettings(SCHEME_MONTH_LISTS["warning.months"], rules.WarningThresholds())
    values = scheme.as_decimals()
    return WarningSettings(scheme.month_list("warning.months"), rules.WarningThresholds(
        values["warning.attention_below"], values["warning.warning_below"], values["warning.serious_below"]))


def periods_to(month: int) -> set[tuple[str, int]]:
    """The periods whose scores count year to date at the end of ``month``."""
    periods = {(PeriodKind.MONTH, m) for m in range(1, month + 1)}
    if month >= 6:
        periods.add((PeriodKind.HALF, 1))
    if month >= 12:
        periods.add((PeriodKind.HALF, 2))
    return periods


@dataclass
class Candidate:
    indicator: Indicator
    rate: Decimal
    stage_target: Decimal | None
    progress: Decimal | None
    level: str
    bottom_three: bool = False
    shared_rank: int | None = None
    shared_count: int | None = None

    @property
    def compared(self) -> Decimal:
        return self.progress if self.progress is not None else self.rate


def _target(indicator: Indicator, month: int) -> Decimal | None:
    raw = (indicator.stage_targets or {}).get(str(month))
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except ArithmeticError:
        return None
    return value if value > 0 else None


def candidates(assessment_year: AssessmentYear, month: int, settings: WarningSettings | None = None) -> list[Candidate]:
    """Every leaf of a department whose year-to-date figure at ``month`` earns a level (two queries)."""
    settings = settings or settings_of(assessment_year)
    periods = periods_to(month)
    leaves = {i.pk: i for i in Indicator.objects.filter(
        assessment_year=assessment_year, kind=Kind.REGULAR, department__isnull=False,
        category__in=(Category.MANAGEMENT, Category.BUSINESS), full_score__isnull=False).select_related("department")}
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    approved = IndicatorScore.objects.filter(indicator_id__in=list(leaves), status=ScoreStatus.APPROVED)
    for indicator_id, kind, number, s in (approved.values_list("indicator_id", "period__kind", "period__number")
                                          .annotate(s=Sum("score")).order_by()):
        if (kind, number) in periods:
            sums[indicator_id][0] += s
            sums[indicator_id][1] += leaves[indicator_id].full_score
    figures: dict[int, Candidate] = {}
    for indicator_id, (s, f) in sums.items():
        leaf = leaves[indicator_id]
        rate = round_half_up(Decimal(100) * s / f)
        target = _target(leaf, month)
        figures[indicator_id] = Candidate(leaf, rate, target, rules.stage_progress(rate, target), "")
    shared: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, c in figures.items():
        if c.indicator.shared:
            shared[c.indicator.shared][indicator_id] = c.compared
    for values in shared.values():
        bottom = rules.bottom_three(values)
        ranks = competition_ranks(values)
        for indicator_id in values:
            c = figures[indicator_id]
            c.bottom_three, c.shared_rank, c.shared_count = indicator_id in bottom, ranks[indicator_id], len(values)
    result = []
    for c in figures.values():
        c.level = rules.warning_level(c.compared, settings.thresholds, bottom_three=c.bottom_three) or ""
        if c.level:
            result.append(c)
    result.sort(key=lambda c: (c.indicator.department.sort_order, c.indicator.sort_order, c.indicator.code))
    return result


@dataclass
class RunReport:
    month: int
    candidates: list[Candidate]
    created: int = 0
    refreshed: int = 0
    kept: int = 0
    dry_run: bool = False


def _require(user, rule, obj):
    if user is not None and not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您无权执行此操作。"))


def warnings_run(*, user, assessment_year: AssessmentYear, month: int, dry_run: bool = False) -> RunReport:
    """Draft the warnings of ``month`` (待签发). A re-run refreshes drafts and leaves issued ones alone;
    a month outside ``warning.months`` is refused. ``user=None`` is the command line."""
    _require(user, "office.manage", assessment_year)
    settings = settings_of(assessment_year)
    if month not in settings.months:
        raise ValidationFailed(_("%(month)s 月不是考核方案规定的预考核月份（%(months)s 月）。") % {
            "month": month, "months": "、".join(str(m) for m in settings.months)})
    found = candidates(assessment_year, month, settings)
    report = RunReport(month, found, dry_run=dry_run)
    if dry_run:
        return report
    with transaction.atomic():
        existing = {w.indicator_id: w for w in PreWarning.objects.select_for_update(of=("self",)).filter(
            assessment_year=assessment_year, month=month)}
        new, refresh = [], []
        for c in found:
            fields = dict(department_id=c.indicator.department_id, level=c.level, rate=c.rate,
                          stage_target=c.stage_target, progress=c.progress, bottom_three=c.bottom_three,
                          shared_rank=c.shared_rank, shared_count=c.shared_count)
            warning = existing.get(c.indicator.pk)
            if warning is None:
                new.append(PreWarning(assessment_year=assessment_year, month=month, indicator=c.indicator, **fields))
            elif warning.state == WarningState.DRAFT:
                for key, value in fields.items():
                    setattr(warning, key, value)
                refresh.append(warning)
            else:
                report.kept += 1
        PreWarning.objects.bulk_create(new)
        PreWarning.objects.bulk_update(refresh, ["level", "rate", "stage_target", "progress", "bottom_three",
                                                 "shared_rank", "shared_count"])
        stale = [w.pk for i, w in existing.items() if w.state == WarningState.DRAFT
                 and i not in {c.indicator.pk for c in found}]
        PreWarning.objects.filter(pk__in=stale).delete()
        report.created, report.refreshed = len(new), len(refresh)
        audit.record("warning.run", actor=user, obj=assessment_year, organisation_id=assessment_year.organisation_id,
                     new={"month": month, "drafted": len(new), "refreshed": len(refresh), "removed": len(stale)})
    return report


def _notify(user, text: str, url: str, key: str = "") -> None:
    from tracelog.models import Notification

    if user is not None:
        Notification.objects.create(recipient=user, text=text[:500], url=url[:200], key=key[:100])


def _url(warning: PreWarning) -> str:
    return reverse("results:warning", args=[warning.pk])


def _label(warning: PreWarning) -> str:
    return f"{warning.month}月预考核 · {warning.indicator.name}（{warning.level}）"


def issue(*, user, warnings: list[PreWarning], answer_due: datetime.date | None = None, note: str = "") -> int:
    """The office issues reviewed drafts: each goes to the department's head (notification + page)."""
    if not warnings:
        raise ValidationFailed(_("请选择要下发的预警。"))
    year = warnings[0].assessment_year
    _require(user, "office.manage", year)
    today = timezone.localdate()
    answer_due = answer_due or today + datetime.timedelta(days=ANSWER_DAYS)
    if answer_due < today:
        raise ValidationFailed(_("反馈期限不能早于今天。"))
    with transaction.atomic():
        rows = list(PreWarning.objects.select_for_update(of=("self",)).filter(pk__in=[w.pk for w in warnings])
                    .select_related("indicator", "department__head__user"))
        if any(w.state != WarningState.DRAFT for w in rows):
            raise StateError(_("只有待签发的预警可以下发。"))
        now = timezone.now()
        for w in rows:
            w.state, w.issued_at, w.issued_by, w.answer_due = WarningState.ISSUED, now, user, answer_due
            if note:
                w.office_note = note
            head = w.department.head
            _notify(head.user if head else None,
                    _("%(label)s：请于 %(due)s 前提交整改措施。") % {"label": _label(w), "due": answer_due.isoformat()},
                    _url(w), key=f"warning-{w.pk}-issued")
            audit.record("warning.issue", actor=user, obj=w, organisation_id=year.organisation_id,
                         new={"department": w.department.code, "indicator": w.indicator.code, "level": w.level,
                              "rate": str(w.rate), "answer_due": answer_due.isoformat()})
        PreWarning.objects.bulk_update(rows, ["state", "issued_at", "issued_by", "answer_due", "office_note"])
    return len(rows)


def dismiss(*, user, warning: PreWarning, reason: str) -> PreWarning:
    _require(user, "office.manage", warning.assessment_year)
    if not reason.strip():
        raise ValidationFailed(_("请填写不予签发的理由。"), details=[("reason", _("必填"))])
    with transaction.atomic():
        warning = PreWarning.objects.select_for_update(of=("self",)).get(pk=warning.pk)
        if warning.state != WarningState.DRAFT:
            raise StateError(_("只有待签发的预警可以不予签发。"))
        warning.state, warning.office_note = WarningState.DISMISSED, reason.strip()
        warning.save(update_fields=["state", "office_note"])
        audit.record("warning.dismiss", actor=user, obj=warning, reason=reason.strip(),
                     organisation_id=warning.assessment_year.organisation_id)
    return warning


def _office_users(organisation_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, role_assignments__in=RoleAssignment.objects.filter(
        role=Role.OFFICE, organisation_id=organisation_id)).distinct()


def answer(*, user, warning: PreWarning, rectification: str, rectify_by: datetime.date | None) -> PreWarning:
    """The head's answer: the rectification plan and the date it will be done by."""
    _require(user, "warning.answer", warning)
    problems = []
    if not rectification.strip():
        problems.append(("rectification", _("请填写整改措施。")))
    if rectify_by is None:
        problems.append(("rectify_by", _("请填写整改完成日期。")))
    elif rectify_by < timezone.localdate():
        problems.append(("rectify_by", _("整改完成日期不能早于今天。")))
    if problems:
        raise ValidationFailed(_("整改反馈有误，未保存。"), details=problems)
    with transaction.atomic():
        warning = PreWarning.objects.select_for_update(of=("self",)).select_related("indicator", "assessment_year").get(
            pk=warning.pk)
        if warning.state != WarningState.ISSUED:
            raise StateError(_("该预警当前不需要反馈整改措施。"))
        old = {"rectification": warning.rectification, "rectify_by": warning.rectify_by.isoformat()
               if warning.rectify_by else None}
        warning.rectification, warning.rectify_by = rectification.strip(), rectify_by
        warning.state, warning.answered_at, warning.answered_by = WarningState.ANSWERED, timezone.now(), user
        warning.save(update_fields=["rectification", "rectify_by", "state", "answered_at", "answered_by"])
        audit.record("warning.answer", actor=user, obj=warning, old=old,
                     new={"rectification": warning.rectification, "rectify_by": rectify_by.isoformat()},
                     organisation_id=warning.assessment_year.organisation_id)
        for office in _office_users(warning.assessment_year.organisation_id):
            _notify(office, _("%(label)s：部门已反馈整改措施，待回头看。") % {"label": _label(warning)}, _url(warning))
    return warning


def follow_up(*, user, warning: PreWarning, text: str, close: bool) -> PreWarning:
    """回头看: the office records what it found; closes the warning, or sends it back for a new plan."""
    _require(user, "office.manage", warning.assessment_year)
    if not text.strip():
        raise ValidationFailed(_("请填写回头看情况。"), details=[("follow_up", _("必填"))])
    with transaction.atomic():
        warning = PreWarning.objects.select_for_update(of=("self",)).select_related(
            "indicator", "assessment_year", "department__head__user").get(pk=warning.pk)
        if warning.state not in (WarningState.ISSUED, WarningState.ANSWERED):
            raise StateError(_("该预警已关闭或尚未下发。"))
        if not close and warning.state != WarningState.ANSWERED:
            raise StateError(_("部门尚未反馈整改措施，无需退回。"))
        old_state = warning.state
        warning.follow_up, warning.followed_at = text.strip(), timezone.now()
        if close:
            warning.state, warning.closed_at = WarningState.CLOSED, timezone.now()
        else:
            warning.state = WarningState.ISSUED
            warning.answer_due = timezone.localdate() + datetime.timedelta(days=ANSWER_DAYS)
        warning.save(update_fields=["follow_up", "followed_at", "state", "closed_at", "answer_due"])
        audit.record("warning.close" if close else "warning.reopen", actor=user, obj=warning,
                     old={"state": old_state}, new={"state": warning.state, "follow_up": warning.follow_up},
                     organisation_id=warning.assessment_year.organisation_id)
        head = warning.department.head
        text_out = (_("%(label)s：考核办回头看后已关闭。") if close
                    else _("%(label)s：回头看认为整改未到位，请重新提交整改措施。")) % {"label": _label(warning)}
        _notify(head.user if head else None, text_out, _url(warning))
    return warning


def counts(rows) -> dict[str, int]:
    """Open and overdue warnings among ``rows`` (counted on the page and the dashboards)."""
    today = timezone.localdate()
    result = {"open": 0, "overdue": 0, "draft": 0, "closed": 0}
    for w in rows:
        if w.is_open:
            result["open"] += 1
            if w.overdue_on(today):
                result["overdue"] += 1
        elif w.state == WarningState.DRAFT:
            result["draft"] += 1
        elif w.state == WarningState.CLOSED:
            result["closed"] += 1
    return result
