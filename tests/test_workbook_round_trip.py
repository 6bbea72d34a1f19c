"""Workbook round trip (issue 14): the year's input workbook exported from the database reads back as
the same year the imported workbook held, and importing the export changes nothing."""
from collections import Counter
from dataclasses import asdict

import pytest

from appraisal.exchange.input_writer import write_year_input, year_input
from appraisal.exchange.reader import read_workbook
from appraisal.models import AssessmentYear
from tests.public_scenarios import ORG, SCENARIO_DIR, SCENARIO_NAMES
from tests.test_year_workbook import run


def normalised(data) -> dict:
    """A YearInput as comparable values: collections as multisets, the order of rows aside."""
    fields = asdict(data)
    fields.pop("plan_changes")  # the workbook carries none
    fields.pop("peer_tallies", None)  # the pipeline's counts of peer_ratings (the database loader's form)
    # an imported override without a note is stored with the note "年度工作簿导入" (scoring.leadership.data)
    fields["leadership_override_notes"] = {k: v for k, v in fields["leadership_override_notes"].items()
                                           if v and v != "年度工作簿导入"}
    out = {}
    for key, value in fields.items():
        if isinstance(value, list):
            out[key] = Counter(repr(tuple(item.values()) if isinstance(item, dict) else tuple(item)) for item in value)
        else:
            out[key] = value
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_export_of_the_input_reads_back_as_the_imported_year(name, tmp_path):
    source = SCENARIO_DIR / f"{name}.input.xlsx"
    code, _out, err = run("import_workbook", str(source))
    assert code == 0, err
    year = AssessmentYear.objects.get(organisation__code=ORG[name], year=2025)
    exported = tmp_path / "export.xlsx"
    counts = write_year_input(year_input(year), exported, max_rows=40)  # small parts: 民主测评2 … too
    assert counts["民主测评"] > 39
    original, again = read_workbook(source), read_workbook(exported)
    assert original.errors == [] and again.errors == [], again.errors[:5]
    assert normalised(again.data) == normalised(original.data)

    # importing the export replaces the year with the same data: a second export is the same again
    code, out, err = run("import_workbook", str(exported))
    assert code == 0 and out.startswith("已替换 " + ORG[name]), err
    second = tmp_path / "second.xlsx"
    write_year_input(year_input(year), second)
    assert normalised(read_workbook(second).data) == normalised(again.data)
