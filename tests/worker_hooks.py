"""The Celery app of test workers that need a fault at a known point of the scoring pipeline.

Only tests start it (``tests.services.worker_process(app="tests.worker_hooks", env=...)``): it is the
product's app (``appraisal.celery``) plus, once the worker has set Django up, wrappers around two
functions of the pipeline, driven by environment variables of that worker process alone. Nothing of
the product imports this module, so no production path carries a hook.

- ``SCORING_TEST_PAUSE=compute`` pauses before the computation (stage 计算成绩);
  ``SCORING_TEST_PAUSE=publish`` pauses inside the publication's transaction, after the first result
  table is written. The worker then creates the file ``SCORING_TEST_PAUSE_MARK`` (so the test knows
  where it is) and waits until the file ``SCORING_TEST_RELEASE`` exists, at most
  ``SCORING_TEST_PAUSE_SECONDS`` (default 600). Only the first run of the process pauses.
- ``SCORING_TEST_FAIL=compute`` makes the computation raise (the reason names the injected fault).
"""
import os
import threading
import time
from pathlib import Path

import django
from celery.signals import worker_init

from appraisal.celery import app

__all__ = ["app"]
# the function of scoring.publication that writes one result table (the pause comes after the first)
WRITE_FUNCTION = "replace_rows"

_paused = threading.Event()


def _pause() -> None:
    if _paused.is_set():
        return
    _paused.set()
    Path(os.environ["SCORING_TEST_PAUSE_MARK"]).write_text(str(os.getpid()))
    release = os.environ.get("SCORING_TEST_RELEASE", "")
    deadline = time.monotonic() + float(os.environ.get("SCORING_TEST_PAUSE_SECONDS", "600"))
    while time.monotonic() < deadline and not (release and Path(release).exists()):
        time.sleep(0.1)


@worker_init.connect
def install_hooks(**_kwargs):
    django.setup()
    from scoring import publication, services

    pause, fail = os.environ.get("SCORING_TEST_PAUSE", ""), os.environ.get("SCORING_TEST_FAIL", "")
    compute = services.compute_year

    def compute_year(data):
        if fail == "compute":
            raise ValueError("注入的故障：计算阶段出错（测试）")
        if pause == "compute":
            _pause()
        return compute(data)

    services.compute_year = compute_year

    if pause == "publish":
        write, calls = getattr(publication, WRITE_FUNCTION), []

        def first_table_then_pause(*args, **kwargs):
            written = write(*args, **kwargs)
            calls.append(1)
            if len(calls) == 1:
                _pause()
            return written

        setattr(publication, WRITE_FUNCTION, first_table_then_pause)
