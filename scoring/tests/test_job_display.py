"""Issue 14 (compute part): what the office reads about a computation. The completion message says
why a table got no rows (a frozen period is left as it was, a half with no half-year appraisal has
nothing to compute) instead of "半年成绩 0 行", which reads as if results were wiped; and the job
card lists the steps a run went through, so an eager run (the embedded default, over before the
page shows) still shows its finished state and stages."""
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from appraisal.models import Period, PeriodState, Role
from appraisal.tests.factories import role_user
from scoring import job_display
from scoring.jobs import job_run
from scoring.models import ScoringJob
from scoring.publication import ComputeSummary, months_text
from tests.test_year_workbook import run


def test_months_are_written_as_runs():
    assert months_text([1, 2, 3, 5, 7, 8]) == "1–3月、5月、7–8月"
    assert months_text([12]) == "12月"


def test_a_half_that_got_no_rows_says_why():
    frozen = frozenset({("month", m) for m in range(1, 11)} | {("half", 1)})
    line = ComputeSummary(monthly=40, person_half=0, department_half=0, annual=20, department_annual=2, rewards=3,
                          frozen=frozen, halves=()).line()
    assert not re.search(r"(?<!\d)0 行", line)
    assert "半年成绩未生成（" in line and "1–10月已锁定或公示，保持不变" in line
    assert "上半年已锁定或公示，保持不变" in line and "下半年尚无半年考核数据，无需计算" in line
    assert "年度成绩 20 行" in line


def test_a_frozen_year_is_named_not_counted():
    frozen = frozenset({("year", 1), ("half", 1), ("half", 2)} | {("month", m) for m in range(1, 13)})
    line = ComputeSummary(0, 0, 0, 0, 0, 0, frozen=frozen).line()
    assert "月度成绩 0 行（" in line  # the months: no row written, and it says why
    assert "1–12月已锁定或公示，保持不变" in line and "年度已锁定或公示，保持不变" in line
    assert "年度成绩 0 行" not in line and "半年成绩 0 行" not in line


def test_the_summary_is_translated():
    with translation.override("en"):
        line = ComputeSummary(5, 0, 0, 4, 1, 0, frozen=frozenset({("half", 1)}), halves=()).line()
    assert not re.search(r"[\u4e00-\u9fff]", line), line


@pytest.mark.django_db(transaction=True)  # the job is sent (eager: run) when the request's transaction commits
def test_the_job_card_shows_a_finished_run_with_its_steps(client):
    code, _out, err = run("import_workbook", str(settings.BASE_DIR / "tests" / "scenarios" / "small-11.input.xlsx"))
    assert code == 0, err
    from appraisal.models import AssessmentYear

    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    # the first half is over (locked); the second has no half-year appraisal data yet
    Period.objects.filter(assessment_year=year, kind="half", number=1).update(state=PeriodState.LOCKED)
    office = role_user(Role.OFFICE, year.organisation, "office11")
    client.force_login(office)
    response = client.post(reverse("results:compute", args=[year.pk]), follow=True)
    job = ScoringJob.objects.get(assessment_year=year)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # the run is over when the page answers: the message says what was written
        assert "成绩计算已完成" in response.content.decode() and "上半年已锁定或公示" in response.content.decode()
    else:
        job_run(job.pk)  # no worker in this test: run the task body here
    job.refresh_from_db()
    assert job.state == "done"
    page = client.get(reverse("results:overview") + f"?year={year.pk}").content.decode()
    steps = re.findall(r'class="list-inline-item job-step job-step-(\w+)"', page)
    assert steps == ["done"] * 5
    for name in ("排队", "读取数据", "计算成绩", "写入成绩", "完成"):
        assert name in page
    assert "完成于" in page and "用时" in page
    assert "半年成绩 0 行" not in page and "上半年已锁定或公示，保持不变" in page
    payload = client.get(reverse("results:job_status", args=[year.pk])).json()
    assert [s["status"] for s in payload["stages"]] == ["done"] * 5 and payload["finished_label"].startswith("完成于")


@pytest.mark.django_db
def test_the_steps_of_a_failed_and_a_running_job(world, year):
    failed = ScoringJob(assessment_year=year, state="failed", attempts=1, progress=30)
    assert [s["status"] for s in job_display.job_stages(failed)] == ["done", "done", "failed", "todo", "todo"]
    running = ScoringJob(assessment_year=year, state="running", attempts=1, progress=60)
    assert [s["status"] for s in job_display.job_stages(running)] == ["done", "done", "done", "current", "todo"]
    retrying = ScoringJob(assessment_year=year, state="retrying", attempts=1, progress=5)
    assert [s["status"] for s in job_display.job_stages(retrying)] == ["done", "retrying", "todo", "todo", "todo"]
    queued = ScoringJob(assessment_year=year, state="pending")
    assert [s["status"] for s in job_display.job_stages(queued)] == ["current", "todo", "todo", "todo", "todo"]
    never_ran = ScoringJob(assessment_year=year, state="failed", attempts=0)
    assert [s["status"] for s in job_display.job_stages(never_ran)] == ["failed", "todo", "todo", "todo", "todo"]
