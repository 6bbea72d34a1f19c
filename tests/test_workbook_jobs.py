"""The year workbook's jobs (issue 16) as services: validation with progress and the whole report,
the dry run's permission check, imports one at a time per organisation-year, the input export, the
private files' expiry and the download's access check; and, on PostgreSQL, the validation and the
import run by a real Celery worker."""
import io
import os
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appraisal.exchange import jobs as exchange_jobs
from appraisal.exchange.reader import read_workbook
from appraisal.locks import YearBusy
from appraisal.models import AssessmentYear, AuditEvent, Role
from appraisal.tests.factories import OrganisationFactory, role_user
from scoring import job_kinds
from scoring.jobs import job_run
from scoring.models import ScoringJob
from tests.public_scenarios import SCENARIO_DIR
from tests.test_year_workbook import breaking

Kind = ScoringJob.Kind


def _workbook(damage=None) -> bytes:
    book = openpyxl.load_workbook(SCENARIO_DIR / "small-11.input.xlsx")
    for (sheet, row, header), value in (damage or {}).items():
        breaking(sheet, row, header, value)(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validation(user, organisation, content: bytes) -> ScoringJob:
    name = job_kinds.store_upload(SimpleUploadedFile("year.xlsx", content))
    job = ScoringJob.objects.create(kind=Kind.VALIDATE, requested_by=user, organisation=organisation, file=name,
                                    file_name="year.xlsx", expires_at=job_kinds.expiry())
    return job


@pytest.fixture
def office11(db):
    organisation = OrganisationFactory(code="ORG11", name="测试局十一")
    return organisation, role_user(Role.OFFICE, organisation, "office11")


def test_validation_reports_progress_and_the_preview_and_writes_nothing(office11, monkeypatch):
    organisation, office = office11
    stages = []
    real = exchange_jobs._read

    def spy(job, progress, low, high):  # every progress update, and what the job row says right then
        def recorded(percent, stage):
            progress(percent, stage)
            row = ScoringJob.objects.get(pk=job.pk)
            stages.append((percent, stage, row.progress, row.stage, row.state))
        return real(job, recorded, low, high)

    monkeypatch.setattr(exchange_jobs, "_read", spy)
    job = job_run(_validation(office, organisation, _workbook()).pk)
    assert job.state == "done" and job.progress == 100 and job.org_code == "ORG11" and job.year == 2025
    assert job.report["errors"] == [] and job.report["preview"]["counts"][1] == ["人员", 22]
    assert [(p, s) for p, s, rp, rs, state in stages] == [(rp, rs) for p, s, rp, rs, state in stages]
    assert {state for *_rest, state in stages} == {"running"}
    reading = [s for p, s, *_rest in stages]
    assert len(reading) >= 16 and reading[-1].endswith("已检查 16 / 16 张表"), reading
    percents = [p for p, *_rest in stages]
    assert percents == sorted(percents) and 0 < percents[len(percents) // 2] < 100
    assert not AssessmentYear.objects.exists()


def test_every_problem_is_kept_with_sheet_row_and_column(office11):
    organisation, office = office11
    job = job_run(_validation(office, organisation, _workbook({("人员", 2, "职务类型"): "科长",
                                                               ("部门", 3, "部门分组"): "其他"})).pk)
    assert job.state == "done" and job.report["total"] == 2
    assert job.report["errors"] == [["部门", 3, "部门分组", "部门分组“其他”无效，应为：综合 / 业务 / 事业"],
                                    ["人员", 2, "职务类型", "职务类型“科长”无效，应为：局领导 / 部门负责人 / 一般干部"]]


def test_the_dry_run_refuses_what_the_import_would_refuse(db):
    other = OrganisationFactory(code="T9", name="别的局")
    office = role_user(Role.OFFICE, other, "office9")
    job = job_run(_validation(office, other, _workbook()).pk)  # ORG11's workbook, T9's office
    assert job.state == "done" and job.report["refused"] and job.report["total"] == 1
    assert job.message == "您没有导入该单位数据的权限。"


def test_import_confirmed_from_the_validation_and_the_upload_deleted(office11):
    organisation, office = office11
    validation = job_run(_validation(office, organisation, _workbook()).pk)
    stored = job_kinds.path_of(validation.file)
    assert stored.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and os.path.exists(stored)
    ticket = job_kinds.enqueue(Kind.IMPORT, user=office, organisation=organisation, org_code="ORG11", year=2025,
                               source=validation, file=validation.file, file_name=validation.file_name)
    job = job_run(ticket.job.pk)
    assert job.state == "done" and job.message.startswith("已导入 ORG11 2025 年度")
    assert job.assessment_year == AssessmentYear.objects.get(organisation=organisation, year=2025)
    assert not os.path.exists(stored) and ScoringJob.objects.filter(file=validation.file).count() == 0
    assert AuditEvent.objects.filter(action="exchange.import_requested").exists()
    assert AuditEvent.objects.filter(action="year.import").exists()


def test_imports_of_one_year_are_one_at_a_time(office11, django_capture_on_commit_callbacks):
    organisation, office = office11
    validation = job_run(_validation(office, organisation, _workbook()).pk)
    fields = dict(user=office, organisation=organisation, org_code="ORG11", year=2025, source=validation,
                  file=validation.file)
    with django_capture_on_commit_callbacks(execute=False):  # not sent: the first stays queued
        first = job_kinds.enqueue(Kind.IMPORT, **fields)
        second = job_kinds.enqueue(Kind.IMPORT, **fields)
    assert not first.joined and second.joined and second.job == first.job
    assert ScoringJob.objects.filter(kind=Kind.IMPORT).count() == 1


def test_a_year_being_written_makes_the_import_wait_with_the_reason(office11, monkeypatch):
    organisation, office = office11
    validation = job_run(_validation(office, organisation, _workbook()).pk)
    busy = YearBusy("ORG11 2025 年度的数据正在由另一个导入或成绩计算写入，请稍后再试。")
    monkeypatch.setattr(exchange_jobs, "year_import", lambda **kwargs: (_ for _ in ()).throw(busy))
    job = ScoringJob.objects.create(kind=Kind.IMPORT, requested_by=office, organisation=organisation, org_code="ORG11",
                                    year=2025, source=validation, file=validation.file)
    from scoring.jobs import RetryLater

    with pytest.raises(RetryLater):
        job_run(job.pk, retries_left=3, countdown=5)
    job.refresh_from_db()
    assert job.state == "retrying" and "正在由另一个导入或成绩计算写入" in job.message and "自动重试" in job.message
    assert not AssessmentYear.objects.exists()


def test_the_input_export_reads_back_and_only_the_office_downloads_it(office11, client):
    organisation, office = office11
    validation = job_run(_validation(office, organisation, _workbook()).pk)
    job_run(job_kinds.enqueue(Kind.IMPORT, user=office, organisation=organisation, org_code="ORG11", year=2025,
                              source=validation, file=validation.file).job.pk)
    year = AssessmentYear.objects.get(organisation=organisation, year=2025)
    export = job_run(job_kinds.enqueue(Kind.EXPORT_INPUT, user=office, organisation=organisation,
                                       assessment_year=year).job.pk)
    assert export.state == "done" and export.file and export.file_name == "测试局11_2025年度工作簿.xlsx"
    assert read_workbook(job_kinds.path_of(export.file)).errors == []
    assert AuditEvent.objects.filter(action="year.export_input").exists()
    url = reverse("workbook_job_download", args=[export.pk])
    leader = role_user(Role.LEADER, organisation, "leader11")
    other_office = role_user(Role.OFFICE, OrganisationFactory(code="T8"), "office8")
    for user in (leader, other_office):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(office)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="exchange.download").exists()


def test_expired_files_are_deleted_by_the_watchdog(office11, client):
    from scoring.tasks import requeue_pending_jobs

    organisation, office = office11
    job = job_run(_validation(office, organisation, _workbook()).pk)
    path = job_kinds.path_of(job.file)
    ScoringJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert requeue_pending_jobs()["purged"] == 1
    job.refresh_from_db()
    assert job.file == "" and not os.path.exists(path)
    client.force_login(office)  # a confirmation now asks for a new upload
    page = client.post(reverse("workbook_confirm", args=[job.pk]), follow=True).content.decode()
    assert "已过保留期限" in page and not ScoringJob.objects.filter(kind=Kind.IMPORT).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_validation_and_import_run_in_a_real_worker():
    from scoring.tasks import exchange_job_task
    from tests.services import require_services, wait_for_job, worker_process

    require_services()
    organisation = OrganisationFactory(code="ORG11", name="测试局十一")
    office = role_user(Role.OFFICE, organisation, "office11")
    validation = _validation(office, organisation, _workbook())
    with worker_process() as worker:  # it shares the test's private files (tests/services.py)
        queue = worker.queue
        exchange_job_task.apply_async(args=[validation.pk], queue=queue)
        validation = wait_for_job(validation.pk)
        assert validation.state == "done" and validation.report["errors"] == [], validation.message
        job = ScoringJob.objects.create(kind=Kind.IMPORT, requested_by=office, organisation=organisation,
                                        org_code="ORG11", year=2025, source=validation, file=validation.file)
        exchange_job_task.apply_async(args=[job.pk], queue=queue)
        job = wait_for_job(job.pk)
    assert job.state == "done" and job.message.startswith("已导入 ORG11 2025 年度"), job.message
    assert job.attempts == 1 and job.heartbeat_at is not None
    assert AssessmentYear.objects.get(organisation=organisation, year=2025).organisation == organisation
