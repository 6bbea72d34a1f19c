"""SECURITY.md item 22: the documented pg_dump / pg_restore procedure restores a database whose
audit chain verifies and whose rows are all there."""
import os
import shutil
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from appraisal import audit, services
from tests.services import require_services, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_dump_and_restore_keep_the_audit_chain_and_rows(world, tmp_path):
    require_services()
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is not installed")
    office = world.users["office"]
    year = services.year_open(user=office, organisation=world.organisation, year=2025)
    for index in range(5):
        audit.record("backup.test", object_type="t", new={"i": index})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appraisal_auditevent")
        events = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM appraisal_period WHERE assessment_year_id = %s", [year.pk])
        periods = cursor.fetchone()[0]
    source = worker_database_url()
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), source], check=True)
    restored_name = f"restore_{uuid.uuid4().hex[:8]}"
    server = source.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{server}/postgres", "-qc", f'CREATE DATABASE "{restored_name}"'], check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "-d", f"{server}/{restored_name}", str(dump)], check=True)
        env = dict(os.environ, DATABASE_URL=f"{server}/{restored_name}", DJANGO_SETTINGS_MODULE="appraisal.settings.test")
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        result = subprocess.run([sys.executable, "manage.py", "verify_audit_chain"], cwd=settings.BASE_DIR, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert f"审计链完整，共校验 {events} 条事件" in result.stdout
        counts = subprocess.run(
            ["psql", f"{server}/{restored_name}", "-tAc",
             "SELECT (SELECT count(*) FROM appraisal_auditevent) || ',' || (SELECT count(*) FROM appraisal_period)"],
            check=True, capture_output=True, text=True).stdout.strip()
        assert counts == f"{events},{periods}"
        # The trigger came back with the dump: the restored audit table is still append-only.
        refused = subprocess.run(["psql", f"{server}/{restored_name}", "-qc",
                                  "UPDATE appraisal_auditevent SET reason = 'x'"], capture_output=True, text=True)
        assert refused.returncode != 0 and "append-only" in refused.stderr
    finally:
        subprocess.run(["psql", f"{server}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{restored_name}"'])
