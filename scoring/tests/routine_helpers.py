"""A year in routine mode over the shared ``world``: quarters, and enough colleagues of one category to pass
the anonymity floor of peer evaluations."""
import itertools
from decimal import Decimal

from appraisal import services as core
from appraisal.models import Period, PeriodKind
from appraisal.tests.factories import PersonFactory, person_user


def routine_year(world, year):
    values = {**year.scheme.as_decimals(), "routine.enabled": Decimal(1)}
    core.scheme_update(user=world.users["office"], scheme=year.scheme, values=values)
    return year


def quarter(year, number=1):
    return Period.objects.get(assessment_year=year, kind=PeriodKind.QUARTER, number=number)


_COUNTER = itertools.count()


def colleagues(world, n=3, category=""):
    """``n`` more civil servants of the head's department (with accounts), the same category."""
    people = []
    for index in (next(_COUNTER) for _ in range(n)):
        person = PersonFactory(department=world.department, staff_id=f"15{index:03d}", name=f"孙科员{index}",
                               category=category)
        people.append((person, person_user(person, f"peer{index}")))
    return people
