"""Table tests of peer resolution in routine appraisal (``scoring.routine.people.peers_of``,
docs/routine.md): the default rule (the department's colleagues of the same category; heads among
heads), the office's evaluation groups (互评小组) of the year, people in no group, inactive people, a
person who moved after filing, and a group of another year that changes nothing."""
import pytest
from django.utils import timezone

from appraisal import services as core
from appraisal.models import Person, Position
from appraisal.tests.factories import DepartmentFactory, PersonFactory
from scoring.routine.models import PeerGroup, PeerGroupMember, QuarterSummary
from scoring.routine.people import peers_of

from .routine_helpers import quarter, routine_year

ADMIN, TECH = "综合管理类", "专业技术类"


def _person(key, department, category, **extra):
    return PersonFactory(department=department, staff_id=f"P{key}", name=key, category=category, **extra)


def _group(year, name, people):
    group = PeerGroup.objects.create(assessment_year=year, name=name)
    PeerGroupMember.objects.bulk_create([PeerGroupMember(group=group, assessment_year=year, person=p) for p in people])
    return group


@pytest.fixture
def org(world, year):
    """Three departments: 甲 (head HA, 综合), 乙 (head HB, 综合), 丙 (head HC, 专技); group 技术组 of the
    year holds a4 (甲), b1 and b3 (乙) and the inactive b4; a group of the next year holds a1 and a2."""
    routine_year(world, year)
    people = {}
    for code, name, head, head_category in (("A", "甲科", "HA", ADMIN), ("B", "乙科", "HB", ADMIN),
                                            ("C", "丙科", "HC", TECH)):
        department = DepartmentFactory(organisation=world.organisation, code=f"T{code}", name=name)
        people[head] = _person(head, department, head_category, position=Position.HEAD)
        department.head = people[head]
        department.save(update_fields=["head"])
        people[code] = department
    for key, department, category, active in (
            ("a1", "A", ADMIN, True), ("a2", "A", ADMIN, True), ("a3", "A", TECH, True), ("a4", "A", TECH, True),
            ("a5", "A", ADMIN, False), ("b1", "B", TECH, True), ("b2", "B", ADMIN, True), ("b3", "B", TECH, True),
            ("b4", "B", TECH, False), ("c1", "C", TECH, True), ("m", "A", ADMIN, True)):
        people[key] = _person(key, people[department], category, is_active=active)
    # a 局领导 of the same category sits in 甲科's records: never a peer
    people["L"] = _person("L", people["A"], ADMIN, position=Position.LEADER)
    _group(year, "技术组", [people[k] for k in ("a4", "b1", "b3", "b4")])
    nxt = core.year_open(user=world.users["office"], organisation=world.organisation, year=year.year + 1)
    _group(nxt, "下年度组", [people["a1"], people["a2"]])
    period = quarter(year)
    summaries = {}
    for key, person in people.items():
        if isinstance(person, Person) and key != "L":
            summaries[key] = QuarterSummary.objects.create(
                period=period, person=person, department=person.department, category=person.category,
                text="小结", self_grade="好", submitted_at=timezone.now())
    # m moves to 乙科 after filing in 甲科
    Person.objects.filter(pk=people["m"].pk).update(department=people["B"])
    return people, summaries


def _resolve(org):
    people, summaries = org
    names = {p.pk: key for key, p in people.items() if isinstance(p, Person)}
    loaded = QuarterSummary.objects.select_related("period", "department").filter(
        pk__in=[s.pk for s in summaries.values()])
    by_pk = {s.pk: key for key, s in summaries.items()}
    return {by_pk[pk]: {names[i] for i in ids} for pk, ids in peers_of(loaded).items()}


@pytest.mark.django_db
@pytest.mark.parametrize("who, expected", [
    # default: the department's active colleagues of the category, not the head, not a 局领导, not oneself;
    # m, who moved to 乙科, no longer rates 甲科's summaries
    ("a1", {"a2"}),
    ("a2", {"a1"}),
    # a group member is out of the department's pool: a3 has no default peer left
    ("a3", set()),
    # in the group: the other active members, across departments (b4 is inactive)
    ("a4", {"b1", "b3"}),
    ("b1", {"a4", "b3"}),
    ("b3", {"a4", "b1"}),
    # in no group: the department's same-category colleagues; m came in as 综合 after filing
    ("b2", {"m"}),
    ("c1", set()),
    # a head among the heads of the same category
    ("HA", {"HB"}),
    ("HB", {"HA"}),
    ("HC", set()),
    # m's summary stays with the department and category it was filed in (甲科, 综合)
    ("m", {"a1", "a2"}),
    # an inactive person's filed summary: the colleagues still rate it; the group still rates b4's
    ("a5", {"a1", "a2"}),
    ("b4", {"a4", "b1", "b3"}),
])
def test_peers_of_a_summary(org, who, expected):
    assert _resolve(org)[who] == expected


@pytest.mark.django_db
def test_peers_of_any_number_of_summaries_in_three_queries(org, django_assert_num_queries):
    _people, summaries = org
    loaded = list(QuarterSummary.objects.select_related("period", "department"))
    assert len(loaded) >= len(summaries)
    with django_assert_num_queries(3):
        resolved = peers_of(loaded)
    assert len(resolved) == len(loaded)
    with django_assert_num_queries(0):
        assert peers_of([]) == {}
