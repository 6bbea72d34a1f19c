"""When trace-log filings are due, how late a filing is, and which are missing (DOMAIN.md §4.1).

Pure functions: plain values in, plain values out; no ORM, no settings, no clock (``now`` is
always an argument). Times are aware datetimes; deadlines are computed in Asia/Shanghai.

Slots. Every person owes four kinds of filing:
- 周计划 weekly plan and 周小结 weekly summary per ISO week, keyed ``"2026-W47"``;
- 月计划 monthly plan (the plan *for next month*, filed in this month) and 月纪实 monthly record
  (of this month), keyed by the month they are filed in and due at, ``"2026-11"``.

Which month a week belongs to (for the period lock and the monthly statistics): the month that
contains the week's Thursday. It is the ISO 8601 rule for years carried down to months, so a week
is never split: Monday 29 Sep – Sunday 5 Oct 2025 (Thursday 2 Oct) belongs to October, and
Monday 29 Dec 2025 – Sunday 4 Jan 2026 (ISO 2026-W01, Thursday 1 Jan) belongs to January 2026.
Each month therefore has as many weeks as Thursdays: four or five.

Default deadlines (the office changes them per organisation): weekly plan Monday 12:00, weekly
summary Friday 18:00, monthly plan and record the last day of the month 24:00 (= 00:00 of the
first day of the next month), each monthly one optionally with grace days after that.
A filing exactly at its deadline is on time.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

WEEKLY_PLAN = "weekly_plan"
WEEKLY_SUMMARY = "weekly_summary"
MONTHLY_PLAN = "monthly_plan"
MONTHLY_RECORD = "monthly_record"
WEEKLY_KINDS = (WEEKLY_PLAN, WEEKLY_SUMMARY)
MONTHLY_KINDS = (MONTHLY_PLAN, MONTHLY_RECORD)
KINDS = (*WEEKLY_KINDS, *MONTHLY_KINDS)


@dataclass(frozen=True)
class DeadlineRules:
    """An organisation's deadline settings. Weekdays are ISO (1 = Monday … 7 = Sunday)."""

    weekly_plan_weekday: int = 1
    weekly_plan_time: time = time(12, 0)
    weekly_summary_weekday: int = 5
    weekly_summary_time: time = time(18, 0)
    monthly_plan_grace_days: int = 0
    monthly_record_grace_days: int = 0
    # the day the organisation started trace logs (go-live): nothing due before it is owed. A
    # deadline at 00:00 of that day is "24:00 of the day before" and is not owed either.
    tracking_start: date | None = None

    def owes(self, due: datetime) -> bool:
        return self.tracking_start is None or due > datetime.combine(self.tracking_start, time(0), tzinfo=SHANGHAI)


DEFAULT_RULES = DeadlineRules()


@dataclass(frozen=True, order=True)
class Slot:
    """One filing a person owes: its kind, its key, the month it belongs to and when it is due."""

    due_at: datetime
    kind: str
    key: str
    year: int  # the month it belongs to (period lock, statistics)
    month: int

    @property
    def is_weekly(self) -> bool:
        return self.kind in WEEKLY_KINDS

    @property
    def week(self) -> tuple[int, int] | None:
        return parse_week_key(self.key) if self.is_weekly else None


@dataclass(frozen=True)
class Missing:
    person_id: int
    slot: Slot
    overdue_by: timedelta


# ---------------------------------------------------------------- keys

def week_key(iso_year: int, iso_week: int) -> str:
    date.fromisocalendar(iso_year, iso_week, 1)  # raises ValueError for a week that does not exist
    return f"{iso_year}-W{iso_week:02d}"


def month_key(year: int, month: int) -> str:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month}")
    return f"{year}-{month:02d}"


def parse_week_key(key: str) -> tuple[int, int]:
    year_text, _, week_text = key.partition("-W")
    iso_year, iso_week = int(year_text), int(week_text)
    week_key(iso_year, iso_week)
    return iso_year, iso_week


def parse_month_key(key: str) -> tuple[int, int]:
    year_text, _, month_text = key.partition("-")
    if len(month_text) != 2 or not month_text.isdigit():
        raise ValueError(key)
    year, month = int(year_text), int(month_text)
    month_key(year, month)
    return year, month


def is_valid_key(kind: str, key: str) -> bool:
    try:
        (parse_week_key if kind in WEEKLY_KINDS else parse_month_key)(key)
    except (ValueError, TypeError):
        return False
    return kind in KINDS


def week_dates(iso_year: int, iso_week: int) -> tuple[date, date]:
    """Monday and Sunday of an ISO week."""
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    return monday, monday + timedelta(days=6)


def month_of_week(iso_year: int, iso_week: int) -> tuple[int, int]:
    """The (year, month) a week belongs to: the one containing its Thursday."""
    thursday = date.fromisocalendar(iso_year, iso_week, 4)
    return thursday.year, thursday.month


def weeks_of_month(year: int, month: int) -> list[tuple[int, int]]:
    """The ISO weeks that belong to a month, in order: one per Thursday of the month."""
    first = date(year, month, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    weeks = []
    day = first_thursday
    while day.month == month:
        iso = day.isocalendar()
        weeks.append((iso.year, iso.week))
        day += timedelta(days=7)
    return weeks


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


# ---------------------------------------------------------------- deadlines

def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=SHANGHAI)


def due_at(kind: str, key: str, rules: DeadlineRules = DEFAULT_RULES) -> datetime:
    """The deadline of one filing."""
    if kind == WEEKLY_PLAN:
        iso_year, iso_week = parse_week_key(key)
        return _at(date.fromisocalendar(iso_year, iso_week, rules.weekly_plan_weekday), rules.weekly_plan_time)
    if kind == WEEKLY_SUMMARY:
        iso_year, iso_week = parse_week_key(key)
        return _at(date.fromisocalendar(iso_year, iso_week, rules.weekly_summary_weekday),
                   rules.weekly_summary_time)
    if kind in MONTHLY_KINDS:
        year, month = parse_month_key(key)
        # "the last day of the month 24:00" is the first instant of the next month
        first_of_next = date(*next_month(year, month), 1)
        grace = rules.monthly_plan_grace_days if kind == MONTHLY_PLAN else rules.monthly_record_grace_days
        return _at(first_of_next + timedelta(days=grace), time(0, 0))
    raise ValueError(f"unknown kind {kind!r}")


def belongs_to(kind: str, key: str) -> tuple[int, int]:
    """The (year, month) a filing belongs to: its period lock and its statistics month."""
    if kind in WEEKLY_KINDS:
        return month_of_week(*parse_week_key(key))
    return parse_month_key(key)


def slot(kind: str, key: str, rules: DeadlineRules = DEFAULT_RULES) -> Slot:
    year, month = belongs_to(kind, key)
    return Slot(due_at=due_at(kind, key, rules), kind=kind, key=key, year=year, month=month)


def slots_of_month(year: int, month: int, rules: DeadlineRules = DEFAULT_RULES) -> list[Slot]:
    """Every filing owed that belongs to a month, ordered by deadline."""
    slots = [slot(kind, week_key(*week), rules) for week in weeks_of_month(year, month) for kind in WEEKLY_KINDS]
    slots += [slot(kind, month_key(year, month), rules) for kind in MONTHLY_KINDS]
    return sorted(s for s in slots if rules.owes(s.due_at))


def slots_between(start: datetime, end: datetime, rules: DeadlineRules = DEFAULT_RULES) -> list[Slot]:
    """Filings due in the half-open interval (start, end], ordered by deadline."""
    if end <= start:
        return []
    first = start.astimezone(SHANGHAI).date()
    # A filing belonging to month m is due at the latest a few days into m+1 (monthly grace days,
    # or a week whose Thursday is in m but whose Friday … is in m+1), so start one month earlier.
    year, month = previous_month(first.year, first.month)
    last = end.astimezone(SHANGHAI).date()
    found = []
    while (year, month) <= (last.year, last.month):
        found += [s for s in slots_of_month(year, month, rules) if start < s.due_at <= end]
        year, month = next_month(year, month)
    return sorted(found)


def current_key(kind: str, now: datetime) -> str:
    """The key a person means by "this week's …" or "this month's …" at ``now``."""
    today = now.astimezone(SHANGHAI).date()
    if kind in WEEKLY_KINDS:
        iso = today.isocalendar()
        return week_key(iso.year, iso.week)
    return month_key(today.year, today.month)


def fileable_keys(kind: str, now: datetime, *, back_weeks: int = 8, back_months: int = 3) -> list[str]:
    """Keys a person may file for at ``now``, newest first: recent past periods (late filing),
    the current one and, for the weekly plan, next week's (planning ahead)."""
    today = now.astimezone(SHANGHAI).date()
    if kind in WEEKLY_KINDS:
        monday = today - timedelta(days=today.weekday())
        ahead = 1 if kind == WEEKLY_PLAN else 0
        keys = []
        for offset in range(ahead, -back_weeks - 1, -1):
            iso = (monday + timedelta(weeks=offset)).isocalendar()
            keys.append(week_key(iso.year, iso.week))
        return keys
    if kind in MONTHLY_KINDS:
        keys = []
        year, month = today.year, today.month
        for _ in range(back_months + 1):
            keys.append(month_key(year, month))
            year, month = previous_month(year, month)
        return keys
    raise ValueError(f"unknown kind {kind!r}")


# ---------------------------------------------------------------- lateness and missing filings

def lateness(due: datetime, filed: datetime | None) -> timedelta | None:
    """How late a filing was; None when on time (or not filed)."""
    if filed is None or filed <= due:
        return None
    return filed - due


def missing_filings(*, person_ids: Iterable[int], slots: Iterable[Slot],
                    filed: Collection[tuple[int, str, str]], now: datetime) -> list[Missing]:
    """Filings whose deadline has passed at ``now`` and that a person has not filed, ordered by
    person and deadline. At the deadline instant itself nothing is missing yet (a filing at the
    deadline is on time).

    ``filed`` holds ``(person_id, kind, key)`` of every filing submitted at least once (a draft
    is not a filing; a returned entry was filed).
    """
    due = sorted(s for s in slots if s.due_at < now)
    filed = set(filed)
    return [Missing(person_id, s, now - s.due_at)
            for person_id in sorted(set(person_ids)) for s in due if (person_id, s.kind, s.key) not in filed]


@dataclass(frozen=True)
class FilingCount:
    """Per person (or department) and month: filings owed so far, filed, and filed on time."""

    due: int = 0
    filed: int = 0
    on_time: int = 0

    def __add__(self, other: FilingCount) -> FilingCount:
        return FilingCount(self.due + other.due, self.filed + other.filed, self.on_time + other.on_time)

    @property
    def late(self) -> int:
        return self.filed - self.on_time

    @property
    def missing(self) -> int:
        return self.due - self.filed


def filing_counts(*, person_ids: Iterable[int], slots: Iterable[Slot],
                  filed: dict[tuple[int, str, str], bool], now: datetime) -> dict[tuple[int, int, int], FilingCount]:
    """Counts per ``(person_id, year, month)`` over the slots whose deadline has passed at ``now``.

    ``filed`` maps ``(person_id, kind, key)`` of each filing to whether it was on time. A filing
    counts only against a slot that is due; one filed early for a slot whose deadline is still
    ahead is not counted yet (the rates are over what was owed so far).
    """
    due = [s for s in slots if s.due_at < now]
    counts: dict[tuple[int, int, int], FilingCount] = {}
    for person_id in set(person_ids):
        for s in due:
            on_time = filed.get((person_id, s.kind, s.key))
            key = (person_id, s.year, s.month)
            counts[key] = counts.get(key, FilingCount()) + FilingCount(
                due=1, filed=0 if on_time is None else 1, on_time=1 if on_time else 0)
    return counts
