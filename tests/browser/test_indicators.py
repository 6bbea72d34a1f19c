"""The indicator journeys in a real browser: the office edits a leaf, the head splits a leaf's
weights (and sees the error when they sum to 90), a civil servant opens the own person table."""
import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_PASSWORD, load_demo
from indicators.models import Indicator, ResponsibilityWeight

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("#userMenu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")


def test_office_head_and_staff_journeys(page, screenshot):
    load_demo(year=2026)
    login(page, "office", DEMO_PASSWORD)
    page.get_by_role("link", name="指标体系").first.click()
    page.wait_for_selector("#indicator-tree")
    rows = page.locator("#indicator-tree tbody tr")
    assert rows.count() >= 400
    page.get_by_placeholder("搜索指标编码、名称或部门").fill("B0101")
    assert page.locator("#indicator-tree tbody tr:not([hidden])").count() >= 3
    screenshot(page, "indicators-tree-search")
    page.locator("#indicator-tree tbody tr[data-search^='B010101 ']").get_by_role("link", name="编辑").click()
    page.get_by_label("分值", exact=True).fill("0")
    page.get_by_role("button", name="保存").click()
    assert "末级指标的分值须大于 0" in page.content()
    page.get_by_label("分值", exact=True).fill("18")
    page.get_by_label("指标名称").fill("业务办理按时办结率（修订）")
    page.get_by_role("button", name="保存").click()
    # months of the demo year are already scored: a new full score needs a reason and an open month
    expect(page.locator("#form-errors")).to_contain_text("须写明依据")
    page.get_by_label("修改原因").fill("11月局务会议决定调整分值")
    page.get_by_label("生效月份").select_option("12")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/indicators/*/#ind-*")
    assert "业务办理按时办结率（修订）" in page.content()
    assert Indicator.objects.get(code="B010101").full_score == 18
    logout(page)

    leaf = Indicator.objects.filter(department__code="YW01", children__isnull=True, category="业务类").order_by("code").first()
    login(page, "head", DEMO_PASSWORD)
    page.goto(f"/indicators/{leaf.assessment_year_id}/departments/{leaf.department_id}/")
    screenshot(page, "indicators-department-table")
    page.locator(f"tr[data-code='{leaf.code}']").get_by_role("link", name="分配比重").click()
    inputs = page.locator(".weight-input")
    for index in range(inputs.count()):
        inputs.nth(index).fill("")
    inputs.nth(0).fill("60")
    inputs.nth(1).fill("30")
    assert page.locator("#weight-total").inner_text() == "90"
    page.get_by_role("button", name="保存").click()
    assert "合计为 90%，应为 100%" in page.locator("#form-errors").inner_text()
    screenshot(page, "indicators-weights-error")
    page.locator(".weight-input").nth(1).fill("40")
    page.get_by_role("button", name="保存").click()
    # the demo year's months are already scored: the new weights need a reason and an open month
    expect(page.locator("#form-errors")).to_contain_text("须写明依据")
    page.get_by_label("说明").fill("科室分工调整，经局务会议同意")
    page.get_by_label("生效月份").select_option("12")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/departments/**")
    weights = sorted(w.weight for w in ResponsibilityWeight.objects.filter(indicator=leaf))
    assert [int(w) for w in weights] == [40, 60]
    logout(page)

    login(page, "staff", DEMO_PASSWORD)
    page.locator("[data-nav=\"我的考核表\"]").click()
    page.wait_for_selector("#person-table")
    assert "一人一表" in page.content()
    screenshot(page, "indicators-person-table")
