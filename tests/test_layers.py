"""Dependencies run one way: the core (appraisal/) imports no app above it.

The apps add what the core needs through registries (access rules, period checks, demo steps,
period-state signals). The year workbook (appraisal/exchange/) spans every app and is the one
known exception still to move out of the core; it is listed here so that no new one slips in.
"""
import ast
from pathlib import Path

from django.conf import settings

ABOVE = ("indicators", "tracelog", "scoring", "rewards", "periods")
KNOWN = {
    "appraisal/exchange/",  # the year workbook: reads and writes every app's tables
    "appraisal/views/exchange.py",  # its pages: the import and export run as scoring's background jobs
    "appraisal/context_processors.py",  # the navigation's unread-notification count (tracelog)
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno


def test_the_core_imports_no_app_above_it():
    base = Path(settings.BASE_DIR)
    offending = []
    for path in sorted((base / "appraisal").rglob("*.py")):
        relative = path.relative_to(base).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or any(relative.startswith(k) for k in KNOWN):
            continue
        offending += [f"{relative}:{line} imports {module}" for module, line in _imports(path) if module in ABOVE]
    assert offending == []
