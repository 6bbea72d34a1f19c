"""Working days on the official Chinese calendar and the publicity window (DOMAIN.md §8).

Pure: dates in, dates out; no ORM, no clock. The official calendar comes from the
``chinese-calendar`` package, which knows the State Council's public holidays and adjusted working
days (调休上班) up to its latest year. For a year it does not know yet, a day is a working day when
it is Monday–Friday, unless the office's own table (``office_days``: date → is a working day) says
otherwise — the office enters the new year's holidays there once the State Council publishes them.

The window: publicity lasts ``days`` working days *after* the day the period entered publicity;
it ends at the end of the last of them. Entered Monday 2025-09-29 with 5 days: 30 Sep, 9, 10, 11
(an adjusted working Saturday) and 13 Oct → ends 2025-10-13.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar

# A window never needs more than this many calendar days to find its working days (the longest
# holiday is 9 days); the bound only guards against an office table that marks everything off.
_MAX_SPAN = 366


def calendar_knows(year: int) -> bool:
    """Whether the official calendar package holds the year's holidays."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date, office_days: Mapping[date, bool] | None = None) -> bool:
    """A working day on the official calendar; for a year the package does not know, weekdays
    are working days unless the office's table says otherwise."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if office_days and day in office_days:
            return office_days[day]
        return day.weekday() < 5


def publicity_end(start: date, days: int, office_days: Mapping[date, bool] | None = None) -> date:
    """The last day of a publicity window of ``days`` working days after ``start``."""
    if days < 1:
        raise ValueError("publicity lasts at least one working day")
    day, counted = start, 0
    for _ in range(_MAX_SPAN):
        day += timedelta(days=1)
        if is_workday(day, office_days):
            counted += 1
            if counted == days:
                return day
    raise ValueError("no working days in the calendar table")


def window_over(end: date | None, today: date) -> bool:
    """The window is over once its last day has passed."""
    return end is not None and today > end
