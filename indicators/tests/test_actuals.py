"""Actual values from business systems become scores through each leaf's scoring standard."""
from decimal import Decimal as D

import pytest

from appraisal import services as core
from appraisal.models import Period, PeriodState
from indicators.actuals import actuals_import
from indicators.models import IndicatorScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(plan):
    leaf = plan["monthly"]  # full 10, bonus cap 2
    leaf.standard_key, leaf.standard_params = "target_rate", {"target_rate": "95", "k_up": "0.5", "k_down": "1"}
    leaf.save()
    half = plan["half"]  # full 20
    half.standard_key, half.standard_params = "per_incident", {"points_per_incident": "3"}
    half.save()
    return plan


def csv_bytes(lines, encoding="utf-8-sig"):
    return "\n".join(lines).encode(encoding)


def test_csv_values_become_scores(world, year, rated):
    content = csv_bytes(["指标编码,周期,实际值", "B1,1,97%", "B1,2月,90", "B2,上半年,2", "B1,3,99.5"])
    report = actuals_import(user=world.users["office"], assessment_year=year, content=content, filename="data.csv")
    assert report.errors == [] and report.written
    scores = {(s.indicator.code, s.period.label): s.score for s in IndicatorScore.objects.select_related("indicator", "period")}
    # 97% vs 95%: +2 points × 0.5 = 11; 90%: −5 × 1 = 5; 99.5%: 10 + 2.25 capped at 12; 2 incidents: 20 − 6
    assert scores == {("B1", "1月"): D("11.00"), ("B1", "2月"): D("5.00"), ("B1", "3月"): D("12.00"),
                      ("B2", "上半年"): D("14.00")}
    assert IndicatorScore.objects.get(period__number=1, period__kind="month").actual_value == "97%"


def test_unusable_rows_are_reported_and_nothing_is_stored(world, year, rated):
    office = world.users["office"]
    period = Period.objects.get(assessment_year=year, kind="month", number=4)
    for state in (PeriodState.SCORING, PeriodState.PUBLICITY):
        core.period_transition(user=office, period=period, to_state=state, override=True, reason="测试：越过检查清单")
    content = csv_bytes(["指标编码,周期,实际值", "B1,1,97", "B9,1,90", "B1,13,90", "B2,3,1", "B1,1,96",
                         "B1,4,90", "B1,5,很好", "C1,1,5"], encoding="gb18030")
    report = actuals_import(user=office, assessment_year=year, content=content, filename="data.csv")
    text = "\n".join(report.errors)
    for fragment in ["第 3 行：指标“B9”不是本年度的管理类或业务类末级指标", "第 4 行：周期“13”不适用于月度指标",
                     "第 5 行：周期“3”不适用于半年指标（应为 上半年 / 下半年）", "第 6 行：与第 2 行重复",
                     "第 7 行：4月 处于“公示”状态", "第 8 行：B1：", "第 9 行：指标“C1”不是"]:
        assert fragment in text, text
    assert not report.written and not IndicatorScore.objects.exists()


def test_missing_columns_and_unreadable_files(world, year, rated):
    office = world.users["office"]
    report = actuals_import(user=office, assessment_year=year, content=csv_bytes(["编码,值"]), filename="a.csv")
    assert "缺少必需列：指标编码、周期、实际值" in report.errors[0]
    report = actuals_import(user=office, assessment_year=year, content=b"not a workbook", filename="a.xlsx")
    assert "无法读取该文件" in report.errors[0]


def test_actuals_page(client, world, year, rated):
    import io

    client.force_login(world.users["office"])
    upload = io.BytesIO(csv_bytes(["指标编码,周期,实际值", "B1,1,95"]))
    upload.name = "actuals.csv"
    response = client.post(f"/indicators/{year.pk}/actuals/", {"file": upload}, follow=True)
    assert "已由实际值计算并保存 1 个得分" in response.content.decode()
    assert IndicatorScore.objects.get().score == D("10.00")
