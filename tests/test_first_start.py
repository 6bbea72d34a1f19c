"""Issue 14: the first start of a fresh clone (no collectstatic yet) serves pages without WhiteNoise's
"No directory at …/var/staticfiles/" warning."""
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = """
import warnings
warnings.simplefilter("error")
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
assert Client().get("/login/").status_code == 200
"""


def test_a_fresh_static_root_gives_no_warning(tmp_path):
    root = tmp_path / "var" / "staticfiles"
    env = {**os.environ, "STATIC_ROOT": str(root), "DJANGO_SETTINGS_MODULE": "appraisal.settings.test",
           "PYTHONWARNINGS": "error::UserWarning"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=Path(settings.BASE_DIR), env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No directory at" not in result.stderr and root.is_dir()
