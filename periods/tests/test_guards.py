"""The checklist before a move (DOMAIN.md §8): the pure evaluation over facts (table), the facts
gathered from the database, and the refusal / override / lock order of the service."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from appraisal import period_guards
from appraisal import services as core
from appraisal.models import AuditEvent, Period, PeriodState
from appraisal.period_guards import Check, evaluate
from indicators.models import Indicator, IndicatorScore

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 29, 10, 0, tzinfo=SH)
OVERRIDE = {"override": True, "reason": "测试：越过检查清单"}


def failing(checklist) -> dict:
    return {r.code: list(r.problems) for r in checklist.unmet}


@pytest.mark.parametrize("to_state, facts, unmet", [
    (PeriodState.SCORING, {"filings_due_at": datetime(2025, 10, 1, tzinfo=SH), "now": NOW},
     {"filings_closed": ["填报截止时间未到：2025-10-01 00:00"]}),
    (PeriodState.SCORING, {"filings_due_at": datetime(2025, 9, 1, tzinfo=SH), "now": NOW}, {}),
    (PeriodState.PUBLICITY, {"unscored": ["0 / 22 个部门已全部评分", "办公室：3 项指标未评分（甲、乙、丙）"]},
     {"leaves_scored": ["0 / 22 个部门已全部评分", "办公室：3 项指标未评分（甲、乙、丙）"]}),
    (PeriodState.PUBLICITY, {"ballots_open": ["满意度测评尚未开展"]}, {"ballots_closed": ["满意度测评尚未开展"]}),
    (PeriodState.PUBLICITY, {}, {}),
    (PeriodState.LOCKED, {"publicity_ends_on": date(2025, 10, 13), "today": date(2025, 10, 13)},
     {"window_over": ["公示期至 2025-10-13 结束，尚未期满"]}),
    (PeriodState.LOCKED, {"publicity_ends_on": date(2025, 10, 13), "today": date(2025, 10, 14)}, {}),
    (PeriodState.LOCKED, {"publicity_ends_on": None}, {"window_over": ["公示期结束日期未知"]}),
    (PeriodState.LOCKED, {"publicity_ends_on": date(2025, 10, 13), "today": date(2025, 10, 14),
                          "open_objections": ["王科员：月度得分（2025-10-09 提出）"], "earlier_unlocked": ["11月"]},
     {"no_open_objection": ["王科员：月度得分（2025-10-09 提出）"], "lock_order": ["11月 尚未锁定"]}),
])
def test_checklist_table(to_state, facts, unmet):
    checklist = evaluate(facts, to_state)
    assert failing(checklist) == unmet
    assert checklist.ok is (not unmet)
    assert checklist.overridable is ("lock_order" not in unmet)


def test_checks_can_be_added_by_other_apps():
    extra = Check("leaves_approved", "请假已审批", PeriodState.PUBLICITY,
                  lambda facts: [f"{name}：请假未审批" for name in facts.get("unapproved_leaves", ())])
    checklist = evaluate({"unapproved_leaves": ["王科员"]}, PeriodState.PUBLICITY, [*period_guards.CHECKS, extra])
    assert failing(checklist) == {"leaves_approved": ["王科员：请假未审批"]}
    assert [r.code for r in checklist.results][-1] == "leaves_approved"


def month(year, number):
    return Period.objects.get(assessment_year=year, kind="month", number=number)


@pytest.fixture
def plan(world, year):
    leaf = Indicator.objects.create(assessment_year=year, code="B1", name="办文办公", category="业务类",
                                    department=world.department, full_score=Decimal("10"), cycle="月度")
    Indicator.objects.create(assessment_year=year, code="B2", name="信息报送", category="业务类",
                             department=world.other_department, full_score=Decimal("10"), cycle="月度")
    return leaf


@pytest.mark.django_db
def test_facts_name_every_unscored_department_and_missing_workload(world, year, plan):
    period = month(year, 3)
    with freeze_time(NOW):
        core.period_transition(user=world.users["office"], period=period, to_state=PeriodState.SCORING)
        IndicatorScore.objects.create(indicator=plan, period=period, score=Decimal("9"))
        checklist = period_guards.checklist(period, PeriodState.PUBLICITY)
    assert failing(checklist) == {
        "leaves_scored": ["1 / 2 个部门已全部评分", "登记处：1 项指标未评分（信息报送）"],
        "ballots_closed": ["办公室：3 人未评定工作量等级", "登记处：1 人未评定工作量等级"],
    }


@pytest.mark.django_db
def test_filings_of_the_month_must_be_due_before_scoring(world, year):
    with freeze_time(datetime(2025, 3, 31, 23, 0, tzinfo=SH)):
        with pytest.raises(core.GuardRefused) as refused:
            core.period_transition(user=world.users["office"], period=month(year, 3), to_state=PeriodState.SCORING)
    assert refused.value.checklist.unmet[0].problems == ("填报截止时间未到：2025-04-01 00:00",)
    with freeze_time(datetime(2025, 4, 1, 0, 0, tzinfo=SH)):
        core.period_transition(user=world.users["office"], period=month(year, 3), to_state=PeriodState.SCORING)


@pytest.mark.django_db
def test_override_needs_a_reason_and_is_audited_with_the_checklist(world, year, plan):
    office = world.users["office"]
    period = month(year, 3)
    with freeze_time(NOW):
        core.period_transition(user=office, period=period, to_state=PeriodState.SCORING)
        with pytest.raises(core.GuardRefused, match="检查清单有未满足的项目"):
            core.period_transition(user=office, period=period, to_state=PeriodState.PUBLICITY, override=True)
        core.period_transition(user=office, period=period, to_state=PeriodState.PUBLICITY, **OVERRIDE)
    event = AuditEvent.objects.filter(action="period.override").get()
    assert event.reason == OVERRIDE["reason"]
    checks = {c["check"]: c for c in event.new_value["checklist"]}
    assert checks["leaves_scored"]["ok"] is False
    assert "办公室：1 项指标未评分（办文办公）" in checks["leaves_scored"]["problems"]
    assert event.new_value["publicity_ends_on"] == "2025-10-13"
    period.refresh_from_db()
    assert (period.publicity_started_on, period.publicity_ends_on) == (date(2025, 9, 29), date(2025, 10, 13))


@pytest.mark.django_db
def test_no_reason_locks_a_month_while_an_earlier_one_is_open(world, year):
    office = world.users["office"]
    december = month(year, 12)
    with freeze_time(NOW):
        for state in (PeriodState.SCORING, PeriodState.PUBLICITY):
            core.period_transition(user=office, period=december, to_state=state, **OVERRIDE)
    with freeze_time(datetime(2025, 10, 20, tzinfo=SH)):
        with pytest.raises(core.GuardRefused, match="不可越过") as refused:
            core.period_transition(user=office, period=december, to_state=PeriodState.LOCKED, **OVERRIDE)
    problems = dict((r.code, r.problems) for r in refused.value.checklist.unmet)
    assert problems["lock_order"] == tuple(f"{n}月 尚未锁定" for n in range(1, 12))
    assert "window_over" not in problems
    december.refresh_from_db()
    assert december.state == PeriodState.PUBLICITY


@pytest.mark.django_db
def test_a_half_and_the_year_lock_after_their_months(world, year):
    periods = list(Period.objects.filter(assessment_year=year))
    half = next(p for p in periods if p.kind == "half" and p.number == 2)
    whole = next(p for p in periods if p.kind == "year")
    assert [p.label for p in period_guards.prerequisites(half, periods)] == (
        [f"{n}月" for n in range(1, 13)] + ["上半年"])
    assert len(period_guards.prerequisites(whole, periods)) == 14


@pytest.mark.django_db
def test_the_checklist_page_names_every_unmet_item(client, world, year, plan):
    client.force_login(world.users["office"])
    period = month(year, 3)
    with freeze_time(NOW):
        core.period_transition(user=world.users["office"], period=period, to_state=PeriodState.SCORING)
        page = client.get(f"/periods/{period.pk}/move/publicity/").content.decode()
        assert "办公室：1 项指标未评分（办文办公）" in page and "强制转入公示" in page
        response = client.post(f"/periods/{period.pk}/move/publicity/", {"to_state": "publicity", "reason": ""})
        assert "检查清单有未满足的项目" in response.content.decode()
        response = client.post(f"/periods/{period.pk}/move/publicity/",
                               {"to_state": "publicity", "reason": "局务会议决定先行公示", "override": "on"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.state == PeriodState.PUBLICITY
