"""A year workbook whose 民主测评 goes on in 民主测评2 imports, computes and exports like the whole
sheet; the results workbook continues its long sheets the same way (a small row limit stands in for
Excel's 1,048,576) and reads back as one sheet each."""
import io

import openpyxl
import pytest
from django.core.management import call_command

from appraisal.exchange.sheets import ContinuedSheet, base_sheet_name
from appraisal.exchange.writer import read_results
from tests.public_scenarios import ORG, compare_with_expected, input_path
from tests.test_year_workbook import pipeline_worker  # noqa: F401  (the fixture)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def continued_input(tmp_path, name="small-11", sheet="民主测评", rows=300):
    wb = openpyxl.load_workbook(input_path(name))
    ws = wb[sheet]
    data = [[cell.value for cell in row] for row in ws.iter_rows(min_row=rows + 2)]
    assert data, "the scenario's sheet is shorter than the split"
    ws.delete_rows(rows + 2, ws.max_row)
    part = wb.create_sheet(f"{sheet}2")
    part.append([cell.value for cell in ws[1]])
    for row in data:
        part.append(row)
    path = tmp_path / "continued.xlsx"
    wb.save(path)
    return path


# transaction=True: compute_scores queues its job on commit, as in production.
@pytest.mark.django_db(transaction=True)
def test_a_continued_ballot_sheet_imports_computes_and_exports(tmp_path, pipeline_worker):  # noqa: F811
    name = "small-11"
    code, out, err = run("import_workbook", str(continued_input(tmp_path)))
    assert code == 0, err
    assert run("compute_scores", ORG[name], "2025")[0] == 0
    target = tmp_path / "results.xlsx"
    code, out, err = run("export_results", ORG[name], "2025", str(target), "--max-rows", "50")
    assert code == 0, err
    titles = openpyxl.load_workbook(target, read_only=True).sheetnames
    assert {"月度成绩", "月度成绩2", "月度成绩3"} <= set(titles)
    assert compare_with_expected(target, name) == []


def test_a_continued_sheet_has_the_header_on_every_part(tmp_path):
    wb = openpyxl.Workbook(write_only=True)
    out = ContinuedSheet(wb, "月度成绩", ("工号", "得分"), max_rows=4, formats=(None, "0.00"))
    for number in range(7):
        out.append((f"{1000 + number}", number + 0.5))
    assert out.close() == 7 and out.titles == ["月度成绩", "月度成绩2", "月度成绩3"]
    wb.save(tmp_path / "book.xlsx")
    back = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert [[c.value for c in row] for row in back["月度成绩2"].iter_rows()] == [
        ["工号", "得分"], ["1003", 3.5], ["1004", 4.5], ["1005", 5.5]]
    assert back["月度成绩3"]["B2"].number_format == "0.00" and back["月度成绩3"]["A1"].font.b
    rows = read_results(tmp_path / "book.xlsx")
    assert len(rows.get("月度成绩", {})) == 0  # not a results sheet's key columns: nothing to compare


def test_base_sheet_name():
    names = {"民主测评", "月度成绩"}
    assert base_sheet_name("民主测评12", names) == "民主测评"
    assert base_sheet_name("月度成绩", names) == "月度成绩"
    assert base_sheet_name("月度成绩1", names) == "月度成绩1"
    assert base_sheet_name("其他2", names) == "其他2"
