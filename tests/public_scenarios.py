"""The public scenarios, kept inside the repository in tests/scenarios/ (see its README): the one place
every test finds them. Every sheet of the expected workbooks counts, the leadership sheets included."""
from __future__ import annotations

from pathlib import Path

from appraisal.exchange.writer import compare_results

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
SCENARIO_NAMES = ("small-11", "edge-12", "params-13", "ties-14")
ORG = {"small-11": "ORG11", "edge-12": "ORG12", "params-13": "ORG13", "ties-14": "ORG14"}


def input_path(name: str) -> Path:
    return SCENARIO_DIR / f"{name}.input.xlsx"


def expected_path(name: str) -> Path:
    return SCENARIO_DIR / f"{name}.expected.xlsx"


def compare_with_expected(actual, name: str) -> list[str]:
    """Every difference between a results workbook and the scenario's expected one, sheet by sheet."""
    return compare_results(actual, expected_path(name))
