"""Deadlines, week-to-month belonging, lateness and missing filings: pure tables, no database.

Calendar facts used below (checked by test_calendar_facts): 2025-09-29, 2025-12-29, 2026-10-26,
2026-11-16 and 2026-12-28 are Mondays; 2026 has 53 ISO weeks (1 January 2026 is a Thursday).
"""
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

import pytest

from tracelog import deadlines, labels
from tracelog.deadlines import (
    MONTHLY_PLAN, MONTHLY_RECORD, SHANGHAI, WEEKLY_PLAN, WEEKLY_SUMMARY, DeadlineRules, FilingCount,
)


def at(text: str) -> datetime:
    """A Beijing time written as offices write it: '2026-11-16 12:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_calendar_facts():
    for monday in ("2025-09-29", "2025-12-29", "2026-10-26", "2026-11-16", "2026-12-28"):
        assert date.fromisoformat(monday).weekday() == 0
    assert date(2026, 12, 31).isocalendar()[:2] == (2026, 53)
    assert date(2026, 1, 1).weekday() == 3


@pytest.mark.parametrize("kind, key, due", [
    # the defaults: weekly plan Monday 12:00, weekly summary Friday 18:00, monthly the last day 24:00
    (WEEKLY_PLAN, "2026-W47", "2026-11-16 12:00"),
    (WEEKLY_SUMMARY, "2026-W47", "2026-11-20 18:00"),
    (MONTHLY_RECORD, "2026-11", "2026-12-01 00:00"),
    (MONTHLY_PLAN, "2026-11", "2026-12-01 00:00"),
    (MONTHLY_RECORD, "2026-02", "2026-03-01 00:00"),  # February, 28 days
    (MONTHLY_RECORD, "2028-02", "2028-03-01 00:00"),  # leap year
    # a week spanning September and October: the plan is due in September
    (WEEKLY_PLAN, "2025-W40", "2025-09-29 12:00"),
    (WEEKLY_SUMMARY, "2025-W40", "2025-10-03 18:00"),
    # year end: the plan of ISO week 2026-W01 is due in 2025; the summary of 2026-W53 in 2027
    (WEEKLY_PLAN, "2026-W01", "2025-12-29 12:00"),
    (WEEKLY_SUMMARY, "2026-W53", "2027-01-01 18:00"),
    (MONTHLY_PLAN, "2026-12", "2027-01-01 00:00"),
    (MONTHLY_RECORD, "2026-12", "2027-01-01 00:00"),
])
def test_default_deadlines(kind, key, due):
    assert deadlines.due_at(kind, key) == at(due)


CUSTOM = DeadlineRules(weekly_plan_weekday=1, weekly_plan_time=time(9, 0), weekly_summary_weekday=7,
                       weekly_summary_time=time(20, 0), monthly_plan_grace_days=2, monthly_record_grace_days=5)


@pytest.mark.parametrize("kind, key, due", [
    (WEEKLY_PLAN, "2026-W47", "2026-11-16 09:00"),
    (WEEKLY_SUMMARY, "2026-W47", "2026-11-22 20:00"),
    (WEEKLY_SUMMARY, "2026-W44", "2026-11-01 20:00"),  # a Sunday in November, for an October week
    (MONTHLY_PLAN, "2026-11", "2026-12-03 00:00"),  # 2 days after the month: 2 December 24:00
    (MONTHLY_RECORD, "2026-12", "2027-01-06 00:00"),
])
def test_deadlines_follow_the_organisation_settings(kind, key, due):
    assert deadlines.due_at(kind, key, CUSTOM) == at(due)


@pytest.mark.parametrize("key, month", [
    ("2026-W47", (2026, 11)),
    ("2025-W40", (2025, 10)),  # Mon 29 Sep – Sun 5 Oct 2025, Thursday 2 Oct: October
    ("2026-W44", (2026, 10)),  # Mon 26 Oct – Sun 1 Nov 2026, Thursday 29 Oct: October
    ("2026-W40", (2026, 10)),  # Mon 28 Sep – Sun 4 Oct 2026, Thursday 1 Oct: October
    ("2026-W01", (2026, 1)),  # Mon 29 Dec 2025 – Sun 4 Jan 2026, Thursday 1 Jan: January 2026
    ("2026-W53", (2026, 12)),  # Mon 28 Dec 2026 – Sun 3 Jan 2027, Thursday 31 Dec: December 2026
    ("2027-W01", (2027, 1)),  # Mon 4 Jan 2027
])
def test_a_week_belongs_to_the_month_of_its_thursday(key, month):
    assert deadlines.belongs_to(WEEKLY_PLAN, key) == month
    assert deadlines.belongs_to(WEEKLY_SUMMARY, key) == month


@pytest.mark.parametrize("year, month, weeks", [
    (2025, 9, [36, 37, 38, 39]),  # 29 Sep belongs to October
    (2025, 10, [40, 41, 42, 43, 44]),
    (2026, 1, [1, 2, 3, 4, 5]),
    (2026, 11, [45, 46, 47, 48]),
    (2026, 12, [49, 50, 51, 52, 53]),
    (2027, 1, [1, 2, 3, 4]),
])
def test_weeks_of_a_month(year, month, weeks):
    found = deadlines.weeks_of_month(year, month)
    assert [week for _, week in found] == weeks
    assert all(deadlines.month_of_week(*week) == (year, month) for week in found)


def test_every_week_belongs_to_exactly_one_month():
    weeks = [w for year in (2025, 2026, 2027) for month in range(1, 13) for w in deadlines.weeks_of_month(year, month)]
    assert len(weeks) == len(set(weeks)) == 52 + 53 + 52


def test_slots_of_a_month_are_its_weeks_and_two_monthly_filings():
    slots = deadlines.slots_of_month(2026, 12)
    assert len(slots) == 5 * 2 + 2
    assert slots == sorted(slots)
    assert {(s.year, s.month) for s in slots} == {(2026, 12)}
    assert slots[-1].due_at == at("2027-01-01 18:00")  # the summary of 2026-W53 comes last


@pytest.mark.parametrize("start, end, rules, expected", [
    ("2026-11-20 17:00", "2026-11-21 18:00", deadlines.DEFAULT_RULES, [(WEEKLY_SUMMARY, "2026-W47")]),
    ("2026-11-30 12:00", "2026-12-01 01:00", deadlines.DEFAULT_RULES,  # W49 plan is due at the start
     [(MONTHLY_PLAN, "2026-11"), (MONTHLY_RECORD, "2026-11")]),
    # (start, end]: a deadline equal to the start is not in it, one equal to the end is
    ("2026-11-16 12:00", "2026-11-20 18:00", deadlines.DEFAULT_RULES, [(WEEKLY_SUMMARY, "2026-W47")]),
    # a slot of October due in November (Sunday summary of an October week), and grace days
    ("2026-11-01 00:00", "2026-11-02 09:00", CUSTOM, [(WEEKLY_SUMMARY, "2026-W44"), (WEEKLY_PLAN, "2026-W45")]),
    ("2026-12-05 00:00", "2026-12-06 00:00", CUSTOM, [(MONTHLY_RECORD, "2026-11")]),  # 5 grace days
    ("2027-01-05 12:00", "2027-01-06 00:00", CUSTOM, [(MONTHLY_RECORD, "2026-12")]),
    ("2026-12-31 00:00", "2027-01-02 00:00", deadlines.DEFAULT_RULES,
     [(MONTHLY_PLAN, "2026-12"), (MONTHLY_RECORD, "2026-12"), (WEEKLY_SUMMARY, "2026-W53")]),
])
def test_slots_between(start, end, rules, expected):
    found = deadlines.slots_between(at(start), at(end), rules)
    assert [(s.kind, s.key) for s in found] == expected


@pytest.mark.parametrize("moment, weekly, monthly", [
    ("2026-11-21 10:00", "2026-W47", "2026-11"),
    ("2027-01-03 23:00", "2026-W53", "2027-01"),
    ("2025-12-31 09:00", "2026-W01", "2025-12"),
])
def test_current_keys(moment, weekly, monthly):
    assert deadlines.current_key(WEEKLY_PLAN, at(moment)) == weekly
    assert deadlines.current_key(MONTHLY_RECORD, at(moment)) == monthly


def test_current_key_is_taken_in_beijing_time():
    # 16:30 UTC on 31 December is 00:30 on 1 January in Beijing
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=dt_timezone.utc)
    assert deadlines.current_key(MONTHLY_RECORD, moment) == "2027-01"


def test_fileable_keys_across_the_year_end():
    now = at("2027-01-06 10:00")
    plans = deadlines.fileable_keys(WEEKLY_PLAN, now)
    assert plans[:4] == ["2027-W02", "2027-W01", "2026-W53", "2026-W52"]
    assert len(plans) == 10
    assert deadlines.fileable_keys(WEEKLY_SUMMARY, now)[0] == "2027-W01"
    assert deadlines.fileable_keys(MONTHLY_RECORD, now) == ["2027-01", "2026-12", "2026-11", "2026-10"]


@pytest.mark.parametrize("due, filed, late", [
    ("2026-11-16 12:00", None, None),
    ("2026-11-16 12:00", "2026-11-16 11:59", None),
    ("2026-11-16 12:00", "2026-11-16 12:00", None),  # at the deadline: on time
    ("2026-11-16 12:00", "2026-11-17 15:30", timedelta(days=1, hours=3, minutes=30)),
    ("2026-12-01 00:00", "2026-12-01 00:01", timedelta(minutes=1)),
])
def test_lateness(due, filed, late):
    assert deadlines.lateness(at(due), at(filed) if filed else None) == late


@pytest.mark.parametrize("delta, text", [
    (timedelta(seconds=20), "逾期 不足1分钟"),
    (timedelta(minutes=45), "逾期 45分钟"),
    (timedelta(hours=3, minutes=5), "逾期 3小时5分钟"),
    (timedelta(days=1, hours=3, minutes=30), "逾期 1天3小时"),
    (timedelta(days=2), "逾期 2天"),
])
def test_lateness_reads_in_chinese(delta, text):
    assert labels.lateness_label(delta) == text


def _missing(now, filed, slots):
    found = deadlines.missing_filings(person_ids=[1, 2], slots=slots, filed=filed, now=at(now))
    return [(m.person_id, m.slot.kind, m.slot.key) for m in found]


NOVEMBER = deadlines.slots_of_month(2026, 11)
DECEMBER = deadlines.slots_of_month(2026, 12)
OCTOBER_2025 = deadlines.slots_of_month(2025, 10)


@pytest.mark.parametrize("now, filed, slots, expected", [
    # before, at and after the deadline of this week's plan
    ("2026-11-16 11:59", set(), NOVEMBER[4:5], []),
    ("2026-11-16 12:00", set(), NOVEMBER[4:5], []),
    ("2026-11-16 12:01", {(1, WEEKLY_PLAN, "2026-W47")}, NOVEMBER[4:5], [(2, WEEKLY_PLAN, "2026-W47")]),
    # the week spanning two months: at 12:01 on Monday 29 September its plan is missing,
    # although the week belongs to October
    ("2025-09-29 12:01", {(1, WEEKLY_PLAN, "2025-W40")}, OCTOBER_2025, [(2, WEEKLY_PLAN, "2025-W40")]),
    # month end: the monthly filings are missing only after 24:00 of the last day
    ("2026-12-01 00:00", {(p, k, key) for p in (1, 2) for k in deadlines.WEEKLY_KINDS
                          for key in ("2026-W45", "2026-W46", "2026-W47", "2026-W48")}, NOVEMBER, []),
    ("2026-12-01 00:00:01", {(p, k, key) for p in (1, 2) for k in deadlines.WEEKLY_KINDS
                             for key in ("2026-W45", "2026-W46", "2026-W47", "2026-W48")}
     | {(1, MONTHLY_PLAN, "2026-11"), (1, MONTHLY_RECORD, "2026-11")}, NOVEMBER,
     [(2, MONTHLY_PLAN, "2026-11"), (2, MONTHLY_RECORD, "2026-11")]),
    # year end: just after midnight the December monthly filings are missing; the summary of
    # 2026-W53 (Friday 1 January 18:00) is not yet
    ("2027-01-01 00:00:01", {(p, k, f"2026-W{w}") for p in (1, 2) for k in deadlines.WEEKLY_KINDS
                             for w in range(49, 53)} | {(p, WEEKLY_PLAN, "2026-W53") for p in (1, 2)}, DECEMBER,
     [(1, MONTHLY_PLAN, "2026-12"), (1, MONTHLY_RECORD, "2026-12"),
      (2, MONTHLY_PLAN, "2026-12"), (2, MONTHLY_RECORD, "2026-12")]),
    ("2027-01-01 18:01", {(p, k, f"2026-W{w}") for p in (1, 2) for k in deadlines.WEEKLY_KINDS
                          for w in range(49, 54)}
     | {(p, k, "2026-12") for p in (1, 2) for k in deadlines.MONTHLY_KINDS}, DECEMBER, []),
])
def test_missing_filings(now, filed, slots, expected):
    assert NOVEMBER[4].key == "2026-W47" and NOVEMBER[4].kind == WEEKLY_PLAN
    assert _missing(now, filed, slots) == expected


def test_missing_filings_report_how_late():
    found = deadlines.missing_filings(person_ids=[7], slots=NOVEMBER, filed=set(), now=at("2026-11-18 12:00"))
    assert [(m.slot.key, m.slot.kind, m.overdue_by) for m in found] == [
        ("2026-W45", WEEKLY_PLAN, timedelta(days=16)),
        ("2026-W45", WEEKLY_SUMMARY, timedelta(days=11, hours=18)),
        ("2026-W46", WEEKLY_PLAN, timedelta(days=9)),
        ("2026-W46", WEEKLY_SUMMARY, timedelta(days=4, hours=18)),
        ("2026-W47", WEEKLY_PLAN, timedelta(days=2)),
    ]


def test_filing_counts_per_person_and_month():
    filed = {
        (1, WEEKLY_PLAN, "2026-W47"): True,
        (1, WEEKLY_SUMMARY, "2026-W47"): False,  # filed late
        (2, WEEKLY_PLAN, "2026-W47"): True,
        (2, WEEKLY_PLAN, "2026-W48"): True,  # filed early, not yet due: not counted
        (1, WEEKLY_PLAN, "2026-W40"): True,  # October (W40 = 28 Sep – 4 Oct 2026)
    }
    slots = [s for month in (9, 10, 11) for s in deadlines.slots_of_month(2026, month)]
    counts = deadlines.filing_counts(person_ids=[1, 2], slots=slots, filed=filed, now=at("2026-11-21 09:00"))
    # due by Saturday 21 November: the plans and summaries of weeks 45–47
    assert counts[(1, 2026, 11)] == FilingCount(due=6, filed=2, on_time=1)
    assert counts[(2, 2026, 11)] == FilingCount(due=6, filed=1, on_time=1)
    assert counts[(1, 2026, 10)] == FilingCount(due=12, filed=1, on_time=1)
    assert counts[(1, 2026, 9)].due == 10  # four weeks and two monthly filings
    total = counts[(1, 2026, 11)] + counts[(2, 2026, 11)]
    assert (total.due, total.filed, total.on_time, total.late, total.missing) == (12, 3, 2, 1, 9)


@pytest.mark.parametrize("kind, key", [(WEEKLY_PLAN, "2025-W53"), (WEEKLY_PLAN, "2026-47"), (MONTHLY_RECORD, "2026-13"),
                                       (MONTHLY_RECORD, "2026-W47"), ("other", "2026-11"), (MONTHLY_PLAN, "26-1")])
def test_invalid_keys(kind, key):
    assert not deadlines.is_valid_key(kind, key)


@pytest.mark.parametrize("kind, key, text", [
    (WEEKLY_PLAN, "2026-W47", "2026年第47周（11月16日—11月22日）周计划"),
    (WEEKLY_SUMMARY, "2026-W53", "2026年第53周（12月28日—1月3日）周小结"),
    (MONTHLY_RECORD, "2026-11", "2026年11月月纪实"),
    (MONTHLY_PLAN, "2026-12", "2027年1月月计划"),  # filed in December, for January
])
def test_titles_read_as_offices_write_them(kind, key, text):
    assert labels.slot_title(kind, key) == text


@pytest.mark.parametrize("moment, text", [
    ("2026-11-21 09:05", "2026年11月21日 09:05"),
    ("2026-12-01 00:00", "2026年11月30日 24:00"),
])
def test_chinese_datetimes(moment, text):
    assert labels.cn_datetime(at(moment)) == text


def test_nothing_due_before_the_tracking_start_is_owed():
    rules = DeadlineRules(tracking_start=date(2026, 11, 16))
    slots = deadlines.slots_of_month(2026, 11, rules)
    # week 47's plan is due at 12:00 on the start day itself: it is owed
    assert [(s.kind, s.key) for s in slots] == [
        (WEEKLY_PLAN, "2026-W47"), (WEEKLY_SUMMARY, "2026-W47"), (WEEKLY_PLAN, "2026-W48"),
        (WEEKLY_SUMMARY, "2026-W48"), (MONTHLY_PLAN, "2026-11"), (MONTHLY_RECORD, "2026-11")]
    assert deadlines.slots_of_month(2026, 10, rules) == []
    # October's monthly filings are due "31 October 24:00": not owed from a start on 1 November
    assert deadlines.slots_of_month(2026, 10, DeadlineRules(tracking_start=date(2026, 11, 1))) == []
    found = deadlines.missing_filings(person_ids=[1], slots=slots, filed=set(), now=at("2026-11-17 09:00"))
    assert [(m.slot.kind, m.slot.key) for m in found] == [(WEEKLY_PLAN, "2026-W47")]
