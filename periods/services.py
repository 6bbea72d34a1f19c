"""Objections during publicity, corrections through them, and the automatic lock (DOMAIN.md §8).

Every service runs in one transaction, checks access through ``appraisal.access`` and records its
audit event in that same transaction. Notices go to the people concerned in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal import services as core
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import Period, PeriodKind, PeriodState, Person, Role, RoleAssignment
from indicators import plan_rules
from indicators.models import Category, CommonScore, Indicator, IndicatorScore, Kind, ScoreStatus
from scoring.models import WORKLOAD_GRADES, AnnualResult, MonthlyResult, PersonHalfResult, WorkloadGrade
from tracelog.evidence import check as check_file
from tracelog.evidence import read_upload
from tracelog.models import Notification

from .models import FIGURES_OF_KIND, Figure, Objection

MIN_TEXT = 4
HALF_NAME = {1: "上半年", 2: "下半年"}


def _require(user, rule: str, obj=None) -> None:
    if user is not None and not access.can(user, rule, obj):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))


def notify(user_id: int | None, text: str, url: str = "", key: str = "") -> None:
    if user_id:
        if key and Notification.objects.filter(recipient_id=user_id, key=key).exists():
            return
        Notification.objects.create(recipient_id=user_id, text=text[:500], url=url[:200], key=key[:100])


def notify_office(organisation_id: int, text: str, url: str = "", key: str = "") -> None:
    for user_id in (RoleAssignment.objects.filter(role=Role.OFFICE, organisation_id=organisation_id)
                    .values_list("user_id", flat=True).distinct()):
        notify(user_id, text, url, key)


# ---------------------------------------------------------------- the figures of a person

def published_figures(period: Period, person: Person) -> dict[str, str]:
    """The person's figures of the period as published (figure → text), for the objection form."""
    def text(value) -> str:
        return "—" if value is None or value == "" else (format(value, "f") if isinstance(value, Decimal)
                                                         else str(value))

    year = period.assessment_year_id
    if period.kind == PeriodKind.MONTH:
        row = MonthlyResult.objects.filter(assessment_year_id=year, person=person, month=period.number).first()
        return {} if row is None else {Figure.MONTHLY_SCORE: text(row.monthly_score),
                                       Figure.MONTHLY_GRADE: text(row.monthly_grade),
                                       Figure.WORKLOAD: text(row.workload_coefficient)}
    if period.kind == PeriodKind.HALF:
        row = PersonHalfResult.objects.filter(assessment_year_id=year, person=person,
                                              half=HALF_NAME[period.number]).first()
        return {} if row is None else {Figure.HALF_SCORE: text(row.half_score)}
    row = AnnualResult.objects.filter(assessment_year_id=year, person=person).first()
    return {} if row is None else {Figure.ANNUAL_SCORE: text(row.annual_score), Figure.ANNUAL_GRADE: text(row.grade),
                                   Figure.BONUS: text(row.bonus_coefficient)}


# ---------------------------------------------------------------- filing an objection

def objection_file(*, user, period: Period, figure: str, reason: str, evidence_text: str = "",
                   upload=None) -> Objection:
    """A person objects to an own published figure while the period is in publicity."""
    person = Person.objects.filter(user=user, is_active=True).select_related("department").first()
    if person is None or not access.can(user, "staff.self"):
        raise PermissionDeniedError(_("只有本人可以对自己的成绩提出异议。"))
    reason, evidence_text = (reason or "").strip(), (evidence_text or "").strip()
    problems = []
    if figure not in FIGURES_OF_KIND.get(period.kind, ()):
        problems.append(("figure", _("请选择本周期的一项成绩。")))
    if len(reason) < MIN_TEXT:
        problems.append(("reason", _("请写明异议理由（至少 4 个字）。")))
    if upload is None and len(evidence_text) < MIN_TEXT:
        problems.append(("evidence_text", _("请上传佐证材料或写明佐证说明（至少 4 个字）。")))
    checked = content = None
    if upload is not None:
        try:
            content = read_upload(upload)
            checked = check_file(upload.name, content)
        except ValidationFailed as error:
            problems.append(("evidence_file", error.message))
    if problems:
        raise ValidationFailed(_("异议未提交，请按提示修改。"), details=problems)
    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("assessment_year").get(pk=period.pk)
        if period.assessment_year.organisation_id != person.organisation_id:
            raise PermissionDeniedError(_("您没有执行此操作的权限。"))
        if period.state != PeriodState.PUBLICITY:
            raise StateError(_("只能在公示期内提出异议；%(label)s 当前处于“%(state)s”状态。") % {
                "label": period.label, "state": PeriodState(period.state).label})
        figures = published_figures(period, person)
        if figure not in figures:
            raise ValidationFailed(_("您在%(label)s没有这项公示成绩。") % {"label": period.label})
        if Objection.objects.filter(period=period, person=person, figure=figure, state=Objection.State.OPEN).exists():
            raise ValidationFailed(_("您对这项成绩的异议尚在处理中。"))
        objection = Objection(period=period, person=person, figure=figure, published_value=figures[figure],
                              reason=reason, evidence_text=evidence_text)
        if checked is not None:
            from django.core.files.base import ContentFile

            objection.evidence_file.save(checked.name, ContentFile(content), save=False)
            objection.evidence_name, objection.evidence_content_type = checked.name, checked.content_type
        objection.save()
        audit.record("objection.file", actor=user, obj=objection, organisation_id=person.organisation_id,
                     new={"period": str(period), "figure": figure, "published": figures[figure],
                          "evidence": objection.evidence_name}, reason=reason)
        notify_office(person.organisation_id, _("%(name)s对%(period)s的%(figure)s（%(value)s）提出异议，请处理。") % {
            "name": person.name, "period": str(period), "figure": objection.get_figure_display(),
            "value": figures[figure]}, url=f"/periods/objections/{objection.pk}/")
        head = person.department.head if person.department_id else None
        if head is not None and head.user_id and head.pk != person.pk:
            notify(head.user_id, _("本部门%(name)s对%(period)s的%(figure)s提出异议。") % {
                "name": person.name, "period": str(period), "figure": objection.get_figure_display()},
                url=f"/periods/objections/{objection.pk}/")
    return objection


# ---------------------------------------------------------------- the figure's inputs and corrections

@dataclass(frozen=True)
class Input:
    key: str  # "score:<indicator id>", "workload", "common:<indicator id>"
    label: str
    value: str
    choices: tuple[str, ...] = ()


def inputs_of(objection: Objection) -> list[Input]:
    """The inputs of the objected figure the office may correct: the leaf scores of the person's
    department in the period (with the person's weight), the workload grade of the month, the
    person's common scores of the year. Peer ballots are not inputs anyone opens."""
    period, person = objection.period, objection.person
    out: list[Input] = []
    if period.kind in (PeriodKind.MONTH, PeriodKind.HALF):
        cycle = "月度" if period.kind == PeriodKind.MONTH else "半年"
        leaves = (Indicator.objects.filter(assessment_year_id=period.assessment_year_id,
                                           department_id=person.department_id, cycle=cycle, children__isnull=True,
                                           category__in=[Category.MANAGEMENT, Category.BUSINESS])
                  .order_by("sort_order", "code"))
        scores = dict(IndicatorScore.objects.filter(period=period, indicator__in=leaves)
                      .values_list("indicator_id", "score"))
        weights = dict(person.responsibility_weights.filter(indicator__in=leaves).values_list("indicator_id", "weight"))
        for leaf in leaves:
            weight = weights.get(leaf.pk)
            label = _("%(code)s %(name)s（分值 %(full)s，本人比重 %(weight)s）") % {
                "code": leaf.code, "name": leaf.name, "full": audit.plain(leaf.full_score),
                "weight": f"{audit.plain(weight)}%" if weight is not None else "—"}
            value = scores.get(leaf.pk)
            out.append(Input(f"score:{leaf.pk}", label, "—" if value is None else audit.plain(value)))
        if period.kind == PeriodKind.MONTH:
            grade = WorkloadGrade.objects.filter(period=period, person=person).values_list("grade", flat=True).first()
            out.append(Input("workload", _("工作量等级"), grade or _("未评定（系数 1.00）"),
                             tuple(g for g, _label in WORKLOAD_GRADES)))
    else:
        commons = (Indicator.objects.filter(assessment_year_id=period.assessment_year_id, category=Category.COMMON,
                                            children__isnull=True).order_by("sort_order", "code"))
        values = dict(CommonScore.objects.filter(person=person, indicator__in=commons)
                      .values_list("indicator_id", "value"))
        for leaf in commons:
            value = values.get(leaf.pk)
            out.append(Input(f"common:{leaf.pk}", f"{leaf.code} {leaf.name}（{leaf.kind}）",
                             "—" if value is None else audit.plain(value)))
    return out


def _correct(user, objection: Objection, key: str, raw: str, reason: str) -> dict:
    """Write one corrected input (whatever the period's state: the objection is the authority)."""
    period, person = objection.period, objection.person
    raw = (raw or "").strip()
    if key == "workload":
        if raw not in {g for g, _label in WORKLOAD_GRADES}:
            raise ValidationFailed(_("工作量等级无效：%(grade)s") % {"grade": raw})
        row = WorkloadGrade.objects.select_for_update().filter(period=period, person=person).first()
        old = row.grade if row else None
        if row is None:
            WorkloadGrade.objects.create(period=period, person=person, grade=raw, published=True, set_by=user)
        else:
            row.grade, row.set_by = raw, user
            row.save(update_fields=["grade", "set_by", "updated_at"])
        audit.record("workload.correct", actor=user, obj=person, old={"period": period.label, "grade": old},
                     new={"period": period.label, "grade": raw}, reason=reason,
                     organisation_id=person.organisation_id)
        return {"input": _("工作量等级"), "old": old or "—", "new": raw}
    kind, _sep, pk = key.partition(":")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationFailed(_("更正值“%(raw)s”不是有效的数字。") % {"raw": raw}) from None
    if not value.is_finite():
        raise ValidationFailed(_("更正值“%(raw)s”不是有效的数字。") % {"raw": raw})
    value = value.quantize(Decimal("0.01"))
    allowed = {i.key for i in inputs_of(objection)}
    if key not in allowed:
        raise ValidationFailed(_("请选择要更正的输入项。"))
    indicator = Indicator.objects.get(pk=int(pk))
    low, high = plan_rules.score_bounds(category=indicator.category, kind=indicator.kind,
                                        full_score=indicator.full_score or Decimal(0), bonus_cap=indicator.bonus_cap)
    if indicator.category == Category.COMMON and indicator.kind == Kind.REGULAR:
        high = indicator.full_score or Decimal(0)
    if not low <= value <= high:
        raise ValidationFailed(_("指标“%(code)s”的得分须在 %(low)s 到 %(high)s 之间。") % {
            "code": indicator.code, "low": audit.plain(low), "high": audit.plain(high)})
    if kind == "score":
        row = IndicatorScore.objects.select_for_update().filter(indicator=indicator, period=period).first()
        old = None if row is None else row.score
        if row is None:
            IndicatorScore.objects.create(indicator=indicator, period=period, score=value, entered_by=user,
                                          comment=reason[:500])
        else:
            # the objection is the authority: the corrected score counts at once
            row.score, row.entered_by, row.status = value, user, ScoreStatus.APPROVED
            row.save(update_fields=["score", "entered_by", "entered_at", "status"])
        action = "indicator_score.correct"
    else:
        row = CommonScore.objects.select_for_update().filter(indicator=indicator, person=person).first()
        old = None if row is None else row.value
        if row is None:
            CommonScore.objects.create(indicator=indicator, person=person, value=value, entered_by=user)
        else:
            row.value, row.entered_by = value, user
            row.save(update_fields=["value", "entered_by", "entered_at"])
        action = "common_score.correct"
    audit.record(action, actor=user, obj=indicator, organisation_id=person.organisation_id,
                 old={"period": period.label, "person": person.staff_id, "score": audit.plain(old)},
                 new={"period": period.label, "person": person.staff_id, "score": audit.plain(value)}, reason=reason)
    return {"input": f"{indicator.code} {indicator.name}", "old": audit.plain(old) if old is not None else "—",
            "new": audit.plain(value)}


def _open(objection: Objection) -> Objection:
    objection = (Objection.objects.select_for_update(of=("self",))
                 .select_related("period__assessment_year", "person__department")
                 .get(pk=objection.pk))
    if objection.state != Objection.State.OPEN:
        raise StateError(_("这条异议已处理。"))
    return objection


def objection_accept(*, user, objection: Objection, input_key: str, new_value: str, answer: str = "") -> Objection:
    """Accept: correct one input with the objection as the reason, recompute that period only,
    tell the person old → new (and everybody else whose figure of the period moved)."""
    from scoring.services import year_compute

    _require(user, "office.manage", objection.period.assessment_year)
    with transaction.atomic():
        objection = _open(objection)
        period = objection.period
        if period.state not in (PeriodState.PUBLICITY, PeriodState.LOCKED):
            raise StateError(_("%(label)s 已不在公示期，异议不能再按公示成绩处理。") % {"label": period.label})
        reason = _("采纳异议（%(name)s，%(figure)s）：%(reason)s") % {
            "name": objection.person.name, "figure": objection.get_figure_display(), "reason": objection.reason}
        correction = _correct(user, objection, input_key, new_value, reason[:1000])
        before = published_figures(period, objection.person)
        year_compute(assessment_year=period.assessment_year, user=user, only=(period.kind, period.number),
                     reason=reason[:1000])
        after = published_figures(period, objection.person)
        objection.state, objection.answer = Objection.State.ACCEPTED, (answer or "").strip()
        objection.decided_at, objection.decided_by = timezone.now(), user
        objection.changes = [correction] + [
            {"figure": str(Figure(f).label), "old": before.get(f, "—"), "new": after.get(f, "—")}
            for f in FIGURES_OF_KIND[period.kind] if before.get(f) != after.get(f)]
        objection.save(update_fields=["state", "answer", "decided_at", "decided_by", "changes"])
        audit.record("objection.accept", actor=user, obj=objection, organisation_id=objection.person.organisation_id,
                     old={"state": "open", **{f: v for f, v in before.items()}},
                     new={"state": "accepted", "correction": correction, **{f: v for f, v in after.items()}},
                     reason=objection.answer or reason)
        figure_line = _("%(figure)s %(old)s → %(new)s") % {
            "figure": objection.get_figure_display(), "old": before.get(objection.figure, "—"),
            "new": after.get(objection.figure, "—")}
        notify(objection.person.user_id, _("您对%(period)s%(figure)s的异议已采纳：%(line)s。%(answer)s") % {
            "period": str(period), "figure": objection.get_figure_display(), "line": figure_line,
            "answer": objection.answer}, url=f"/periods/objections/{objection.pk}/")
    return objection


def objection_reject(*, user, objection: Objection, answer: str) -> Objection:
    _require(user, "office.manage", objection.period.assessment_year)
    answer = (answer or "").strip()
    if len(answer) < MIN_TEXT:
        raise ValidationFailed(_("不采纳异议须写明答复（至少 4 个字）。"), details=[("answer", _("请写明答复。"))])
    with transaction.atomic():
        objection = _open(objection)
        objection.state, objection.answer = Objection.State.REJECTED, answer
        objection.decided_at, objection.decided_by = timezone.now(), user
        objection.save(update_fields=["state", "answer", "decided_at", "decided_by"])
        audit.record("objection.reject", actor=user, obj=objection, organisation_id=objection.person.organisation_id,
                     old={"state": "open"}, new={"state": "rejected"}, reason=answer)
        notify(objection.person.user_id, _("您对%(period)s%(figure)s的异议未被采纳。答复：%(answer)s") % {
            "period": str(objection.period), "figure": objection.get_figure_display(), "answer": answer},
            url=f"/periods/objections/{objection.pk}/")
    return objection


# ---------------------------------------------------------------- the automatic lock

@dataclass(frozen=True)
class AutolockReport:
    locked: list[str]
    waiting: list[str]


def autolock_due(*, now=None) -> AutolockReport:
    """Lock every period whose publicity window is over, when its checklist allows (no open
    objection, earlier periods locked); tell the office either way, once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    locked, waiting = [], []
    due = (Period.objects.filter(state=PeriodState.PUBLICITY, publicity_ends_on__lt=today)
           .select_related("assessment_year__organisation").order_by("assessment_year__year", "kind", "number"))
    # months first, then halves, then the year: a half can lock in the same run as its last month
    order = {PeriodKind.MONTH: 0, PeriodKind.HALF: 1, PeriodKind.YEAR: 2}
    for period in sorted(due, key=lambda p: (p.assessment_year_id, order.get(p.kind, 9), p.number)):
        organisation_id = period.assessment_year.organisation_id
        try:
            core.period_transition(user=None, period=period, to_state=PeriodState.LOCKED, now=now)
        except core.GuardRefused as refused:
            waiting.append(str(period))
            items = "；".join(p for r in refused.checklist.unmet for p in r.problems)
            notify_office(organisation_id, _("%(period)s 公示期已满，但暂不能自动锁定：%(items)s") % {
                "period": str(period), "items": items}, url=f"/years/{period.assessment_year_id}/",
                key=f"autolock-wait:{period.pk}:{today.isoformat()}")
        else:
            locked.append(str(period))
            notify_office(organisation_id, _("%(period)s 公示期（至 %(end)s）已满且无未处理异议，已自动锁定。") % {
                "period": str(period), "end": f"{period.publicity_ends_on:%Y-%m-%d}"},
                url=f"/years/{period.assessment_year_id}/", key=f"autolock:{period.pk}:{now:%Y%m%d%H%M%S}")
    return AutolockReport(locked, waiting)


# ---------------------------------------------------------------- history (DOMAIN.md §7.3, §8)

def history_record(assessment_year) -> tuple[int, int]:
    """When a year locks: its grades become each person's grade history, its department ranks the
    departments' history (replacing what was there for that year)."""
    from rewards.models import GradeHistory
    from scoring.models import AnnualResult, DepartmentAnnualResult

    from rewards.models import DepartmentHistory

    year = assessment_year.year
    grades = list(AnnualResult.objects.filter(assessment_year=assessment_year).values_list("person_id", "grade"))
    GradeHistory.objects.filter(person_id__in=[p for p, _g in grades], year=year).delete()
    GradeHistory.objects.bulk_create([GradeHistory(person_id=p, year=year, grade=g) for p, g in grades if g])
    standings = list(DepartmentAnnualResult.objects.filter(assessment_year=assessment_year)
                     .values_list("department_id", "annual_score", "overall_rank"))
    ranked = sum(1 for _d, _s, rank in standings if rank is not None)
    DepartmentHistory.objects.filter(department_id__in=[d for d, _s, _r in standings], year=year).delete()
    DepartmentHistory.objects.bulk_create([DepartmentHistory(department_id=d, year=year, annual_score=score,
                                                             overall_rank=rank, ranked=ranked)
                                           for d, score, rank in standings])
    audit.record("history.record", obj=assessment_year, organisation_id=assessment_year.organisation_id,
                 new={"year": year, "grades": len(grades), "departments": len(standings)})
    return len(grades), len(standings)


def on_period_state_changed(sender, *, period, old_state, new_state, user=None, **kwargs) -> None:
    if period.kind == PeriodKind.YEAR and new_state == PeriodState.LOCKED:
        history_record(period.assessment_year)


def grade_history_set(*, user, person: Person, year: int, grade: str, reason: str = "") -> None:
    """The office enters an earlier year's grade (before the product kept the years)."""
    from rewards.models import ANNUAL_GRADES, GradeHistory

    _require(user, "office.manage", person)
    if grade not in {g for g, _label in ANNUAL_GRADES}:
        raise ValidationFailed(_("等次无效：%(grade)s") % {"grade": grade}, details=[("grade", _("请选择等次。"))])
    if not 1990 <= int(year) <= timezone.localdate().year:
        raise ValidationFailed(_("年度无效：%(year)s") % {"year": year}, details=[("year", _("请填写以往年度。"))])
    if Period.objects.filter(assessment_year__organisation_id=person.organisation_id, assessment_year__year=year,
                             kind=PeriodKind.YEAR, state=PeriodState.LOCKED).exists():
        raise StateError(_("%(year)s 年度已在本系统锁定，其等次来自锁定的结果，不能在此修改。") % {"year": year})
    with transaction.atomic():
        row = GradeHistory.objects.select_for_update().filter(person=person, year=year).first()
        old = row.grade if row else None
        if row is None:
            GradeHistory.objects.create(person=person, year=year, grade=grade)
        elif row.grade != grade:
            row.grade = grade
            row.save(update_fields=["grade"])
        if old != grade:
            audit.record("history.grade", actor=user, obj=person, organisation_id=person.organisation_id,
                         old={"year": year, "grade": old}, new={"year": year, "grade": grade}, reason=reason)


def department_history_set(*, user, department, year: int, overall_rank: int | None, ranked: int,
                           annual_score=None) -> None:
    """The office enters an earlier year's standing of a department (for the §7.3 multi-year rules)."""
    from rewards.models import DepartmentHistory

    _require(user, "office.manage", department)
    problems = []
    if not 1990 <= int(year) <= timezone.localdate().year:
        problems.append(("year", _("请填写以往年度。")))
    if ranked < 1 or (overall_rank is not None and not 1 <= overall_rank <= ranked):
        problems.append(("overall_rank", _("排名应在 1 到参加排名的部门数之间。")))
    if problems:
        raise ValidationFailed(_("未保存，请修改后重试。"), details=problems)
    if Period.objects.filter(assessment_year__organisation_id=department.organisation_id,
                             assessment_year__year=year, kind=PeriodKind.YEAR, state=PeriodState.LOCKED).exists():
        raise StateError(_("%(year)s 年度已在本系统锁定，其排名来自锁定的结果，不能在此修改。") % {"year": year})
    with transaction.atomic():
        row, created = DepartmentHistory.objects.select_for_update().get_or_create(
            department=department, year=year, defaults={"overall_rank": overall_rank, "ranked": ranked,
                                                        "annual_score": annual_score})
        old = None if created else {"rank": row.overall_rank, "ranked": row.ranked,
                                    "score": audit.plain(row.annual_score)}
        row.overall_rank, row.ranked, row.annual_score = overall_rank, ranked, annual_score
        row.save()
        audit.record("history.department", actor=user, obj=department, organisation_id=department.organisation_id,
                     old=old, new={"year": year, "rank": overall_rank, "ranked": ranked,
                                   "score": audit.plain(annual_score)})
