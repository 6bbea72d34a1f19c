"""Provisional and published results (DOMAIN.md §8): figures before publicity are 暂定 and shown to
the office only; a year's grades and rewards are shown to others only once the year is in publicity;
the overview and the department page read the department figures from one selector."""
import pytest
from django.urls import reverse

from appraisal.models import AssessmentYear, Department, Period, PeriodState, Role
from appraisal.tests.factories import role_user
from rewards import selectors
from scoring.models import DepartmentAnnualResult
from scoring.services import year_compute
from tests.public_scenarios import SCENARIO_DIR
from tests.test_year_workbook import run


@pytest.fixture
def small(db):
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    assert code == 0, err
    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    year_compute(assessment_year=year)
    Period.objects.filter(assessment_year=year).exclude(kind="year").update(state=PeriodState.PUBLICITY)
    return {"year": year, "office": role_user(Role.OFFICE, year.organisation, "office11"),
            "leader": role_user(Role.LEADER, year.organisation, "leader11"),
            "d01": Department.objects.get(organisation=year.organisation, code="D01")}


def test_the_leader_sees_no_grades_or_rewards_before_the_year_is_in_publicity(client, small):
    year = small["year"]
    client.force_login(small["leader"])
    page = client.get(reverse("results:overview") + f"?year={year.pk}").content.decode()
    assert "年度得分、等次和奖励在全年进入公示后显示" in page
    assert "嘉奖" not in page and "800.00" not in page
    department = client.get(reverse("results:department", args=[small["d01"].pk]) + f"?year={year.pk}")
    assert department.context["results"].annual is None
    overview = client.get(reverse("results:overview") + f"?year={year.pk}").context["overview"]
    row = next(r for r in overview.departments if r.department.pk == small["d01"].pk)
    assert row.annual is None and row.grade_counts == {} and overview.rewards == []
    refused = client.get(reverse("results:export", args=[year.pk]))
    assert refused.status_code == 403

    Period.objects.filter(assessment_year=year, kind="year").update(state=PeriodState.PUBLICITY)
    overview = client.get(reverse("results:overview") + f"?year={year.pk}").context["overview"]
    department = client.get(reverse("results:department", args=[small["d01"].pk]) + f"?year={year.pk}")
    row = next(r for r in overview.departments if r.department.pk == small["d01"].pk)
    stored = DepartmentAnnualResult.objects.get(assessment_year=year, department=small["d01"])
    # the same figure on both pages
    assert row.annual.annual_score == department.context["results"].annual.annual_score == stored.annual_score
    assert overview.rewards


def test_the_office_sees_unpublished_figures_labelled_provisional(client, small):
    year = small["year"]
    Period.objects.filter(assessment_year=year, kind="month", number__gte=11).update(state=PeriodState.SCORING)
    seen = selectors.visibility(year, all_periods=True)
    assert seen.provisional_labels == ["11月", "12月", "全年"]
    client.force_login(small["office"])
    page = client.get(reverse("results:overview") + f"?year={year.pk}").content.decode()
    assert 'id="provisional-periods"' in page and "11月、12月、全年" in page
    person = small["d01"].head
    page = client.get(reverse("results:person", args=[person.pk]) + f"?year={year.pk}").content.decode()
    assert page.count("data-provisional") == 2


def test_overview_and_department_page_read_one_selector(small):
    seen = selectors.visibility(small["year"], all_periods=False)
    figures = selectors.department_figures(small["year"], seen)
    assert all(f.annual is None for f in figures.values())  # the year is not in publicity
    assert {h for f in figures.values() for h in f.halves} == {"上半年", "下半年"}
