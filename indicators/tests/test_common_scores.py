"""Common indicators per personnel category (分类考核) and common scores entered by assessors."""
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.errors import ValidationFailed
from appraisal.models import Period
from appraisal.tests.factories import PersonFactory
from indicators import assessing, common_scores
from indicators.models import CommonScore, Indicator, ScoreStatus
from indicators.tests.test_assessing import _statements
from scoring.loader import load_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def categorised(world, year, plan):
    world.staff.category, world.colleague.category = "行政执法类", "综合管理类"
    world.staff.save()
    world.colleague.save()
    law = Indicator.objects.create(assessment_year=year, code="C5", name="执法规范", category="共同类",
                                   parent=plan["共同类"], full_score=D("5"), cycle="年度",
                                   person_categories=["行政执法类"], assessor_department=world.department)
    return law


def test_a_leaf_applies_only_to_its_personnel_categories(world, year, categorised):
    office = world.users["office"]
    with pytest.raises(ValidationFailed) as error:
        common_scores.common_scores_save(user=office, year=year, cells={(world.colleague.pk, categorised.pk): "4"})
    assert "不适用于人员类别“综合管理类”" in error.value.details[0][1]
    common_scores.common_scores_save(user=office, year=year, cells={(world.staff.pk, categorised.pk): "4"})
    assert CommonScore.objects.get().status == ScoreStatus.APPROVED  # the office's own entry


def test_common_page_shows_not_applicable_cells(client, world, year, categorised):
    client.force_login(world.users["office"])
    page = client.get(f"/indicators/{year.pk}/common-scores/?department={world.department.pk}").content.decode()
    assert "适用：行政执法类" in page and "不适用" in page
    assert f'name="v_{world.staff.pk}_{categorised.pk}"' in page
    assert f'name="v_{world.colleague.pk}_{categorised.pk}"' not in page


def test_assessor_enters_submits_and_the_office_approves_common_scores(client, world, year, plan, categorised):
    head = world.users["head"]  # head of 办公室, which assesses C5 only
    client.force_login(head)
    url = f"/indicators/{year.pk}/common-scores/?department={world.department.pk}"
    page = client.get(url).content.decode()
    assert "执法规范" in page and "工作纪律" not in page  # C1 is the office's
    response = client.post(url, {f"v_{world.staff.pk}_{categorised.pk}": "4.5", "action": "submit",
                                 "unit": str(world.department.pk)})
    assert response.status_code == 302
    score = CommonScore.objects.get()
    assert score.status == ScoreStatus.SUBMITTED and load_year(year).common_scores == {}
    year_period = Period.objects.get(assessment_year=year, kind="year")
    assessing.scores_review(user=world.users["office"], period=year_period,
                            decisions={score.pk: (assessing.APPROVE, "")})
    assert load_year(year).common_scores == {("1002", "C5"): D("4.50")}


def test_common_page_saves_set_based(client, world, year, plan):
    """10 people × 20 leaves cost the statements 2 × 3 cost: no per-cell query."""
    root = plan["共同类"]

    def grow(prefix, people, leaves):
        department = world.other_department
        persons = [PersonFactory(department=department, staff_id=f"{prefix}{n:03d}") for n in range(people)]
        items = Indicator.objects.bulk_create([
            Indicator(assessment_year=year, code=f"{prefix}C{i:02d}", name=f"共同{i}", category="共同类", parent=root,
                      full_score=D("10"), cycle="年度") for i in range(leaves)])
        return {(p.pk, leaf.pk): str(n % 10) for n, (p, leaf) in enumerate((p, leaf) for p in persons for leaf in items)}

    def count(cells):
        with CaptureQueriesContext(connection) as captured:
            common_scores.common_scores_save(user=world.users["office"], year=year, cells=cells)
        return _statements(captured.captured_queries)

    small, large = grow("S", 2, 3), grow("L", 10, 20)
    assert count(small) == count(large)
    assert CommonScore.objects.count() == 6 + 200
