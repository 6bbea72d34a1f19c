"""Writes of the indicator system: plan edits, year copies, responsibility weights and scores.

Every write validates the whole plan (or the indicator's whole set of weights) through the pure
rules of ``indicators.plan_rules`` before anything is saved, runs in one transaction, checks
access through ``appraisal.access`` and records its audit event in that transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import ApplicationError, PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AssessmentYear, Department, Period, PeriodKind, PeriodState, Person

from . import plan_rules
from .models import CommonScore, Indicator, IndicatorScore, ResponsibilityWeight

INDICATOR_FIELDS = ["code", "name", "parent", "category", "department", "full_score", "bonus_cap", "cycle", "kind",
                    "importance", "content", "target", "basis", "data_source", "scoring_standard", "assessor_department",
                    "standard_key", "standard_params", "person_categories", "shared", "stage_targets", "sort_order"]
# Scores may be entered while the period is open or being scored; publicity and lock freeze them.
SCORABLE_STATES = (PeriodState.OPEN, PeriodState.SCORING)


def _require(user, rule: str, obj=None) -> None:
    if not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))


def _snapshot(indicator: Indicator) -> dict:
    return audit.snapshot(indicator, INDICATOR_FIELDS)


def node_of(indicator: Indicator, *, parent_code: str | None, department_code: str | None) -> plan_rules.PlanNode:
    return plan_rules.PlanNode(
        code=indicator.code, name=indicator.name, parent_code=parent_code, category=indicator.category or "",
        department_code=department_code, full_score=indicator.full_score, bonus_cap=indicator.bonus_cap,
        cycle=indicator.cycle or "", kind=indicator.kind or "", importance=indicator.importance or "",
        assessor_code=indicator.assessor_department.code if indicator.assessor_department_id else None,
        person_categories=tuple(indicator.person_categories or ()))


def plan_nodes(assessment_year: AssessmentYear, *, exclude_pk=None) -> list[plan_rules.PlanNode]:
    rows = (Indicator.objects.filter(assessment_year=assessment_year).exclude(pk=exclude_pk)
            .values("code", "name", "parent__code", "category", "department__code", "full_score", "bonus_cap",
                    "cycle", "kind", "importance", "assessor_department__code", "person_categories"))
    return [plan_rules.PlanNode(
        code=r["code"], name=r["name"], parent_code=r["parent__code"], category=r["category"],
        department_code=r["department__code"], full_score=r["full_score"], bonus_cap=r["bonus_cap"],
        cycle=r["cycle"], kind=r["kind"], importance=r["importance"], assessor_code=r["assessor_department__code"],
        person_categories=tuple(r["person_categories"] or ())) for r in rows]


def _year_not_locked(assessment_year: AssessmentYear) -> None:
    if Period.objects.filter(assessment_year=assessment_year, kind=PeriodKind.YEAR,
                             state=PeriodState.LOCKED).exists():
        raise StateError(_("%(year)s 年度已锁定，指标体系不能修改。") % {"year": assessment_year.year})


# ---------------------------------------------------------------- plan changes by month (DOMAIN.md §8)

PLAN_FIELDS = ("full_score", "bonus_cap", "cycle", "kind")


def plan_in_use(assessment_year: AssessmentYear) -> bool:
    """Once a period of the year left 填报, the plan changes only by month, with a reason."""
    return Period.objects.filter(assessment_year=assessment_year).exclude(state=PeriodState.OPEN).exists()


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return audit.plain(value) if isinstance(value, Decimal) else str(value)


def plan_change_month(assessment_year, reason: str, effective_month) -> tuple[int | None, list[tuple[str, str]]]:
    """The effective month of a change of the plan in use and the problems with it: a reason (e.g. the
    bureau meeting's decision) and a month that is still open (and whose half is)."""
    reason = (reason or "").strip()
    problems = []
    if len(reason) < 4:
        problems.append(("reason", _("已有周期开始评分，调整分值、周期、性质、加分上限或责任比重须写明依据（如局务会议决定，至少 4 个字）。")))
    try:
        month = int(effective_month)
    except (TypeError, ValueError):
        month = None
    states = dict(((kind, number), state) for kind, number, state in
                  Period.objects.filter(assessment_year=assessment_year).values_list("kind", "number", "state"))
    if month is None or not 1 <= month <= 12:
        problems.append(("effective_month", _("请选择调整的生效月份。")))
    elif states.get((PeriodKind.MONTH, month)) != PeriodState.OPEN or \
            states.get((PeriodKind.HALF, 1 if month <= 6 else 2)) != PeriodState.OPEN:
        problems.append(("effective_month", _("生效月份须为尚在填报中的月份（所在半年也须在填报中）：%(month)s月已进入评分或之后的阶段。")
                         % {"month": month}))
    return month, problems


def plan_changes_record(*, user, assessment_year, month: int, reason: str,
                        changes: dict[Indicator, list[tuple[str, object, object, Person | None]]]) -> None:
    """Record checked changes of several indicators in a constant number of queries; an earlier
    effective month than a change already recorded for the same item is refused (the months in
    between would be ambiguous)."""
    from .models import PlanChange

    changes = {indicator: items for indicator, items in changes.items() if items}
    if not changes:
        return
    reason = reason.strip()
    later = set(PlanChange.objects.filter(indicator__in=list(changes), effective_month__gt=month)
                .values_list("indicator_id", "field", "person_id"))
    for indicator, items in changes.items():
        for field, _old, _new, person in items:
            if (indicator.pk, field, person.pk if person else None) in later:
                raise ValidationFailed(_("调整未保存，请修改后重试。"), details=[("effective_month", _(
                    "指标“%(code)s”已有更晚月份生效的调整，新的调整不能更早生效。") % {"code": indicator.code})])
    PlanChange.objects.bulk_create([
        PlanChange(assessment_year=assessment_year, indicator=indicator, person=person, field=field,
                   old_value=_text(old), new_value=_text(new), effective_month=month, reason=reason, changed_by=user)
        for indicator, items in changes.items() for field, old, new, person in items])

    def key(field, person):
        return f"{field}{'@' + person.staff_id if person else ''}"

    audit.record_many("plan.change", [
        {"obj": indicator, "old": {key(field, person): _text(old) for field, old, _n, person in items},
         "new": {**{key(field, person): _text(new) for field, _o, new, person in items}, "effective_month": month}}
        for indicator, items in changes.items()], actor=user, organisation_id=assessment_year.organisation_id,
        reason=reason)


def _plan_change(*, user, assessment_year, indicator, changes: list[tuple[str, object, object, Person | None]],
                 reason: str, effective_month) -> None:
    """Check and record changes of one indicator of the plan in use (DOMAIN.md §8)."""
    month, problems = plan_change_month(assessment_year, reason, effective_month)
    if problems:
        raise ValidationFailed(_("调整未保存，请修改后重试。"), details=problems)
    plan_changes_record(user=user, assessment_year=assessment_year, month=month, reason=reason,
                        changes={indicator: changes})


def indicator_save(*, user, indicator: Indicator, reason: str = "", effective_month=None) -> Indicator:
    """Create or change one indicator; the whole plan with the change must stay valid."""
    assessment_year = indicator.assessment_year
    _require(user, "office.manage", assessment_year)
    with transaction.atomic():
        _year_not_locked(assessment_year)
        nodes = plan_nodes(assessment_year, exclude_pk=indicator.pk)
        department_codes = set(Department.objects.filter(organisation_id=assessment_year.organisation_id)
                               .values_list("code", flat=True))
        changed = node_of(indicator, parent_code=indicator.parent.code if indicator.parent_id else None,
                          department_code=indicator.department.code if indicator.department_id else None)
        problems = [p for p in plan_rules.validate_plan([*nodes, changed], department_codes)
                    if p.code in ("", indicator.code) or p.column == "上级指标编码"]
        if problems:
            raise ValidationFailed(_("指标未保存，请修改后重试。"), details=[(p.column, p.message) for p in problems])
        # Children always carry their root's category, so that reads need no walk up the tree.
        categories = plan_rules.resolve_categories([*nodes, changed])
        indicator.category = categories.get(indicator.code) or indicator.category
        old = None
        if indicator.pk:
            before = Indicator.objects.select_for_update().get(pk=indicator.pk)
            old = _snapshot(before)
            plan_fields = [(f, getattr(before, f), getattr(indicator, f), None) for f in PLAN_FIELDS
                           if _text(getattr(before, f)) != _text(getattr(indicator, f))]
            if plan_fields and plan_in_use(assessment_year):
                _plan_change(user=user, assessment_year=assessment_year, indicator=indicator, changes=plan_fields,
                             reason=reason, effective_month=effective_month)
        indicator.save()
        if old is not None and old["category"] != indicator.category:
            _recategorise_descendants(indicator)
        new = _snapshot(indicator)
        if old != new:
            before, after = audit.changes(old, new)
            audit.record("indicator.create" if old is None else "indicator.update", actor=user, obj=indicator,
                         old=before, new=after, reason=reason, organisation_id=assessment_year.organisation_id)
    return indicator


def _recategorise_descendants(root: Indicator) -> None:
    rows = list(Indicator.objects.filter(assessment_year=root.assessment_year).values_list("pk", "parent_id"))
    children: dict[int, list[int]] = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    pending, descendants = [root.pk], []
    while pending:
        current = pending.pop()
        for child in children.get(current, []):
            descendants.append(child)
            pending.append(child)
    Indicator.objects.filter(pk__in=descendants).update(category=root.category)


def indicator_delete(*, user, indicator: Indicator, reason: str = "") -> None:
    _require(user, "office.manage", indicator.assessment_year)
    with transaction.atomic():
        _year_not_locked(indicator.assessment_year)
        if indicator.children.exists():
            raise ValidationFailed(_("请先删除或移走下级指标。"))
        if indicator.scores.exists() or indicator.common_scores.exists():
            raise ValidationFailed(_("该指标已有得分，不能删除。"))
        audit.record("indicator.delete", actor=user, obj=indicator, old=_snapshot(indicator), reason=reason,
                     organisation_id=indicator.assessment_year.organisation_id)
        indicator.weights.all().delete()
        indicator.delete()


@dataclass(frozen=True)
class CopyResult:
    indicators: int
    weights: int


def plan_copy(*, user, source: AssessmentYear, target: AssessmentYear) -> CopyResult:
    """Start a year's plan as a copy of another year's: every indicator and the weights of people
    still active in the same department. The target must have no indicators yet."""
    _require(user, "office.manage", target)
    if source.organisation_id != target.organisation_id:
        raise ValidationFailed(_("只能复制本单位的指标体系。"))
    with transaction.atomic():
        _year_not_locked(target)
        if Indicator.objects.filter(assessment_year=target).exists():
            raise ValidationFailed(_("%(year)s 年度已有指标，不能再复制。") % {"year": target.year})
        originals = list(Indicator.objects.filter(assessment_year=source).order_by("pk"))
        copies = []
        for original in originals:
            copy = Indicator(**{f.attname: getattr(original, f.attname) for f in Indicator._meta.concrete_fields
                                if f.name not in ("id", "assessment_year", "parent")})
            copy.assessment_year = target
            copies.append(copy)
        Indicator.objects.bulk_create(copies)
        new_by_code = {c.code: c for c in Indicator.objects.filter(assessment_year=target)}
        old_code = {o.pk: o.code for o in originals}
        with_parent = []
        for original in originals:
            if original.parent_id:
                copy = new_by_code[original.code]
                copy.parent_id = new_by_code[old_code[original.parent_id]].pk
                with_parent.append(copy)
        Indicator.objects.bulk_update(with_parent, ["parent"], batch_size=500)
        weights = [ResponsibilityWeight(indicator=new_by_code[w.indicator.code], person_id=w.person_id, weight=w.weight)
                   for w in ResponsibilityWeight.objects.filter(indicator__assessment_year=source)
                   .select_related("indicator", "person")
                   if w.person.is_active and w.person.department_id == w.indicator.department_id]
        ResponsibilityWeight.objects.bulk_create(weights)
        audit.record("plan.copy", actor=user, obj=target, new={"from": source.year, "indicators": len(copies),
                                                              "weights": len(weights)},
                     organisation_id=target.organisation_id)
    return CopyResult(len(copies), len(weights))


def weights_set(*, user, indicator: Indicator, weights: dict[int, Decimal], reason: str = "",
                effective_month=None) -> None:
    """Replace the responsibility weights of one indicator (person id -> percent)."""
    if not (access.can(user, "office.manage", indicator.assessment_year)
            or access.can(user, "department.head", indicator.department)):
        raise PermissionDeniedError(_("只有该指标责任部门的负责人或考核办可以分配责任比重。"))
    with transaction.atomic():
        _year_not_locked(indicator.assessment_year)
        people = {p.pk: p for p in Person.objects.filter(pk__in=weights.keys()).select_related("department")}
        leaf = plan_rules.WeightedLeaf(indicator.code, indicator.category,
                                       indicator.department.code if indicator.department_id else None,
                                       not indicator.children.exists())
        rows = [(indicator.code, people[pk].staff_id if pk in people else str(pk), value)
                for pk, value in weights.items()]
        person_departments = {p.staff_id: (p.department.code if p.department_id else None) for p in people.values()}
        problems = plan_rules.validate_weights(rows, {indicator.code: leaf}, person_departments)
        if problems:
            raise ValidationFailed(_("责任比重未保存，请修改后重试。"),
                                   details=[(p.staff_id or p.column, p.message) for p in problems])
        existing = {w.person_id: w for w in ResponsibilityWeight.objects.select_for_update(of=("self",))
                    .filter(indicator=indicator).select_related("person")}
        old = {existing[pk].person.staff_id: audit.plain(existing[pk].weight) for pk in existing}
        moved = [("weight", existing[pk].weight if pk in existing else None, weights.get(pk),
                  existing[pk].person if pk in existing else people[pk])
                 for pk in sorted(set(existing) | set(weights))
                 if _text(existing[pk].weight if pk in existing else None) != _text(weights.get(pk))]
        if moved and plan_in_use(indicator.assessment_year):
            _plan_change(user=user, assessment_year=indicator.assessment_year, indicator=indicator, changes=moved,
                         reason=reason, effective_month=effective_month)
        ResponsibilityWeight.objects.filter(indicator=indicator).exclude(person_id__in=weights.keys()).delete()
        ResponsibilityWeight.objects.bulk_create(
            [ResponsibilityWeight(indicator=indicator, person_id=pk, weight=value) for pk, value in weights.items()],
            update_conflicts=True, unique_fields=["indicator", "person"], update_fields=["weight"])
        new = {people[pk].staff_id: audit.plain(value) for pk, value in weights.items()}
        if old != new:
            audit.record("weights.set", actor=user, obj=indicator, old=old, new=new, reason=reason,
                         organisation_id=indicator.assessment_year.organisation_id)


def _scorable(period: Period) -> None:
    if period.state not in SCORABLE_STATES:
        raise StateError(_("%(period)s 处于“%(state)s”状态，不能录入或修改得分。") % {
            "period": period.label, "state": period.get_state_display()})


def indicator_score_set(*, user, indicator: Indicator, period: Period, score: Decimal | None, comment: str = "",
                        evidence_ref: str = "", actual_value: str = "", reason: str = "") -> IndicatorScore | None:
    """Enter (or clear, with ``score=None``) one leaf's month or half score: a grid of one cell
    (``indicators.assessing.scores_save``); a leaf with a scoring standard takes ``actual_value``."""
    from . import assessing

    expected_kind = {"月度": PeriodKind.MONTH, "半年": PeriodKind.HALF}.get(indicator.cycle)
    if indicator.category not in ("管理类", "业务类") or indicator.children.exists():
        raise ValidationFailed(_("只有管理类、业务类末级指标按月度或半年录入得分。"))
    if period.kind != expected_kind or period.assessment_year_id != indicator.assessment_year_id:
        raise ValidationFailed(_("指标“%(code)s”的考核周期是%(cycle)s，不能在%(period)s录入得分。") % {
            "code": indicator.code, "cycle": indicator.cycle, "period": period.label})
    cell = assessing.CellInput(actual=actual_value, score="" if score is None else str(score), comment=comment,
                               evidence=evidence_ref)
    try:
        assessing.scores_save(user=user, period=period, cells={indicator.pk: cell}, reason=reason)
    except ValidationFailed as error:
        raise ValidationFailed(error.details[0][1] if error.details else error.message) from None
    return IndicatorScore.objects.filter(indicator=indicator, period=period).first()


def common_score_set(*, user, indicator: Indicator, person: Person, value: Decimal | None, comment: str = "",
                     evidence_ref: str = "", reason: str = "") -> CommonScore | None:
    """Enter a person's year-end common score, points or veto mark (DOMAIN.md §6)."""
    assessment_year = indicator.assessment_year
    _require(user, "office.manage", assessment_year)
    if indicator.category != "共同类" or indicator.children.exists():
        raise ValidationFailed(_("只有共同类末级指标按人录入年度得分。"))
    if person.position == "局领导" or person.organisation_id != assessment_year.organisation_id:
        raise ValidationFailed(_("局领导不参加部门考核，不录入共同类得分。"))
    with transaction.atomic():
        year_period = Period.objects.select_for_update().get(assessment_year=assessment_year, kind=PeriodKind.YEAR)
        _scorable(year_period)
        if value is not None:
            low, high = plan_rules.score_bounds(category=indicator.category, kind=indicator.kind,
                                                full_score=indicator.full_score, bonus_cap=indicator.bonus_cap)
            if indicator.kind == "否决" and value not in (Decimal("0"), Decimal("1")):
                raise ValidationFailed(_("否决指标只能填 0（未否决）或 1（否决）。"))
            if not low <= value <= high:
                raise ValidationFailed(_("指标“%(code)s”的得分须在 %(low)s 到 %(high)s 之间。") % {
                    "code": indicator.code, "low": audit.plain(low), "high": audit.plain(high)})
        existing = CommonScore.objects.select_for_update().filter(indicator=indicator, person=person).first()
        old = None if existing is None else {"value": audit.plain(existing.value)}
        if value is None:
            if existing is not None:
                existing.delete()
                audit.record("common_score.delete", actor=user, obj=indicator, old=old,
                             new={"person": person.staff_id}, reason=reason,
                             organisation_id=assessment_year.organisation_id)
            return None
        record = existing or CommonScore(indicator=indicator, person=person)
        record.value, record.comment, record.evidence_ref, record.entered_by = value, comment, evidence_ref, user
        record.save()
        if old != {"value": audit.plain(value)}:
            audit.record("common_score.set", actor=user, obj=indicator, old=old,
                         new={"person": person.staff_id, "value": audit.plain(value)}, reason=reason,
                         organisation_id=assessment_year.organisation_id)
    return record


class _BatchFailed(Exception):
    """Raised inside the batch's transaction so that none of its rows is kept."""


def save_all_or_nothing(rows: list[tuple[object, callable]]) -> dict[object, str]:
    """Run each row's save in one transaction; return {row key: Chinese message} for every row that
    failed, in which case nothing of the batch is kept (the score pages save a whole page)."""
    errors: dict[object, str] = {}
    try:
        with transaction.atomic():
            for key, save in rows:
                try:
                    save()
                except ApplicationError as error:
                    errors[key] = error.message
            if errors:
                raise _BatchFailed()
    except _BatchFailed:
        pass
    return errors
