"""The demo's 绩效之窗 history and pre-appraisal warnings: a leaderboard for every day of the year so far
(as the nightly job would have kept it, with each month published on the first day of the next) and
the warnings of the pre-appraisal months already past, in several states."""
from __future__ import annotations

import datetime

from django.utils import timezone

from appraisal.models import AssessmentYear, PeriodKind, PeriodState
from appraisal.models import Period

from . import leaderboard, prewarnings, publication
from .models import PreWarning, WarningState

PLANS = [
    "一是召开专题会议查找差距；二是明确专人负责，每周通报进度；三是月底前补齐欠账。",
    "对照考核标准逐项梳理，建立问题清单和整改台账，按周跟踪，确保按期完成。",
    "分析扣分原因，完善工作流程，加强与相关处室的协调配合。",
]


def _published_on(day: datetime.date, year: int, current: publication.Published) -> publication.Published:
    """What had been published by ``day``: month m from the first day of month m+1 (公示中 for a week),
    the first half from August; never more than is published now."""
    months, in_publicity = set(), set()
    for m in current.months:
        start = datetime.date(year + (m == 12), m % 12 + 1, 1)
        if day >= start:
            months.add(m)
            if day < start + datetime.timedelta(days=7) or current.is_in_publicity(PeriodKind.MONTH, m):
                in_publicity.add((PeriodKind.MONTH, m))
    halves = {h for h in current.halves if day >= datetime.date(year + (h == 2), 8 if h == 1 else 1, 1)}
    return publication.Published(frozenset(months), frozenset(halves), False, frozenset(in_publicity))


def load_demo_results(assessment_year: AssessmentYear) -> None:
    today = timezone.localdate()
    current = publication.published(assessment_year)
    start = datetime.date(assessment_year.year, 1, 1)
    end = min(today, datetime.date(assessment_year.year, 12, 31))
    days = []
    day = start
    while day < end:
        days.append((day, _published_on(day, assessment_year.year, current)))
        day += datetime.timedelta(days=1)
    days.append((end, current))
    leaderboard.backfill(assessment_year, days)
    _warnings(assessment_year, today)


def _warnings(assessment_year: AssessmentYear, today: datetime.date) -> None:
    settings = prewarnings.settings_of(assessment_year)
    done = set(Period.objects.filter(assessment_year=assessment_year, kind=PeriodKind.MONTH).exclude(
        state=PeriodState.OPEN).values_list("number", flat=True))
    past = [m for m in settings.months if m in done]
    for index, month in enumerate(past):
        prewarnings.warnings_run(user=None, assessment_year=assessment_year, month=month)
        rows = list(PreWarning.objects.filter(assessment_year=assessment_year, month=month)
                    .select_related("assessment_year", "department").order_by("department__sort_order", "id"))
        latest = index == len(past) - 1
        # the latest month: about two thirds issued, the rest still waiting for the office's review
        to_issue = rows if not latest else [w for i, w in enumerate(rows) if i % 3 != 2]
        if not to_issue:
            continue
        prewarnings.issue(user=None, warnings=to_issue, answer_due=today + datetime.timedelta(days=10),
                          note="请对照指标要求认真分析原因，按期反馈整改措施。")
        for i, w in enumerate(to_issue):
            if w.department.code == "YW01" and latest:
                continue  # the demo head has one to answer
            if latest and i % 4 == 3:
                # never answered, past the answer date: overdue
                PreWarning.objects.filter(pk=w.pk).update(answer_due=today - datetime.timedelta(days=3))
                continue
            prewarnings.answer(user=None, warning=w, rectification=PLANS[i % len(PLANS)],
                               rectify_by=today + datetime.timedelta(days=20 + i % 10))
            if not latest or i % 4 == 0:
                prewarnings.follow_up(user=None, warning=w, close=True,
                                      text="回头看：整改措施已落实，相关指标得分率明显回升。")
        # issued months ago: move the dates back to when they happened
        if not latest:
            issued = datetime.datetime(assessment_year.year, month + 1, 8, 10, tzinfo=datetime.timezone.utc)
            PreWarning.objects.filter(assessment_year=assessment_year, month=month).exclude(
                state=WarningState.DRAFT).update(issued_at=issued,
                                                 answer_due=issued.date() + datetime.timedelta(days=10))


def demo_step_window(*, organisation, assessment_year) -> None:
    load_demo_results(assessment_year)
