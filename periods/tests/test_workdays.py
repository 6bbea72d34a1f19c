"""The publicity window on the official Chinese calendar (DOMAIN.md §8): table tests."""
from datetime import date

import pytest

from appraisal.workdays import calendar_knows, is_workday, publicity_end, window_over

D = date


@pytest.mark.parametrize("start, days, office, end", [
    # National Day 2025: 1–8 Oct off, Saturday 11 Oct a working day
    (D(2025, 9, 29), 5, {}, D(2025, 10, 13)),
    # New Year 2026: 1–3 Jan off, Sunday 4 Jan a working day
    (D(2025, 12, 29), 5, {}, D(2026, 1, 6)),
    # Spring Festival 2026: 15–23 Feb off, Saturday 14 and Saturday 28 Feb working days
    (D(2026, 2, 12), 5, {}, D(2026, 2, 26)),
    (D(2026, 2, 13), 3, {}, D(2026, 2, 25)),
    # an ordinary week: Friday → the next Friday
    (D(2025, 11, 7), 5, {}, D(2025, 11, 14)),
    (D(2025, 11, 7), 1, {}, D(2025, 11, 10)),
    # 2027, a year the package does not know: weekends only …
    (D(2027, 2, 1), 5, {}, D(2027, 2, 8)),
    # … unless the office's table says otherwise (Spring Festival 2027 entered by the office)
    (D(2027, 2, 1), 5, {D(2027, 2, 4): False, D(2027, 2, 5): False, D(2027, 2, 6): True}, D(2027, 2, 9)),
    # the office's table does not override a year the official calendar knows
    (D(2025, 9, 29), 5, {D(2025, 9, 30): False}, D(2025, 10, 13)),
])
def test_window_end(start, days, office, end):
    assert publicity_end(start, days, office) == end


@pytest.mark.parametrize("day, office, expected", [
    (D(2026, 1, 4), {}, True),  # adjusted working Sunday
    (D(2026, 1, 1), {}, False),  # New Year's Day
    (D(2027, 1, 1), {}, True),  # unknown year, a Friday, no office entry
    (D(2027, 1, 1), {D(2027, 1, 1): False}, False),
    (D(2027, 1, 2), {D(2027, 1, 2): True}, True),  # an adjusted working Saturday the office entered
    (D(2027, 1, 3), {}, False),
])
def test_is_workday(day, office, expected):
    assert is_workday(day, office) is expected


def test_calendar_knows_its_years():
    assert calendar_knows(2025) and calendar_knows(2026)
    assert not calendar_knows(2027)


@pytest.mark.parametrize("end, today, over", [
    (D(2025, 10, 13), D(2025, 10, 13), False),  # the last day is still inside the window
    (D(2025, 10, 13), D(2025, 10, 14), True),
    (None, D(2025, 10, 14), False),
])
def test_window_over(end, today, over):
    assert window_over(end, today) is over


def test_at_least_one_day():
    with pytest.raises(ValueError):
        publicity_end(D(2025, 1, 6), 0)
