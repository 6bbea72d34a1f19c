"""The loader counts the democratic evaluation in the database (per month and ratee, the number of
each grade) over exactly the raters the engine counts: the figures are those the engine computes
from the ballots themselves, with raters outside the count (a 局领导, an inactive department, an
inactive person) among them."""
import dataclasses

import pytest

from appraisal.models import AssessmentYear, Department, Period, Person, Position
from scoring.engine import compute_year
from scoring.loader import load_year
from scoring.models import PeerRating
from scoring.yeardata import PEER_GRADES
from tests.public_scenarios import input_path
from tests.test_year_workbook import run


@pytest.fixture
def year(db):
    code, _out, err = run("import_workbook", str(input_path("small-11")))
    assert code == 0, err
    return AssessmentYear.objects.select_related("organisation").get(organisation__code="ORG11", year=2025)


def ballots(year):
    return list(PeerRating.objects.filter(period__assessment_year=year, period__kind="month")
                .values_list("period__number", "rater__staff_id", "ratee__staff_id", "grade"))


def test_tallies_count_what_the_engine_counts_from_the_ballots(year):
    raters = list(Person.objects.filter(pk__in=PeerRating.objects.filter(period__assessment_year=year)
                                        .values("rater_id")).values_list("pk", "department_id").order_by("pk"))
    first = raters[0][1]
    same = [pk for pk, department in raters if department == first]
    other = next(department for _pk, department in raters if department != first)
    # ballots across departments, so that a rater's department closing matters to the other's ratees
    january = Period.objects.get(assessment_year=year, kind="month", number=1)
    for pk, department in raters:
        if department == other:
            for ratee in same[2:]:
                PeerRating.objects.get_or_create(period=january, rater_id=pk, ratee_id=ratee, defaults={"grade": "差"})
    # in the first department one rater becomes a 局领导 and one leaves; another department closes
    Person.objects.filter(pk=same[0]).update(position=Position.LEADER)
    Person.objects.filter(pk=same[1]).update(is_active=False)
    Department.objects.filter(pk=other, organisation=year.organisation).update(is_active=False)

    data = load_year(year)
    counted = sum(sum(tally) for tally in data.peer_tallies.values())
    assert data.peer_ratings == [] and 0 < counted < len(ballots(year))  # some ballots are not counted
    assert all(len(tally) == len(PEER_GRADES) for tally in data.peer_tallies.values())
    from_ballots = dataclasses.replace(data, peer_tallies={}, peer_ratings=ballots(year))
    assert compute_year(data) == compute_year(from_ballots)


def test_ballots_and_tallies_add_up(year):
    """Half the ballots given one by one, the other half as the loader's counts: the same year."""
    data = load_year(year)
    every = ballots(year)
    persons = {p.staff_id for p in data.persons}
    half, rest = every[::2], every[1::2]
    tallies = {}
    for month, rater, ratee, grade in rest:
        if rater in persons:
            tally = tallies.setdefault((month, ratee), [0] * len(PEER_GRADES))
            tally[PEER_GRADES.index(grade)] += 1
    mixed = dataclasses.replace(data, peer_ratings=half, peer_tallies={k: tuple(v) for k, v in tallies.items()})
    whole = dataclasses.replace(data, peer_ratings=every, peer_tallies={})
    assert compute_year(mixed) == compute_year(whole) == compute_year(data)
    assert any(row.peer_score is not None for row in compute_year(data).monthly)
