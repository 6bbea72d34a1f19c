"""Results for everyone in a real browser (DOMAIN.md §9): a leader opens the dashboard and a trend chart;
a head answers a pre-appraisal warning with a rectification plan; a civil servant opens 绩效之窗 and the
explanation of the own monthly score. Screenshots in test-artifacts/screenshots/window-*.png."""
import datetime

import pytest
from playwright.sync_api import expect

from rewards import leaderboard, prewarnings
from rewards.models import PreWarning, WarningState
from rewards.tests.builders import build

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@12345"


@pytest.fixture
def built():
    built = build("BW", departments=8, leaves=2)
    today = datetime.date.today()
    leaderboard.compute_day(built.year, today - datetime.timedelta(days=7))
    leaderboard.compute_day(built.year, today)
    prewarnings.warnings_run(user=None, assessment_year=built.year, month=4)
    # the "head" account heads D00: give it a warning on its 办文办公
    warning = PreWarning.objects.filter(indicator__name="办文办公").order_by("-rate").first()
    warning.department = built.departments[0]
    warning.indicator = built.departments[0].indicators.get(name="办文办公")
    warning.save()
    prewarnings.issue(user=None, warnings=[warning])
    return built


def test_leader_dashboard_and_trend_chart(page, screenshot, built):
    login(page, "leader-BW", PASSWORD)
    expect(page.locator("#dashboard-leader")).to_be_visible()
    expect(page.locator("#top-departments li")).to_have_count(3)
    expect(page.locator("#top-departments li").first).to_contain_text("部门00")
    expect(page.locator("#bottom-departments li").first).to_contain_text("部门07")
    expect(page.locator("[data-chart='home-trend'][data-chart-ready='1'] svg")).to_be_visible()
    screenshot(page, "window-leader-dashboard")
    page.locator("#open-trends").click()
    expect(page.locator("h1")).to_contain_text("动态运行图")
    expect(page.locator("[data-chart='indicator-bar'][data-chart-ready='1'] svg")).to_be_visible()
    expect(page.locator("[data-chart='dept-monthly'][data-chart-ready='1'] svg")).to_be_visible()
    expect(page.locator("#indicator-table tbody tr")).to_have_count(8)
    screenshot(page, "window-leader-trends")


def test_head_answers_a_warning(page, screenshot, built):
    login(page, "head-BW", PASSWORD)
    expect(page.locator("#dashboard-head")).to_be_visible()
    page.locator("#head-warnings a").first.click()
    expect(page.locator("#warning-state")).to_contain_text("待整改")
    page.get_by_label("整改措施").fill("一是每周通报办文进度；二是明确专人督办；三是月底前清理积压文件。")
    due = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    page.get_by_label("整改完成日期").fill(due)
    page.get_by_role("button", name="提交整改措施").click()
    expect(page.locator(".alert-success")).to_contain_text("整改措施已提交")
    expect(page.locator("#warning-state")).to_contain_text("整改中")
    expect(page.locator("#rectification")).to_contain_text("每周通报办文进度")
    screenshot(page, "window-head-warning")
    assert PreWarning.objects.filter(state=WarningState.ANSWERED, department=built.departments[0]).count() == 1


def test_civil_servant_window_and_explanation(page, screenshot, built):
    login(page, "staff-BW", PASSWORD)
    expect(page.locator("#window-position")).to_contain_text("第 1 名")
    page.locator("[data-nav='绩效之窗']").click()
    expect(page.locator("#window-table tbody tr")).to_have_count(8)
    expect(page.locator("#window-table tr.mine")).to_contain_text("部门00")
    page.get_by_label("部门分组").select_option("业务")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#window-table tbody tr")).to_have_count(3)
    screenshot(page, "window-staff-window")
    page.locator("[data-nav='我的成绩']").click()
    page.locator("#monthly-table tr[data-month='3'] a.explain-link").click()
    expect(page.locator("h1")).to_contain_text("得分说明")
    expect(page.locator("#formula")).to_contain_text("M =")
    expect(page.locator("#leaves-table tbody tr")).to_have_count(3)
    screenshot(page, "window-staff-explanation")
