"""The year workbook in a real browser as background jobs (issue 16): the office uploads a workbook,
watches the validation's progress bar move, reads the preview, confirms the import without choosing
the file again, then downloads the results workbook produced by an export job. Screenshots in
test-artifacts/screenshots/workbook-*.png.

In CI's second pass (REDIS_URL) the jobs run in a real Celery worker. On the embedded default Celery
is eager: the job would be over before the page shows, so here the tasks run in a thread of their own
(a worker in this process, on the live server's database connection), and the reading pauses between
sheets so that the bar is seen moving."""
import os
import threading
import time

import openpyxl
import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect

from appraisal.models import AssessmentYear, Role
from appraisal.tests.factories import OrganisationFactory, role_user
from scoring.models import AnnualResult, ScoringJob
from scoring.services import year_compute
from tests.public_scenarios import SCENARIO_DIR

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@12345"


@pytest.fixture
def workers(monkeypatch):
    """Yields True when the jobs run in a thread of this process (and progress can be slowed)."""
    if settings.REDIS_URL:
        from tests.services import default_queue_worker

        with default_queue_worker():
            yield False
        return
    from appraisal import broker
    from appraisal.exchange import jobs as exchange_jobs

    def send(task, *, args=(), kwargs=None, **options):
        # the test database is SQLite in memory, shared by the live server's threads through one
        # connection (a second connection would find its tables locked): the "worker" uses it too
        shared = connections["default"]
        shared.inc_thread_sharing()

        def work():
            connections["default"] = shared
            try:
                task.apply(args=args, kwargs=kwargs)
            finally:
                shared.dec_thread_sharing()
        threading.Thread(target=work, daemon=True).start()
        return True

    real_read = exchange_jobs.read_workbook

    def slow_read(path, progress=None):
        def report(*counts):
            progress(*counts)
            time.sleep(0.25)
        return real_read(path, progress=report)

    monkeypatch.setattr(broker, "send", send)
    monkeypatch.setattr(exchange_jobs, "read_workbook", slow_read)
    yield True


def test_upload_watch_confirm_and_download(page, screenshot, workers, tmp_path):
    organisation = OrganisationFactory(code="ORG11", name="测试局十一")
    role_user(Role.OFFICE, organisation, "office16")
    login(page, "office16", PASSWORD)

    page.goto("/years/workbook/")
    expect(page.locator("h1")).to_contain_text("导入年度工作簿")
    page.locator("input[type=file]").set_input_files(str(SCENARIO_DIR / "small-11.input.xlsx"))
    page.locator("#upload-button").click()
    page.wait_for_url("**/years/workbook/jobs/*/")
    if workers:  # the validation runs while the page watches: rows read, sheets checked, the bar between
        expect(page.locator("#job-stage")).to_contain_text("张表", timeout=10_000)
        seen = set()
        for _ in range(40):
            if page.locator("#import-preview").count():
                break
            text = page.locator("#job-percent").text_content() or ""
            if text.endswith("%") and 0 < int(text[:-1]) < 100:
                seen.add(int(text[:-1]))
                if len(seen) == 2:
                    screenshot(page, "workbook-validating")
            page.wait_for_timeout(200)
        assert len(seen) >= 2, f"the bar was not seen moving: {seen}"
    expect(page.locator("#import-preview")).to_be_visible(timeout=30_000)
    expect(page.locator("#import-preview")).to_contain_text("校验通过")
    expect(page.locator("#preview-counts")).to_contain_text("民主测评")
    assert not AssessmentYear.objects.filter(organisation=organisation).exists()  # a dry run writes nothing
    screenshot(page, "workbook-preview")

    page.locator("#confirm-import").click()
    expect(page.locator("#import-done")).to_contain_text("已导入 ORG11 2025 年度", timeout=30_000)
    screenshot(page, "workbook-imported")
    year = AssessmentYear.objects.get(organisation=organisation, year=2025)
    validation = ScoringJob.objects.get(kind="validate")
    assert validation.file == ""  # the upload is deleted once imported

    year_compute(assessment_year=year)
    page.locator("#results-link").click()
    page.locator("#download-results").click()
    page.wait_for_url("**/years/workbook/jobs/*/")
    expect(page.locator("#download-file")).to_be_visible(timeout=30_000)
    screenshot(page, "workbook-results-ready")
    with page.expect_download() as info:
        page.locator("#download-file").click()
    target = tmp_path / "results.xlsx"
    info.value.save_as(target)
    workbook = openpyxl.load_workbook(target, read_only=True)
    rows = list(workbook["年度成绩"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == AnnualResult.objects.filter(assessment_year=year).count() > 0
    assert os.path.getsize(target) > 0
