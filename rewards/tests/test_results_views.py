"""The results pages on a public scenario imported into the database: what each reader sees, the
publicity rule, the anonymity threshold of P, the pipeline button, the workbook download, no-store,
and query counts that do not grow with the organisation."""
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import AssessmentYear, AuditEvent, Department, Period, PeriodState, Person, Role
from appraisal.tests.factories import person_user, role_user
from rewards import selectors
from scoring.models import AnnualResult, DepartmentAnnualResult, MonthlyResult, PeerRating, RewardResult, ScoringJob
from scoring.services import year_compute
from tests.public_scenarios import SCENARIO_DIR, compare_with_expected
from tests.test_year_workbook import run


def load(name: str, org: str) -> AssessmentYear:
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / f"{name}.input.xlsx"))
    assert code == 0, err
    year = AssessmentYear.objects.get(organisation__code=org, year=2025)
    year_compute(assessment_year=year)
    return year


def publish(year, **filters):
    Period.objects.filter(assessment_year=year, **filters).update(state=PeriodState.PUBLICITY)


@pytest.fixture
def small(db):
    year = load("small-11", "ORG11")
    person = Person.objects.get(organisation=year.organisation, staff_id="1002")
    head = Department.objects.get(organisation=year.organisation, code="D01").head
    return {"year": year, "person": person, "user": person_user(person, "p1002"),
            "head": person_user(head, "h1001"),
            "office": role_user(Role.OFFICE, year.organisation, "office11"),
            "leader": role_user(Role.LEADER, year.organisation, "leader11")}


def text(response) -> str:
    return response.content.decode()


def fig(value) -> str:
    return f"{value:.2f}"


# ---------------------------------------------------------------- 我的成绩

def test_own_results_wait_for_publicity(client, small):
    client.force_login(small["user"])
    response = client.get(reverse("results:mine"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'id="no-results"' in text(response)
    assert 'id="monthly-table"' not in text(response)


def test_own_results_after_publicity_show_every_figure(client, small):
    year, person = small["year"], small["person"]
    publish(year)
    client.force_login(small["user"])
    page = text(client.get(reverse("results:mine")))
    months = MonthlyResult.objects.filter(assessment_year=year, person=person).order_by("month")
    assert months.count() == 12
    for m in months:
        assert f'data-month="{m.month}"' in page
        assert fig(m.monthly_score) in page
    annual = AnnualResult.objects.get(assessment_year=year, person=person)
    assert fig(annual.annual_score) in page
    assert annual.grade in page
    assert fig(annual.bonus_coefficient) in page
    assert 'id="trend-chart"' in page and "<path d=\"M" in page
    assert 'id="half-table"' in page and "上半年" in page and "下半年" in page
    for reward in RewardResult.objects.filter(assessment_year=year, person=person):
        assert reward.reward_type in page or "记三等功" in page


def test_only_published_periods_are_shown_to_the_person(client, small):
    year, person = small["year"], small["person"]
    publish(year, kind="month", number__in=[1, 2])
    client.force_login(small["user"])
    page = text(client.get(reverse("results:mine")))
    assert 'data-month="1"' in page and 'data-month="2"' in page and 'data-month="3"' not in page
    assert 'id="annual"' not in page and 'id="half-table"' not in page
    # the office sees everything, published or not
    client.force_login(small["office"])
    page = text(client.get(reverse("results:person", args=[person.pk])))
    assert 'data-month="12"' in page and 'id="annual"' in page


def test_peer_score_is_withheld_below_three_raters(client, small):
    year, person = small["year"], small["person"]
    publish(year)
    march = MonthlyResult.objects.get(assessment_year=year, person=person, month=3)
    assert march.peer_score is not None
    keep = PeerRating.objects.filter(period__assessment_year=year, period__number=3, period__kind="month",
                                     ratee=person).values_list("pk", flat=True)[:2]
    PeerRating.objects.filter(period__assessment_year=year, period__number=3, period__kind="month",
                              ratee=person).exclude(pk__in=list(keep)).delete()
    rows = {r.month: r for r in selectors.person_results(year, person, all_periods=False).months}
    assert rows[3].peer_withheld and rows[3].peer_score is None
    assert rows[4].peer_score == MonthlyResult.objects.get(assessment_year=year, person=person, month=4).peer_score
    client.force_login(small["user"])
    assert "—*" in text(client.get(reverse("results:mine")))


def test_undefined_figures_show_a_dash(client, small):
    year, person = small["year"], small["person"]
    publish(year)
    MonthlyResult.objects.filter(assessment_year=year, person=person, month=5).update(responsibility_rate=None,
                                                                                     peer_score=None)
    client.force_login(small["user"])
    page = text(client.get(reverse("results:mine")))
    row = page[page.index('data-month="5"'):]
    row = row[:row.index("</tr>")]
    assert row.count("—") >= 2


def test_a_year_of_another_organisation_is_not_found(client, small):
    other = load("params-13", "ORG13")
    client.force_login(small["user"])
    assert client.get(reverse("results:mine"), {"year": other.pk}).status_code == 404


# ---------------------------------------------------------------- 本部门成绩

def test_head_sees_the_department_table(client, small):
    year = small["year"]
    publish(year)
    department = Department.objects.get(organisation=year.organisation, code="D01")
    client.force_login(small["head"])
    response = client.get(reverse("results:department", args=[department.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = text(response)
    for annual in AnnualResult.objects.filter(assessment_year=year, department=department).select_related("person"):
        assert f'data-staff="{annual.person.staff_id}"' in page
        assert fig(annual.annual_score) in page
    da = DepartmentAnnualResult.objects.get(assessment_year=year, department=department)
    assert fig(da.annual_score) in page
    # the head's entry point leads to the own department
    assert client.get(reverse("results:my_department"))["Location"].endswith(
        reverse("results:department", args=[department.pk]))


def test_department_rows_follow_the_rank(small):
    year = small["year"]
    department = Department.objects.get(organisation=year.organisation, code="D01")
    rows = selectors.department_results(year, department, all_periods=True).members
    ranks = [r.annual.department_rank for r in rows if r.annual is not None]
    assert ranks == sorted(ranks) and len(ranks) >= 3
    assert all(len(r.month_cells) == 12 for r in rows)


# ---------------------------------------------------------------- 考核结果

def test_office_overview_lists_departments_grades_and_rewards(client, small):
    year = small["year"]
    client.force_login(small["office"])
    response = client.get(reverse("results:overview"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = text(response)
    for da in DepartmentAnnualResult.objects.filter(assessment_year=year).select_related("department"):
        assert f'data-code="{da.department.code}"' in page
        assert reverse("results:department", args=[da.department_id]) in page
        if da.annual_score is not None:
            assert fig(da.annual_score) in page
    data = selectors.overview(year)
    assert sum(data.totals) == AnnualResult.objects.filter(assessment_year=year).count()
    for reward in RewardResult.objects.filter(assessment_year=year).select_related("person"):
        assert reward.person.name in page
    assert 'id="compute-button"' in page and 'id="download-results"' in page


def test_leader_reads_the_overview_without_the_compute_button(client, small):
    client.force_login(small["leader"])
    page = text(client.get(reverse("results:overview")))
    assert 'id="overview-table"' in page and 'id="compute-button"' not in page
    assert client.post(reverse("results:compute", args=[small["year"].pk])).status_code == 403


def test_compute_button_runs_a_job_and_the_status_reports_it(client, small, django_capture_on_commit_callbacks):
    year = small["year"]
    client.force_login(small["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:compute", args=[year.pk]))
    assert response.status_code == 302
    job = ScoringJob.objects.filter(assessment_year=year).latest("id")
    assert job.requested_by == small["office"]
    from django.conf import settings

    if settings.REDIS_URL:
        # With a broker the job went to the queue; a worker cannot see this test's uncommitted
        # rows, so the task body runs here (tests/test_year_workbook.py runs it through a worker).
        from scoring.jobs import job_run

        job_run(job.pk)
    status = client.get(reverse("results:job_status", args=[year.pk]))
    assert "no-store" in status["Cache-Control"]
    payload = status.json()
    assert payload["id"] == job.pk and payload["state"] == "done" and payload["progress"] == 100
    assert payload["finished"] and payload["stage"] == "完成"


def test_compute_on_a_locked_year_says_why(client, small):
    year = small["year"]
    Period.objects.filter(assessment_year=year, kind="year").update(state=PeriodState.LOCKED)
    client.force_login(small["office"])
    response = client.post(reverse("results:compute", args=[year.pk]), follow=True)
    assert "已锁定" in text(response)
    assert not ScoringJob.objects.filter(assessment_year=year).exists()


def test_workbook_download_is_the_stored_results_and_is_audited(client, small, tmp_path,
                                                                django_capture_on_commit_callbacks):
    from tests.job_helpers import fetch_results

    year = small["year"]
    client.force_login(small["office"])
    response = fetch_results(client, django_capture_on_commit_callbacks, reverse("results:export", args=[year.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"".join(response.streaming_content))
    openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert compare_with_expected(target, "small-11") == []
    event = AuditEvent.objects.filter(action="results.export").latest("id")
    assert event.actor == small["office"] and event.organisation_id == year.organisation_id


# ---------------------------------------------------------------- query counts

def test_queries_do_not_grow_with_the_number_of_people(client, db):
    counts = {}
    for name, org in (("small-11", "ORG11"), ("params-13", "ORG13")):
        year = load(name, org)
        publish(year)
        people = Person.objects.filter(organisation=year.organisation, department__isnull=False)
        person = people.exclude(position="局领导").order_by("staff_id").first()
        department = max(Department.objects.filter(organisation=year.organisation),
                         key=lambda d: d.members.count())
        office = role_user(Role.OFFICE, year.organisation, f"office-{org}")
        staff = person_user(person, f"staff-{org}")
        measured = {}
        for label, user, url in (
                ("mine", staff, reverse("results:mine")),
                ("department", office, reverse("results:department", args=[department.pk])),
                ("overview", office, reverse("results:overview")),
                ("person", office, reverse("results:person", args=[person.pk]))):
            client.force_login(user)
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            measured[label] = len(context.captured_queries)
        counts[name] = measured
        counts[name + "-people"] = people.count()
    assert counts["small-11-people"] < counts["params-13-people"]
    for label in ("mine", "department", "overview", "person"):
        assert counts["small-11"][label] == counts["params-13"][label], counts
