"""Issue 15 on the embedded default (SQLite, ``make run``): two submissions of one peer ballot at the
same moment (a double click, two tabs) from two processes on one SQLite file. Writers begin their
transactions IMMEDIATE and wait for the write lock (busy timeout) instead of failing with
"database is locked": no 500, both saved, one row per rater, ratee and month.

The test database (in memory) is copied to a file, which two server processes open as
``DATABASE_URL=sqlite:///…``: the real file locking of the embedded default. On PostgreSQL (CI's
second pass) there is no SQLite file to share: the test is for the embedded default only."""
import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from appraisal.models import Period
from scoring.models import PeerRating

pytestmark = pytest.mark.django_db(transaction=True)

SUBMIT = """
import json, time
from pathlib import Path
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="staff"))
assert client.get("/scoring/peer/?period={period}").status_code == 200  # warm, as a running server is
go = Path({go!r})
while not go.exists():
    time.sleep(0.01)
statuses = []
for grade in {grades!r}:
    response = client.post("/scoring/peer/", {{"period": "{period}", **{{f"g{{pk}}": grade for pk in {ratees!r}}}}})
    statuses.append(response.status_code)
print(json.dumps(statuses))
"""


def test_two_concurrent_submissions_of_one_peer_ballot_on_a_sqlite_file(world, year, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite（内置默认数据库）专属：第一轮（make test）运行")
    period = Period.objects.get(assessment_year=year, kind="month", number=1)
    ratees = [world.head.pk, world.colleague.pk]
    database = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)
    go = tmp_path / "go"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", DJANGO_SETTINGS_MODULE="appraisal.settings.test",
               ALLOWED_HOSTS="testserver")
    env.pop("REDIS_URL", None)
    processes = []
    for grades in (["优秀", "良好", "中等", "优秀", "差"], ["良好", "中等", "差", "良好", "优秀"]):
        script = SUBMIT.format(period=period.pk, go=str(go), grades=grades, ratees=ratees)
        processes.append(subprocess.Popen([sys.executable, "manage.py", "shell", "-c", script], cwd=settings.BASE_DIR,
                                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    time.sleep(1)
    # both processes have started Django and logged in (their first writes) before the race begins
    deadline = time.monotonic() + 120
    sessions = sqlite3.connect(database)
    try:
        while sessions.execute("SELECT count(*) FROM django_session").fetchone()[0] < 2:
            assert time.monotonic() < deadline, "the two processes did not start within 120 s"
            assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
            time.sleep(0.2)
    finally:
        sessions.close()
    go.write_text("go")
    outcomes = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outcomes):
        assert process.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == [302] * 5, (out, err)
    with sqlite3.connect(database) as result:
        rows = result.execute("SELECT rater_id, ratee_id, grade FROM scoring_peerrating WHERE period_id = ?",
                              [period.pk]).fetchall()
    assert sorted((rater, ratee) for rater, ratee, _grade in rows) == sorted((world.staff.pk, r) for r in ratees)
    # each ballot was saved whole: the last one written wins for both colleagues together
    assert len({grade for _rater, _ratee, grade in rows}) == 1, rows
    assert not PeerRating.objects.exists()  # the copy was written, not the test database
