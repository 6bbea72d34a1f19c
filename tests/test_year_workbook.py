"""The year workbook end to end through the database: import → compute → export with the management
commands, on SQLite and (in CI's second pass) PostgreSQL; invalid workbooks change nothing."""
import io
import os

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import AssessmentYear, Period, PeriodState
from scoring.models import AnnualResult, DepartmentAnnualResult, MonthlyResult, RewardResult
from scoring.services import year_compute
from tests.public_scenarios import ORG, SCENARIO_DIR, SCENARIO_NAMES, compare_with_expected



def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def pipeline_worker(django_db_setup):
    """With REDIS_URL set (CI's second pass), compute_scores sends its job to a real worker on
    Celery's default queue; on the embedded default the job runs eagerly and no worker is needed."""
    from tests.services import default_queue_worker

    with default_queue_worker():
        yield


# transaction=True: compute_scores queues its job on commit, as in production.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_public_scenario_through_the_database(name, tmp_path, pipeline_worker):
    code, out, err = run("import_workbook", str(SCENARIO_DIR / f"{name}.input.xlsx"))
    assert code == 0, err
    assert out.startswith("已导入 " + ORG[name])
    code, out, err = run("compute_scores", ORG[name], "2025")
    assert code == 0, err
    assert "计算完成" in out
    target = tmp_path / "results.xlsx"
    code, out, err = run("export_results", ORG[name], "2025", str(target))
    assert code == 0, err
    assert compare_with_expected(target, name) == []


def snapshot(model):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    return sorted(model.objects.values_list(*fields))


@pytest.mark.django_db
def test_rerunning_and_reimporting_give_identical_results():
    run("import_workbook", str(SCENARIO_DIR / "edge-12.input.xlsx"))
    year = AssessmentYear.objects.get(organisation__code="ORG12")
    year_compute(assessment_year=year)
    first = [snapshot(m) for m in (MonthlyResult, AnnualResult, DepartmentAnnualResult, RewardResult)]
    year_compute(assessment_year=year)
    assert [snapshot(m) for m in (MonthlyResult, AnnualResult, DepartmentAnnualResult, RewardResult)] == first
    code, out, _err = run("import_workbook", str(SCENARIO_DIR / "edge-12.input.xlsx"))
    assert code == 0 and out.startswith("已替换 ORG12")
    year_compute(assessment_year=year)
    assert [snapshot(m) for m in (MonthlyResult, AnnualResult, DepartmentAnnualResult, RewardResult)] == first


@pytest.mark.django_db
def test_pipeline_queries_do_not_grow_with_the_organisation():
    counts = {}
    for name in ("small-11", "params-13"):  # 20 and 53 people
        run("import_workbook", str(SCENARIO_DIR / f"{name}.input.xlsx"))
        year = AssessmentYear.objects.get(organisation__code=ORG[name])
        with CaptureQueriesContext(connection) as context:
            year_compute(assessment_year=year)
        counts[name] = statements(context.captured_queries)
    assert counts["small-11"] == counts["params-13"], counts


def statements(queries) -> int:
    """The number of statements, a bulk insert counting once: SQLite caps a statement at 999
    parameters, so Django splits one bulk_create into batches there (PostgreSQL does not)."""
    count, previous = 0, None
    for query in queries:
        sql = query["sql"]
        key = sql[:sql.find("(")] if sql.startswith("INSERT") else None
        if key is None or key != previous:
            count += 1
        previous = key
    if connection.vendor == "postgresql":
        assert count == len(queries)
    return count


def all_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in {"appraisal", "indicators", "scoring", "rewards"}
            and model._meta.label != "appraisal.AuditEvent"}


@pytest.mark.django_db
@pytest.mark.parametrize("state", [PeriodState.PUBLICITY, PeriodState.LOCKED])
def test_published_or_locked_year_refuses_to_be_replaced(state):
    run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    Period.objects.filter(assessment_year__organisation__code="ORG11", kind="month", number=3).update(state=state)
    before = all_counts()
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    assert code == 1 and "已有公示或锁定的考核周期（3月）" in err
    assert all_counts() == before


def breaking(sheet, row, header, value):
    def apply(book):
        ws = book[sheet]
        column = next(c.column for c in ws[1] if c.value == header)
        ws.cell(row=row, column=column).value = value
    return apply


def removing(sheet):
    def apply(book):
        del book[sheet]
    return apply


# One broken workbook per rule of EXCHANGE.md's input table (the reader's own tests cover each rule
# in detail); through the command each must exit 1, name where it is, and write nothing.
BREAKERS = [
    ("missing sheet", removing("人员"), "人员"),
    ("scheme key unknown", breaking("单位", 2, "考核年度", "二〇二五"), "单位 / 第2行 / 考核年度"),
    ("department group", breaking("部门", 2, "部门分组", "其他"), "部门 / 第2行 / 部门分组"),
    ("head elsewhere", breaking("部门", 2, "负责人工号", "1007"), "部门 / 第2行 / 负责人工号"),
    ("position", breaking("人员", 2, "职务类型", "科长"), "人员 / 第2行 / 职务类型"),
    ("leave months", breaking("人员", 2, "请假月数", 13), "人员 / 第2行 / 请假月数"),
    ("person department", breaking("人员", 3, "部门编码", "D99"), "人员 / 第3行 / 部门编码"),
    ("leaf full score", breaking("指标", 8, "分值", 0), "指标 / 第8行 / 分值"),
    ("indicator parent", breaking("指标", 5, "上级指标编码", "ZZ"), "指标 / 第5行 / 上级指标编码"),
    ("weights sum", breaking("责任比重", 2, "比重", 10), "责任比重 / 第2行 / 比重"),
    ("monthly score bound", breaking("月度指标得分", 2, "得分", 999), "月度指标得分 / 第2行 / 得分"),
    ("month", breaking("月度指标得分", 2, "月份", 13), "月度指标得分 / 第2行 / 月份"),
    ("peer grade", breaking("民主测评", 2, "等次", "极好"), "民主测评 / 第2行 / 等次"),
    ("self rating", breaking("民主测评", 2, "被评价人工号", "1002"), "民主测评 / 第2行"),
    ("workload grade", breaking("工作量系数", 2, "工作量等级", "超大"), "工作量系数 / 第2行 / 工作量等级"),
    ("half", breaking("半年指标得分", 2, "半年", "全年"), "半年指标得分 / 第2行 / 半年"),
    ("satisfaction group", breaking("满意度测评", 2, "评价主体类别", "群众"), "满意度测评 / 第2行 / 评价主体类别"),
    ("common score", breaking("共同类得分", 2, "得分", -1), "共同类得分 / 第2行 / 得分"),
    ("history year", breaking("历史等次", 2, "年度", 2030), "历史等次 / 第2行 / 年度"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("label, damage, where", BREAKERS, ids=[b[0] for b in BREAKERS])
def test_invalid_workbook_exits_1_and_changes_nothing(label, damage, where, tmp_path):
    run("import_workbook", str(SCENARIO_DIR / "ties-14.input.xlsx"))  # an existing year to keep intact
    before = all_counts()
    book = openpyxl.load_workbook(SCENARIO_DIR / "small-11.input.xlsx")
    damage(book)
    path = tmp_path / "bad.xlsx"
    book.save(path)
    code, _out, err = run("import_workbook", str(path))
    assert code == 1
    assert where in err, err
    assert "未导入任何数据" in err
    assert all_counts() == before
    code, _out, err = run("import_workbook", str(path), "--dry-run")
    assert code == 1


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    code, out, _err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"), "--dry-run")
    assert code == 0 and "校验通过" in out and "未写入" in out
    assert not AssessmentYear.objects.exists()


@pytest.mark.django_db
def test_parent_full_score_zero_is_not_a_leaf_score(tmp_path):
    """A parent's 分值 is only checked for a valid value (EXCHANGE.md); zero there is kept as none."""
    book = openpyxl.load_workbook(SCENARIO_DIR / "small-11.input.xlsx")
    breaking("指标", 5, "分值", 0)(book)
    path = tmp_path / "parent.xlsx"
    book.save(path)
    code, _out, err = run("import_workbook", str(path))
    assert code == 0, err
    from indicators.models import Indicator

    assert Indicator.objects.get(code="C1").full_score is None


@pytest.mark.django_db
def test_assessor_and_personnel_categories_are_imported(tmp_path):
    """考核主体 (a department code, or 考核办) and 适用人员类别 reach the plan (issue 12)."""
    book = openpyxl.load_workbook(SCENARIO_DIR / "small-11.input.xlsx")
    sheet = book["指标"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=1, column=len(header) + 1).value = "考核主体"
    sheet.cell(row=1, column=len(header) + 2).value = "适用人员类别"
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(row=rows["C101"], column=len(header) + 1).value = "D01"
    sheet.cell(row=rows["C101"], column=len(header) + 2).value = "专业技术类、行政执法类、综合管理类"
    sheet.cell(row=rows["C201"], column=len(header) + 1).value = "考核办"
    path = tmp_path / "assessors.xlsx"
    book.save(path)
    code, _out, err = run("import_workbook", str(path))
    assert code == 0, err
    from indicators.models import Indicator

    c101, c201 = Indicator.objects.get(code="C101"), Indicator.objects.get(code="C201")
    assert c101.assessor_department.code == "D01" and c201.assessor_department is None
    assert c101.person_categories == ["专业技术类", "行政执法类", "综合管理类"] and c201.person_categories == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_pipeline_job_runs_through_a_real_celery_worker(tmp_path):
    from scoring.models import ScoringJob
    from scoring.tasks import compute_year_task
    from tests.services import celery_worker, require_services, wait_for_job

    require_services()
    run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    year = AssessmentYear.objects.get(organisation__code="ORG11")
    job = ScoringJob.objects.create(assessment_year=year)
    with celery_worker() as queue:
        compute_year_task.apply_async(args=[job.pk], queue=queue)
        assert wait_for_job(job.pk).state == "done"
        # idempotent: running the same job again changes nothing, and a redelivered message is a no-op
        before = snapshot(AnnualResult)
        second = ScoringJob.objects.create(assessment_year=year)
        compute_year_task.apply_async(args=[second.pk], queue=queue)
        assert wait_for_job(second.pk).state == "done"
        assert snapshot(AnnualResult) == before
    job.refresh_from_db()
    assert job.state == "done" and job.progress == 100 and "年度成绩 18 行" in job.message
    target = tmp_path / "results.xlsx"
    assert run("export_results", "ORG11", "2025", str(target))[0] == 0
    assert compare_with_expected(target, "small-11") == []


def _upload(client, capture, handle):
    """Upload a workbook; its validation job runs; the job page (the report or the preview)."""
    from tests.job_helpers import request_and_run

    response = request_and_run(capture, lambda: client.post("/years/workbook/", {"file": handle}))
    assert response.status_code == 302 and "/years/workbook/jobs/" in response.url, response.status_code
    return response.url, client.get(response.url).content.decode()


@pytest.mark.django_db
def test_office_imports_a_workbook_in_the_browser_flow(client, world, tmp_path, django_capture_on_commit_callbacks):
    """Upload → report of every problem → nothing written; a clean upload of another organisation's year
    is refused already by the dry run (issue 14: no 校验通过 and then a refusal), with no import button."""
    client.force_login(world.users["office"])
    template = client.get("/years/workbook/template/")
    assert template.status_code == 200 and template["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(SCENARIO_DIR / "small-11.input.xlsx")
    breaking("人员", 2, "职务类型", "科长")(book)
    breaking("部门", 3, "部门分组", "其他")(book)
    bad = io.BytesIO()
    book.save(bad)
    bad.seek(0)
    bad.name = "bad.xlsx"
    _url, text = _upload(client, django_capture_on_commit_callbacks, bad)
    assert "发现 2 处问题，未导入任何数据" in text
    assert "部门 / 第3行 / 部门分组" in text and "人员 / 第2行 / 职务类型" in text
    assert 'id="confirm-import"' not in text
    assert not AssessmentYear.objects.filter(organisation__code="ORG11").exists()
    with open(SCENARIO_DIR / "small-11.input.xlsx", "rb") as handle:
        url, text = _upload(client, django_capture_on_commit_callbacks, handle)
    assert "您没有导入该单位数据的权限" in text and "校验通过" not in text  # ORG11 is not the office's organisation
    assert 'id="confirm-import"' not in text
    job_id = int(url.rstrip("/").split("/")[-1])
    refused = client.post(f"/years/workbook/jobs/{job_id}/import/", follow=True).content.decode()
    assert "未通过校验" in refused
    assert not AssessmentYear.objects.filter(organisation__code="ORG11").exists()


@pytest.mark.django_db
def test_office_imports_its_own_organisations_year(client, world, django_capture_on_commit_callbacks):
    """The dry run's preview, then the import confirmed without a second upload; the upload is deleted."""
    from scoring import job_kinds
    from scoring.models import ScoringJob
    from tests.job_helpers import request_and_run

    client.force_login(world.users["office"])
    book = openpyxl.load_workbook(SCENARIO_DIR / "small-11.input.xlsx")
    breaking("单位", 2, "单位编码", "T1")(book)
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "t1.xlsx"
    url, text = _upload(client, django_capture_on_commit_callbacks, upload)
    assert "校验通过" in text and 'id="confirm-import"' in text
    assert not AssessmentYear.objects.filter(organisation=world.organisation, year=2025).exists()  # a dry run
    validation = ScoringJob.objects.get(kind="validate")
    assert validation.state == "done" and validation.progress == 100
    stored = job_kinds.path_of(validation.file)
    assert str(settings.PRIVATE_MEDIA_ROOT) in stored and open(stored, "rb").read(2) == b"PK"
    response = request_and_run(django_capture_on_commit_callbacks,
                               lambda: client.post(f"/years/workbook/jobs/{validation.pk}/import/"))
    imported = ScoringJob.objects.get(kind="import")
    assert response.url.endswith(f"/years/workbook/jobs/{imported.pk}/")
    text = client.get(response.url).content.decode()
    assert "已导入 T1 2025 年度：4 个部门，22 人" in text
    assert AssessmentYear.objects.get(organisation=world.organisation, year=2025)
    assert imported.source == validation and imported.requested_by == world.users["office"]
    assert not os.path.exists(stored)  # imported: the upload is gone
    # the validation cannot be imported twice
    assert 'id="confirm-import"' not in client.get(url).content.decode()
