"""Issue 15: concurrent imports of one organisation-year are serialised by the year's lock, on
PostgreSQL with real processes (skipped on the embedded default, whose in-memory test database no
other process can open). Ten operators import the same workbook at once: the first creates the
year, the nine others replace it one after the other; nobody sees an IntegrityError; the data are
those of one import. An import that cannot get the lock in time says so in Chinese and writes
nothing."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction

from appraisal.locks import year_lock
from appraisal.models import AssessmentYear, AuditEvent
from scoring.services import year_compute
from tests.public_scenarios import SCENARIO_DIR, compare_with_expected
from tests.services import require_postgresql, worker_database_url
from tests.test_year_workbook import run

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WORKBOOK = SCENARIO_DIR / "small-11.input.xlsx"
# every table an import writes or clears: their row counts must be those of one import
APPS = ("appraisal", "indicators", "scoring", "rewards", "tracelog")


def _start(*args: str, out: Path) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=worker_database_url(), DJANGO_SETTINGS_MODULE="appraisal.settings.test")
    handle = open(out, "w")
    process = subprocess.Popen([sys.executable, "manage.py", "import_workbook", str(WORKBOOK), *args],
                               cwd=settings.BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT)
    process.handle = handle
    return process


def _finish(processes) -> list[tuple[int, str]]:
    outcomes = []
    for process, path in processes:
        try:
            code = process.wait(timeout=600)
        finally:
            if process.poll() is None:
                process.kill()
            process.handle.close()
        outcomes.append((code, Path(path).read_text()))
    return outcomes


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for name in APPS for model in apps.get_app_config(name).get_models()
            if model is not AuditEvent}


def test_ten_concurrent_imports_of_one_year_run_one_after_the_other(tmp_path):
    require_postgresql()
    processes = [(_start("--wait", "600", out=tmp_path / f"{n}.out"), tmp_path / f"{n}.out") for n in range(10)]
    outcomes = _finish(processes)
    texts = [text for _code, text in outcomes]
    assert [code for code, _text in outcomes] == [0] * 10, texts
    assert all("Traceback" not in text and "IntegrityError" not in text for text in texts), texts
    assert sum(text.startswith("已导入 ORG11 2025 年度") for text in texts) == 1, texts
    assert sum(text.startswith("已替换 ORG11 2025 年度") for text in texts) == 9, texts
    assert AuditEvent.objects.filter(action="year.import").count() == 10
    # the data are those of one import: one more (sequential) import changes no count, and the
    # year computes to the scenario's expected results
    after_ten = _counts()
    code, out, err = run("import_workbook", str(WORKBOOK))
    assert code == 0 and out.startswith("已替换"), err
    assert _counts() == after_ten
    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    year_compute(assessment_year=year)
    target = tmp_path / "results.xlsx"
    assert run("export_results", "ORG11", "2025", str(target))[0] == 0
    assert compare_with_expected(target, "small-11") == []


def test_an_import_that_cannot_get_the_year_says_so_and_writes_nothing(tmp_path):
    require_postgresql()
    code, _out, err = run("import_workbook", str(WORKBOOK))
    assert code == 0, err
    before = _counts()
    with transaction.atomic():
        year_lock("ORG11", 2025)  # another import or publication of the year holds it
        (code, text), = _finish([(_start("--wait", "1", out=tmp_path / "busy.out"), tmp_path / "busy.out")])
    assert code == 1, text
    assert "ORG11 2025 年度的数据正在由另一个导入或成绩计算写入，请稍后再试。" in text
    assert "Traceback" not in text
    assert _counts() == before
