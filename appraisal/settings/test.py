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
