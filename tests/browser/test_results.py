"""The results pages in a real browser, on the public scenario small-11 imported and computed: a civil
servant reads the own results once published, the head reads the department table, the office
reads the overview, runs the computation (the progress reaches 完成) and downloads the workbook.
Screenshots in test-artifacts/screenshots/results-*.png."""
import openpyxl
import pytest
from django.conf import settings
from playwright.sync_api import expect

from appraisal.exchange.writer import RESULT_SHEETS
from appraisal.models import AssessmentYear, Department, Period, PeriodState, Person, Role
from appraisal.tests.factories import person_user, role_user
from rewards.history import NOTES_SHEET
from scoring.models import AnnualResult, MonthlyResult
from scoring.services import year_compute
from tests.public_scenarios import SCENARIO_DIR
from tests.test_year_workbook import run

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@12345"


@pytest.fixture
def scenario():
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    assert code == 0, err
    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    year_compute(assessment_year=year)
    Period.objects.filter(assessment_year=year).update(state=PeriodState.PUBLICITY)
    person = Person.objects.get(organisation=year.organisation, staff_id="1002")
    person_user(person, "yujieyan")
    person_user(Department.objects.get(organisation=year.organisation, code="D01").head, "d01head")
    role_user(Role.OFFICE, year.organisation, "office11")
    from tests.services import default_queue_worker

    with default_queue_worker():  # the compute button queues a real job in CI's second pass
        yield {"year": year, "person": person}


def logout(page):
    page.locator("#userMenu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")


def test_results_pages(page, screenshot, scenario, tmp_path):
    year, person = scenario["year"], scenario["person"]
    annual = AnnualResult.objects.get(assessment_year=year, person=person)
    june = MonthlyResult.objects.get(assessment_year=year, person=person, month=6)

    login(page, "yujieyan", PASSWORD)
    page.locator("[data-nav='我的成绩']").click()
    expect(page.locator("h1")).to_contain_text("我的成绩")
    expect(page.locator("[data-figure='annual_score']")).to_have_text(f"{annual.annual_score:.2f}")
    expect(page.locator("[data-figure='grade']")).to_have_text(annual.grade)
    expect(page.locator("#monthly-table tbody tr")).to_have_count(12)
    expect(page.locator("#monthly-table tr[data-month='6']")).to_contain_text(f"{june.monthly_score:.2f}")
    expect(page.locator("#trend-chart circle")).to_have_count(12)
    expect(page.locator("#half-table tbody tr")).to_have_count(2)
    screenshot(page, "results-mine")
    logout(page)

    login(page, "d01head", PASSWORD)
    page.locator("[data-nav='我的成绩']").click()
    page.get_by_role("link", name="本部门成绩").click()
    members = AnnualResult.objects.filter(assessment_year=year, department__code="D01").count()
    expect(page.locator("#department-results tbody tr")).to_have_count(members)
    expect(page.locator("#department-results tr[data-staff='1002']")).to_contain_text(f"{annual.annual_score:.2f}")
    screenshot(page, "results-department")
    logout(page)

    login(page, "office11", PASSWORD)
    page.locator("[data-nav='考核结果']").click()
    expect(page.locator("#overview-table tbody tr")).to_have_count(4)
    expect(page.locator("#rewards-table")).to_be_visible()
    page.locator("#compute-button").click()
    expect(page.locator("#job")).to_be_visible()
    expect(page.locator("#job-stage")).to_have_text("完成", timeout=30_000)
    expect(page.locator("#job-percent")).to_have_text("100%")
    expect(page.locator("#job-state")).to_have_text("已完成")
    # every step of the run is listed as done, with when it finished (an eager run is over at once)
    expect(page.locator("#job-stages .job-step-done")).to_have_count(5)
    expect(page.locator("#job-finished")).to_contain_text("完成于")
    screenshot(page, "results-overview")

    download_link = page.locator("#download-results")
    if settings.REDIS_URL:  # a real worker produces the file: its job's page offers it when ready (issue 16)
        download_link.click()
        page.wait_for_url("**/years/workbook/jobs/*/")
        download_link = page.locator("#download-file")
        expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    # the EXCHANGE.md sheets, then the departments' multi-year notes (DOMAIN.md §7.3)
    assert openpyxl.load_workbook(target).sheetnames == [sheet.name for sheet in RESULT_SHEETS] + [NOTES_SHEET]

    if settings.REDIS_URL:
        page.goto(f"/results/?year={year.pk}")
    page.locator("#overview-table a", has_text="第1处").click()
    expect(page.locator("#department-results tbody tr")).to_have_count(members)
    page.locator("#department-results a", has_text=person.name).click()
    expect(page.locator("h1")).to_contain_text(person.name)
