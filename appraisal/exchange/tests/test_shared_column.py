"""The optional 共享指标 column of the 指标 sheet (DOMAIN.md §9): read into the plan and imported; a
shared indicator twice in one department, or on a common leaf, is reported where it is."""
import pytest

from appraisal.exchange.tests.test_reader import BASE, expect_among, find, load, put, read


def _with_column(wb):
    ws = wb["指标"]
    ws.cell(row=1, column=ws.max_column + 1).value = "共享指标"
    return ws


def test_shared_names_are_read(tmp_path):
    wb = load(BASE)
    ws = _with_column(wb)
    put(ws, find(ws, 指标编码="MD01-1"), "共享指标", "办文办公")
    put(ws, find(ws, 指标编码="MD02-1"), "共享指标", "办文办公")
    result = read(wb, tmp_path)
    assert result.errors == [], [str(e) for e in result.errors]
    shared = {i.code: i.shared for i in result.data.indicators if i.shared}
    assert shared == {"MD01-1": "办文办公", "MD02-1": "办文办公"}


def test_workbooks_without_the_column_stay_valid(tmp_path):
    result = read(load(BASE), tmp_path)
    assert result.errors == [] and all(i.shared == "" for i in result.data.indicators)


def test_shared_twice_in_a_department_or_on_a_common_leaf_is_refused(tmp_path):
    wb = load(BASE)
    ws = _with_column(wb)
    put(ws, find(ws, 指标编码="MD01-1"), "共享指标", "办文办公")
    second = find(ws, 指标编码="MD01-2")
    put(ws, second, "共享指标", "办文办公")
    common = find(ws, 指标编码="C101")
    put(ws, common, "共享指标", "工作作风")
    result = read(wb, tmp_path)
    expect_among(result, "指标", second, "共享指标", "同一部门")
    expect_among(result, "指标", common, "共享指标", "管理类、业务类")


@pytest.mark.django_db
def test_import_writes_the_shared_names(tmp_path):
    from appraisal.exchange.importer import year_import
    from indicators.models import Indicator

    wb = load(BASE)
    ws = _with_column(wb)
    put(ws, find(ws, 指标编码="MD01-1"), "共享指标", "办文办公")
    year_import(data=read(wb, tmp_path).data)
    assert Indicator.objects.get(code="MD01-1").shared == "办文办公"
    assert Indicator.objects.get(code="MD01-2").shared == ""
