"""The repository stands alone: whoever clones it has only the repository. No code, test, build or CI
file reaches outside it for data (the public scenarios live in tests/scenarios/)."""
import re
import subprocess
from pathlib import Path

from tests.public_scenarios import SCENARIO_DIR, SCENARIO_NAMES, expected_path, input_path

ROOT = Path(__file__).resolve().parents[1]
CHECKED_SUFFIXES = {".py", ".ini", ".cfg", ".toml", ".txt", ".sh", ".yml", ".yaml", ".html", ".js"}
CHECKED_NAMES = {"Makefile", "Dockerfile", "run"}
OUTSIDE = re.compile(r"\.\./shared|/work/shared|parents\[\d\]\s*/\s*[\"']shared|SCENARIO_DIR[\"']\s*[,)]")


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    if listed.returncode == 0 and listed.stdout.strip():
        return [ROOT / line for line in listed.stdout.splitlines()]
    return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]


def test_every_scenario_is_inside_the_repository():
    assert SCENARIO_DIR.parent == ROOT / "tests"
    for name in SCENARIO_NAMES:
        assert input_path(name).is_file() and expected_path(name).is_file(), name
    assert sorted(p.name for p in SCENARIO_DIR.glob("*.xlsx")) == sorted(
        [f"{n}.input.xlsx" for n in SCENARIO_NAMES] + [f"{n}.expected.xlsx" for n in SCENARIO_NAMES])
    readme = (SCENARIO_DIR / "README.md").read_text(encoding="utf-8")
    assert "整体更新" in readme and all(name in readme for name in SCENARIO_NAMES)


def test_no_code_build_or_ci_file_reaches_outside_the_repository():
    offenders = []
    for path in tracked_files():
        if path.suffix not in CHECKED_SUFFIXES and path.name not in CHECKED_NAMES:
            continue
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1)
                      if OUTSIDE.search(line)]
    assert offenders == []


def test_readme_and_docs_point_inside_the_repository():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), SCENARIO_DIR / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert not OUTSIDE.search(text), path
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if "://" not in target:
                assert (path.parent / target).exists(), f"{path.relative_to(ROOT)} → {target}"


def documented_scheme_keys() -> set[str]:
    """Keys written in docs/workbook.md, shorthand expanded: `a.b.X` / `Y` / `Z` → a.b.X, a.b.Y, a.b.Z."""
    keys = set()
    for line in (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8").splitlines():
        prefix = None
        for token in re.findall(r"`([^`]+)`", line):
            if "." in token:
                keys.add(token)
                prefix = token.rsplit(".", 1)[0]
            elif prefix:
                keys.add(f"{prefix}.{token}")
    return keys


def test_every_scheme_key_is_documented_with_its_default_and_range():
    from appraisal.scheme import SCHEME_DEFAULTS

    missing = sorted(set(SCHEME_DEFAULTS) - documented_scheme_keys())
    assert missing == [], f"docs/workbook.md 的“方案参数”一节缺少这些参数（默认值与合法范围）：{missing}"
