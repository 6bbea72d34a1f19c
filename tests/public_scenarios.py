"""The public scenarios, kept inside the repository in tests/scenarios/ (see its README): the one place
every test finds them, and the one switch that leaves the leadership sheets out of the comparison."""
from __future__ import annotations

from pathlib import Path

from appraisal.exchange.writer import compare_results

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
SCENARIO_NAMES = ("small-11", "edge-12", "params-13", "ties-14")
ORG = {"small-11": "ORG11", "edge-12": "ORG12", "params-13": "ORG13", "ties-14": "ORG14"}

# The expected workbooks carry the leadership appraisal (DOMAIN 7.4), which is not computed yet.
# The engineer who builds it removes this set (and its use below): from then on every sheet counts.
LEADERSHIP_SHEETS_PENDING = frozenset({"领导班子成绩", "班子成员成绩"})


def input_path(name: str) -> Path:
    return SCENARIO_DIR / f"{name}.input.xlsx"


def expected_path(name: str) -> Path:
    return SCENARIO_DIR / f"{name}.expected.xlsx"


def compare_with_expected(actual, name: str) -> list[str]:
    """Every difference between a results workbook and the scenario's expected one, sheet by sheet."""
    return compare_results(actual, expected_path(name), skip_sheets=LEADERSHIP_SHEETS_PENDING)
