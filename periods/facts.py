"""What the checklist of a period's move reads (``appraisal.period_guards``), gathered from the
apps above the core: a constant number of queries per move, whatever the size of the organisation.

Each provider fills plain values into the facts: lists of unmet items already named for the page
(department, indicator, person), dates. The checks themselves stay pure in the core.
"""
from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from appraisal.models import Department, Period, PeriodKind, PeriodState, Person
from indicators.models import Category, CommonScore, Indicator, IndicatorScore, Kind

MONTHLY_RECORD = "monthly_record"
CYCLE_OF = {PeriodKind.MONTH: "月度", PeriodKind.HALF: "半年"}
MAX_NAMED = 5


def last_month(period: Period) -> int:
    if period.kind == PeriodKind.MONTH:
        return period.number
    if period.kind == PeriodKind.HALF:
        return 6 * period.number
    if period.kind == PeriodKind.QUARTER:
        return 3 * period.number
    return 12


def filings(period: Period, to_state: str, facts: dict) -> None:
    """Scoring needs the period's filings closed: the monthly record of its last month is due."""
    if to_state != PeriodState.SCORING:
        return
    from tracelog import deadlines
    from tracelog.selectors import deadline_rules

    year = period.assessment_year.year
    facts["filings_due_at"] = deadlines.due_at(MONTHLY_RECORD, deadlines.month_key(year, last_month(period)),
                                               deadline_rules(period.assessment_year.organisation_id))


def _departments(period: Period) -> dict[int, Department]:
    return {d.pk: d for d in Department.objects.filter(organisation_id=period.assessment_year.organisation_id,
                                                       is_active=True)}


def _names(names: list[str]) -> str:
    shown = "、".join(names[:MAX_NAMED])
    return shown + ("等" if len(names) > MAX_NAMED else "")


def unscored(period: Period, to_state: str, facts: dict) -> None:
    """Publicity needs every leaf due in the period scored: the regular management and business
    leaves of the period's cycle; for the year, every department's common scores."""
    if to_state != PeriodState.PUBLICITY:
        return
    departments = _departments(period)
    items = []
    if period.kind in CYCLE_OF:
        leaves = list(Indicator.objects.filter(
            assessment_year_id=period.assessment_year_id, children__isnull=True, cycle=CYCLE_OF[period.kind],
            kind=Kind.REGULAR, category__in=[Category.MANAGEMENT, Category.BUSINESS], department_id__in=departments)
            .order_by("sort_order", "code").values_list("pk", "department_id", "name"))
        scored = set(IndicatorScore.objects.filter(period=period, indicator_id__in=[pk for pk, _d, _n in leaves])
                     .values_list("indicator_id", flat=True))
        missing = defaultdict(list)
        for pk, department_id, name in leaves:
            if pk not in scored:
                missing[department_id].append(name)
        due = {department_id for _pk, department_id, _n in leaves}
        if due and missing:
            items.append(_("%(done)s / %(total)s 个部门已全部评分") % {"done": len(due - set(missing)),
                                                                   "total": len(due)})
        for department in sorted(departments.values(), key=lambda d: (d.sort_order, d.code)):
            if department.pk in missing:
                names = missing[department.pk]
                items.append(_("%(department)s：%(n)s 项指标未评分（%(names)s）") % {
                    "department": department.name, "n": len(names), "names": _names(names)})
    elif period.kind == PeriodKind.YEAR:
        has_common = Indicator.objects.filter(assessment_year_id=period.assessment_year_id, children__isnull=True,
                                              category=Category.COMMON).exists()
        if has_common:
            scored = set(CommonScore.objects.filter(indicator__assessment_year_id=period.assessment_year_id)
                         .values_list("person__department_id", flat=True).distinct())
            staffed = set(Person.objects.filter(department_id__in=departments, is_active=True)
                          .exclude(position="局领导").values_list("department_id", flat=True).distinct())
            for department in sorted(departments.values(), key=lambda d: (d.sort_order, d.code)):
                if department.pk in staffed and department.pk not in scored:
                    items.append(_("%(department)s：共同类指标未评分") % {"department": department.name})
    facts["unscored"] = items


def ballots(period: Period, to_state: str, facts: dict) -> None:
    """Publicity needs the ballots closed: every member's workload grade of the month set by the
    head; the half's 360° evaluation held and closed. (Peer ballots close with 填报.)"""
    if to_state != PeriodState.PUBLICITY:
        return
    from django.utils import timezone

    from scoring.models import SatisfactionEvaluation, WorkloadGrade

    items = []
    if period.kind == PeriodKind.MONTH:
        departments = _departments(period)
        graded = set(WorkloadGrade.objects.filter(period=period).values_list("person_id", flat=True))
        lacking = defaultdict(int)
        for person_id, department_id in (Person.objects.filter(department_id__in=departments, is_active=True)
                                         .exclude(position="局领导").values_list("pk", "department_id")):
            if person_id not in graded:
                lacking[department_id] += 1
        for department in sorted(departments.values(), key=lambda d: (d.sort_order, d.code)):
            if lacking.get(department.pk):
                items.append(_("%(department)s：%(n)s 人未评定工作量等级") % {
                    "department": department.name, "n": lacking[department.pk]})
    elif period.kind == PeriodKind.HALF:
        evaluation = SatisfactionEvaluation.objects.filter(period=period).first()
        if evaluation is None:
            items.append(_("满意度测评尚未开展"))
        elif not evaluation.closed and evaluation.closes_at > timezone.now():
            items.append(_("满意度测评尚未结束（截止 %(at)s）") % {
                "at": f"{timezone.localtime(evaluation.closes_at):%Y-%m-%d %H:%M}"})
    facts.setdefault("ballots_open", []).extend(items)  # other apps (routine quarters) add theirs


def objections(period: Period, to_state: str, facts: dict) -> None:
    """Lock needs no open objection of the period."""
    if to_state != PeriodState.LOCKED:
        return
    from .models import Objection

    facts["open_objections"] = [
        _("%(name)s：%(figure)s（%(at)s 提出）") % {"name": o.person.name, "figure": o.get_figure_display(),
                                               "at": f"{o.created_at:%Y-%m-%d}"}
        for o in Objection.objects.filter(period=period, state=Objection.State.OPEN).select_related("person")]


PROVIDERS = [filings, unscored, ballots, objections]
