"""Scoring where the work is known, in a real browser: 办公室's designated 统计员 (`assessor`) enters the
number of incidents of a management leaf, sees the computed score before saving and submits; the
office returns one leaf with a reason; the assessor corrects it and resubmits; the office approves;
the person who carries the leaf sees the score in the own table."""
import re

import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_PASSWORD, load_demo
from appraisal.models import Period
from indicators.models import Indicator, IndicatorScore, ResponsibilityWeight, ScoreStatus

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("#userMenu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")


def test_assessor_submits_office_returns_assessor_corrects_office_approves(page, screenshot):
    load_demo(year=2026)
    leaves = {code: Indicator.objects.get(code=code) for code in ("M0101", "M0801")}  # 办公室's and 企业登记注册处's 办文办公
    period = Period.objects.get(assessment_year=leaves["M0801"].assessment_year, kind="month", number=12)

    login(page, "assessor", DEMO_PASSWORD)
    page.locator('[data-nav="指标评分"]').click()
    page.wait_for_selector("#score-grid")
    assert page.locator("#f-period option:checked").inner_text().startswith("12月")  # the open month
    assert page.locator("#f-unit option:checked").inner_text() == "办公室"
    rows = page.locator("#score-grid tbody tr[data-leaf]")
    assert rows.count() == 22  # 办文办公 of every department, assessed by 办公室
    registration = page.locator("tr[data-code='M0801']")
    registration.get_by_label("M0801 实际值").fill("2")
    expect(page.locator(f"#preview-{leaves['M0801'].pk}")).to_have_text("8.00")
    assert "按次扣分" in registration.locator(".preview-explanation").inner_text()
    assert not IndicatorScore.objects.filter(period=period).exists()  # nothing saved yet
    registration.get_by_label("M0801 说明").fill("公文格式差错 2 次")
    registration.get_by_label("M0801 佐证材料").fill("OA 退文记录 2026-12-03")
    page.locator("tr[data-code='M0101']").get_by_label("M0101 实际值").fill("0")
    screenshot(page, "assessors-grid-preview")
    page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_selector(".alert-success")
    assert "提交 2 个得分待审核" in page.locator(".alert-success").inner_text()
    assert {s.indicator.code: (s.score, s.status) for s in IndicatorScore.objects.filter(period=period)} == {
        "M0801": (8, ScoreStatus.SUBMITTED), "M0101": (10, ScoreStatus.SUBMITTED)}
    logout(page)

    login(page, "office", DEMO_PASSWORD)
    page.goto(f"/indicators/{period.assessment_year_id}/scores/review/")
    page.wait_for_selector("#review-table")
    assert page.locator("#r-period option:checked").inner_text().startswith("12月")
    row = page.locator("#review-table tr[data-code='M0801']")
    assert "8.00" in row.inner_text() and "公文格式差错 2 次" in row.inner_text()
    row.get_by_label("退回", exact=True).check()
    page.get_by_role("button", name="提交审核结果").click()
    assert "退回须写明原因" in page.locator("#review-table").inner_text()  # a return needs its reason
    row = page.locator("#review-table tr[data-code='M0801']")
    row.get_by_label("退回", exact=True).check()
    row.get_by_label("M0801 退回原因").fill("退文记录显示差错 3 次，请核实")
    page.locator("#review-table tr[data-code='M0101']").get_by_label("审定", exact=True).check()
    screenshot(page, "assessors-review-return")
    page.get_by_role("button", name="提交审核结果").click()
    page.wait_for_selector(".alert-success")
    assert "审定 1 个，退回 1 个" in page.locator(".alert-success").inner_text()
    logout(page)

    login(page, "assessor", DEMO_PASSWORD)
    page.locator('[data-nav="指标评分"]').click()
    registration = page.locator("tr[data-code='M0801']")
    assert "退文记录显示差错 3 次，请核实" in registration.locator(".return-reason").inner_text()
    assert page.locator("tr[data-code='M0101'] input").first.is_disabled()  # approved: read-only
    registration.get_by_label("M0801 实际值").fill("3")
    expect(page.locator(f"#preview-{leaves['M0801'].pk}")).to_have_text("7.00")
    screenshot(page, "assessors-grid-corrected")
    page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_selector(".alert-success")
    logout(page)

    login(page, "office", DEMO_PASSWORD)
    page.goto(f"/indicators/{period.assessment_year_id}/scores/review/")
    assert "7.00" in page.locator("#review-table tr[data-code='M0801']").inner_text()
    page.get_by_role("button", name="全部审定").click()
    page.wait_for_selector(".alert-success")
    score = IndicatorScore.objects.get(period=period, indicator=leaves["M0801"])
    assert (score.score, score.actual_value, score.status) == (7, "3", ScoreStatus.APPROVED)
    carrier = ResponsibilityWeight.objects.filter(indicator=leaves["M0801"]).order_by("-weight").first().person
    page.goto(f"/indicators/{period.assessment_year_id}/people/{carrier.pk}/")
    row = page.locator("#person-table tr", has_text="办文办公")
    assert re.search(r"7\.00\s*（12月）", row.inner_text())
    screenshot(page, "assessors-person-table")
