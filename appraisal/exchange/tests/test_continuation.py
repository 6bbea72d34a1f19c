"""Continuation sheets (EXCHANGE.md): any sheet may go on in 名称2, 名称3 …, each with its own header row;
errors name the worksheet and its own Excel row."""
from __future__ import annotations

from appraisal.exchange.reader import read_workbook

from .test_reader import expect_only, load, read


def split(wb, name: str, rows_per_sheet: int, reorder_columns: bool = False) -> list[str]:
    """Move the data rows of ``name`` beyond ``rows_per_sheet`` into 名称2, 名称3 … (same header)."""
    ws = wb[name]
    header = [cell.value for cell in ws[1]]
    data = [[cell.value for cell in row] for row in ws.iter_rows(min_row=rows_per_sheet + 2)]
    ws.delete_rows(rows_per_sheet + 2, ws.max_row)
    titles = [name]
    for number, start in enumerate(range(0, len(data), rows_per_sheet), start=2):
        part = wb.create_sheet(f"{name}{number}")
        order = list(reversed(range(len(header)))) if reorder_columns else list(range(len(header)))
        part.append([header[i] for i in order])
        for row in data[start:start + rows_per_sheet]:
            part.append([row[i] for i in order])
        titles.append(part.title)
    return titles


def test_a_sheet_continued_reads_like_one_sheet(tmp_path):
    whole = read(load(), tmp_path).data
    wb = load()
    titles = split(wb, "民主测评", 40, reorder_columns=True)
    assert len(titles) > 2
    result = read(wb, tmp_path)
    assert result.errors == []
    assert result.data.peer_ratings == whole.peer_ratings
    assert result.data == whole


def test_any_sheet_may_continue(tmp_path):
    whole = read(load(), tmp_path).data
    wb = load()
    split(wb, "人员", 7)
    split(wb, "指标", 5)
    split(wb, "月度指标得分", 10)
    result = read(wb, tmp_path)
    assert result.errors == [] and result.data == whole


def test_errors_name_the_continuation_sheet_and_its_row(tmp_path):
    wb = load()
    split(wb, "民主测评", 40)
    wb["民主测评2"].cell(row=5, column=4).value = "很好"  # 等次 is the 4th column
    expect_only(read(wb, tmp_path), "民主测评2", 5, "等次", "很好")


def test_a_repeat_across_sheets_names_the_first_sheet(tmp_path):
    wb = load()
    split(wb, "民主测评", 40)
    first = [cell.value for cell in wb["民主测评"][3]]
    wb["民主测评2"].append(first)
    row = wb["民主测评2"].max_row
    expect_only(read(wb, tmp_path), "民主测评2", row, None, "与“民主测评”第3行重复")


def test_a_continuation_needs_the_header(tmp_path):
    wb = load()
    split(wb, "民主测评", 40)
    wb["民主测评2"].cell(row=1, column=2).value = "评价人"
    expect_only(read(wb, tmp_path), "民主测评2", 1, "评价人工号", "缺少必填列")


def test_continuations_are_numbered_from_2_without_gaps(tmp_path):
    wb = load()
    assert len(split(wb, "民主测评", wb["民主测评"].max_row // 2 + 1)) == 2
    wb["民主测评2"].title = "民主测评3"
    expect_only(read(wb, tmp_path), "民主测评3", None, None, "缺少“民主测评2”")


def test_a_continuation_without_its_first_sheet(tmp_path):
    wb = load()
    split(wb, "民主测评", 40)
    del wb["民主测评"]
    expect_only(read(wb, tmp_path), "民主测评", None, None, "缺少工作表“民主测评”")


def test_errors_come_in_sheet_then_part_then_row_order(tmp_path):
    wb = load()
    split(wb, "民主测评", 40)
    wb["民主测评2"].cell(row=3, column=4).value = "很好"
    wb["民主测评"].cell(row=9, column=4).value = "很好"
    wb["工作量系数"].cell(row=2, column=3).value = "很大"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    result = read_workbook(path)
    assert [(e.sheet, e.row) for e in result.errors] == [("民主测评", 9), ("民主测评2", 3), ("工作量系数", 2)]


def test_empty_continuation_sheet_is_fine(tmp_path):
    wb = load()
    wb.create_sheet("民主测评2").append(["月份", "评价人工号", "被评价人工号", "等次"])
    assert read(wb, tmp_path).errors == []
