"""The demo's 绩效之窗 history and warnings (rewards/demo.py) on a small organisation: a leaderboard for
every day of the year so far, ranks that move, and warnings in several states."""
import datetime
from collections import Counter
from decimal import Decimal

import pytest

from rewards.demo import load_demo_results
from rewards.models import LeaderboardDay, PreWarning
from rewards.tests.builders import build


@pytest.mark.django_db
def test_demo_keeps_a_year_of_days_and_warnings_in_several_states():
    months = tuple(range(1, 10))
    built = build("DM", departments=6, leaves=2, months=months, published=months,
                  rate=lambda d, c, m: Decimal(60 + (d * 7 + m * 5) % 40))
    load_demo_results(built.year)
    days = LeaderboardDay.objects.filter(assessment_year=built.year).values("day").distinct().count()
    assert days == 365 if datetime.date.today().year > 2025 else days >= 1
    ranks = {rank for rank in LeaderboardDay.objects.filter(department=built.departments[0])
             .values_list("overall_rank", flat=True)}
    assert len(ranks - {None}) > 1  # the ranks move over the year
    states = Counter(PreWarning.objects.filter(assessment_year=built.year).values_list("state", flat=True))
    assert {"closed", "answered", "issued"} <= set(states), states
    assert set(PreWarning.objects.values_list("month", flat=True)) == {4, 8}
