"""Test settings: the same as base, with a fast password hasher.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs this suite on
PostgreSQL with a real Celery worker by setting them.
"""
import os
from pathlib import Path

from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Evidence files written by tests go to a temporary folder, not the working tree.
import tempfile  # noqa: E402

# A worker process started by a test (tests/services.py) is handed the test's folder in the environment.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or tempfile.mkdtemp(prefix="appraisal-test-private-"))

# pytest-xdist (make test runs the suite in parallel): each test process gets a Redis database of its
# own (REDIS_URL's number + the worker's index), so that purging the broker or a killed worker's
# unacknowledged messages in one process never touches another's. The test databases are already
# separate (pytest-django suffixes them per worker); worker processes started by a test inherit both.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    _db = int(_parts.path.strip("/") or 0) + int(_XDIST_WORKER[2:])
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{_db}"))
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
