"""The home page's dashboard per role (DOMAIN.md §9, issue 10 item 6):
- leaders: top and bottom departments of 绩效之窗, open and overdue warnings, periods in publicity,
  the trend of the organisation's monthly average;
- heads: the department's standing, members' missing filings, open warnings;
- staff: the own latest monthly score and grade (and the annual grade once published), this week's and
  month's filing deadlines, the department's 绩效之窗 position;
- the office: the pipeline's last run, periods by state, queues (warnings to issue, to follow up).
Each part runs a fixed number of queries whatever the organisation's size."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg
from django.utils import timezone

from appraisal import access, formats
from django.utils.translation import gettext

from appraisal.models import AssessmentYear, Period, PeriodKind, PeriodState, Person
from scoring.models import AnnualResult, MonthlyResult, ScoringJob
from scoring.rules import round_half_up

from . import prewarnings, publication
from . import window as window_service
from .models import PreWarning, WarningState


@dataclass
class Dashboard:
    year: AssessmentYear
    roles: set[str] = field(default_factory=set)
    window: window_service.Window | None = None
    top: list = field(default_factory=list)
    bottom: list = field(default_factory=list)
    mine: object | None = None  # the viewer's department's WindowRow
    warning_counts: dict | None = None
    warnings: list = field(default_factory=list)
    publicity: list = field(default_factory=list)
    periods_by_state: dict = field(default_factory=dict)
    trend: dict | None = None
    trend_rows: list = field(default_factory=list)
    latest_month: MonthlyResult | None = None
    annual: AnnualResult | None = None
    filings: dict | None = None
    missing: list = field(default_factory=list)
    job: ScoringJob | None = None
    queues: dict = field(default_factory=dict)
    objections: list = field(default_factory=list)


def build(user, year: AssessmentYear) -> Dashboard | None:
    actor = access.actor_for(user)
    roles = set()
    if access.can(user, "office.manage", year):
        roles.add("office")
    if access.can(user, "office.or_leader", year) and "office" not in roles:
        roles.add("leader")
    if actor.headed_department_ids:
        roles.add("head")
    if access.can(user, "staff.self") and actor.person_id:
        roles.add("staff")
    if not roles:
        return None
    board = Dashboard(year, roles)
    board.window = window_service.window(year)
    rows = board.window.rows
    ranked = [r for r in rows if r.rank is not None]
    own = set(actor.headed_department_ids) | ({actor.department_id} if actor.department_id else set())
    board.mine = next((r for r in rows if r.department.pk in own), None)
    if roles & {"office", "leader"}:
        board.top, board.bottom = ranked[:3], list(reversed(ranked[-3:])) if len(ranked) > 3 else []
        warnings = list(PreWarning.objects.filter(assessment_year=year).only("state", "answer_due", "rectify_by"))
        board.warning_counts = prewarnings.counts(warnings)
        board.queues = {"draft": sum(1 for w in warnings if w.state == WarningState.DRAFT),
                        "answered": sum(1 for w in warnings if w.state == WarningState.ANSWERED)}
        periods = list(Period.objects.filter(assessment_year=year).order_by("kind", "number"))
        board.publicity = [p for p in periods if p.state == PeriodState.PUBLICITY]
        for p in periods:
            board.periods_by_state.setdefault(p.get_state_display(), []).append(p.label)
        _trend(board, year)
    if "office" in roles:
        board.job = ScoringJob.objects.filter(assessment_year=year, kind=ScoringJob.Kind.COMPUTE).order_by("-id").first()
        objections = _open_objections(year)
        if objections is not None:
            board.queues["objections"] = objections.count()
    if "head" in roles:
        board.warnings = list(PreWarning.objects.filter(
            assessment_year=year, department_id__in=actor.headed_department_ids,
            state__in=(WarningState.ISSUED, WarningState.ANSWERED)).select_related("indicator", "department"))
        today = timezone.localdate()
        for w in board.warnings:
            w.overdue = w.overdue_on(today)
        _missing_filings(board, year, actor)
        objections = _open_objections(year)
        if objections is not None:
            board.objections = list(objections.filter(person__department_id__in=actor.headed_department_ids)
                                    .select_related("person", "period")[:20])
    if "staff" in roles:
        shown = publication.published(year)
        board.latest_month = (MonthlyResult.objects.filter(assessment_year=year, person_id=actor.person_id,
                                                           month__in=sorted(shown.months)).order_by("-month").first())
        if board.latest_month is not None:
            board.latest_month.explain_key = f"m{board.latest_month.month}"
            board.latest_month.in_publicity = shown.is_in_publicity(PeriodKind.MONTH, board.latest_month.month)
        if shown.year:
            board.annual = AnnualResult.objects.filter(assessment_year=year, person_id=actor.person_id).first()
        _deadlines(board, actor)
    return board


def _open_objections(year: AssessmentYear):
    """Open objections (异议) of the year, where the periods app that keeps them is installed."""
    from django.apps import apps

    if not apps.is_installed("periods"):
        return None
    objection = apps.get_model("periods", "Objection")
    return objection.objects.filter(state="open", period__assessment_year=year)


def _trend(board: Dashboard, year: AssessmentYear) -> None:
    """The organisation's mean monthly score per published month (one aggregate)."""
    shown = publication.published(year)
    values = {m: round_half_up(Decimal(v)) for m, v in MonthlyResult.objects.filter(
        assessment_year=year, month__in=sorted(shown.months)).values_list("month").annotate(
        v=Avg("monthly_score")).order_by().values_list("month", "v") if v is not None}
    if values:
        months = sorted(values)
        board.trend_rows = [(m, values[m]) for m in months]
        board.trend = {"kind": "line", "x": [formats.month_name(m) for m in months], "y_name": gettext("分"), "labels": True,
                       "series": [{"name": gettext("全局月度平均得分"), "data": [float(values[m]) for m in months]}]}


def _missing_filings(board: Dashboard, year: AssessmentYear, actor) -> None:
    from appraisal.models import Department
    from tracelog.selectors import missing_for

    now = timezone.now()
    departments = list(Department.objects.filter(pk__in=actor.headed_department_ids).select_related("organisation"))
    if not departments:
        return
    today = timezone.localdate()
    rows = missing_for(departments[0].organisation, departments, today.year, today.month, now)
    if today.month > 1:
        rows += missing_for(departments[0].organisation, departments, today.year, today.month - 1, now)
    by_person: dict[int, list] = {}
    for row in rows:
        by_person.setdefault(row.person.pk, [row.person, 0])[1] += 1
    board.missing = sorted(by_person.values(), key=lambda item: (-item[1], item[0].staff_id))


def _deadlines(board: Dashboard, actor) -> None:
    from tracelog.selectors import deadline_rules, own_dashboard

    person = Person.objects.select_related("organisation").get(pk=actor.person_id)
    board.filings = own_dashboard(person, timezone.now(), deadline_rules(person.organisation_id))
