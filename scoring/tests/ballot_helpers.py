"""Fixtures and helpers of the ballot tests (imported by test_ballots, test_ballot_views and
test_access): the shared ``world`` with a fourth member in its department, so that a ratee can
reach the three raters an aggregate needs, and an open 360° evaluation."""
from datetime import timedelta

import pytest
from django.utils import timezone

from appraisal.models import Period, PeriodState
from appraisal.tests.factories import PersonFactory, person_user
from scoring import ballots


@pytest.fixture
def fourth(world):
    """孙科员 (1004), a fourth member of 办公室 with an account "fourth"."""
    person = PersonFactory(department=world.department, staff_id="1004", name="孙科员")
    person_user(person, "fourth")
    return person


@pytest.fixture
def colleague_user(world):
    return person_user(world.colleague, "colleague")


def month(year, number: int = 1) -> Period:
    return Period.objects.select_related("assessment_year").get(assessment_year=year, kind="month", number=number)


def half(year, number: int = 1) -> Period:
    return Period.objects.select_related("assessment_year").get(assessment_year=year, kind="half", number=number)


def set_state(period: Period, state: str) -> Period:
    Period.objects.filter(pk=period.pk).update(state=state)
    period.refresh_from_db()
    return period


def close_month(period: Period) -> Period:
    return set_state(period, PeriodState.SCORING)


@pytest.fixture
def evaluation(world, year):
    return ballots.satisfaction_open(user=world.users["office"], period=half(year, 1),
                                     closes_at=timezone.now() + timedelta(days=7))


def all_departments_grades(world, grade: str = "良", *, without=None) -> dict[int, str]:
    departments = [world.department, world.other_department]
    return {d.pk: grade for d in departments if d != without}
