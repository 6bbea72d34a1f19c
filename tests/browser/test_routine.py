"""Routine appraisal in a real browser (docs/routine.md): a civil servant files a quarterly summary
with a self-evaluation; three colleagues of the same category evaluate it (two are shown as below the
floor first, then the third makes the aggregate appear); the head comments and grades; the person's
development file shows the quarter; the file prints."""
import pytest

from appraisal import services as core
from appraisal.models import Period
from scoring.routine.models import QuarterSummary
from scoring.tests.routine_helpers import colleagues, routine_year

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@12345"


def logout(page):
    page.locator("#userMenu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")


def test_summary_peers_head_and_the_development_file(page, screenshot, world):
    year = core.year_open(user=world.users["office"], organisation=world.organisation, year=2025)
    routine_year(world, year)
    peers = colleagues(world, 3)

    login(page, "staff", PASSWORD)
    page.goto("/scoring/routine/")
    page.wait_for_selector("#summary-form")
    page.get_by_label("本季度工作小结（不超过 2000 字）").fill("完成档案数字化 1200 卷；牵头修订收发文制度。")
    page.get_by_label("较好").check()
    screenshot(page, "routine-summary-form")
    page.locator("#summary-submit").click()
    page.wait_for_selector(".alert-success")
    row = page.locator("#my-quarters tr[data-quarter='1']")
    assert "较好" in row.inner_text() and "查看" in row.inner_text()
    summary = QuarterSummary.objects.get()
    assert summary.submitted_at is not None
    logout(page)

    for index, (_person, user) in enumerate(peers):
        login(page, user.username, PASSWORD)
        page.goto("/scoring/routine/peers/")
        page.locator(f"tr[data-summary='{summary.pk}']").get_by_role("link").click()
        page.wait_for_selector("#peer-form")
        page.locator("#peer-form").get_by_label("较好" if index else "好", exact=True).check()
        page.locator("#peer-form").get_by_role("button", name="提交评价").click()
        page.wait_for_selector(".alert-success")
        if index == 1:
            screenshot(page, "routine-peer-ballot")
        logout(page)

    login(page, "head", PASSWORD)
    page.goto("/scoring/routine/review/")
    review_row = page.locator(f"#review-list tr[data-summary='{summary.pk}']")
    assert "较好" in review_row.inner_text()  # the peers' aggregate: 3 raters, at the floor
    assert "3 人评价" in review_row.inner_text()
    review_row.get_by_role("link", name="点评").click()
    page.wait_for_selector("#review-form")
    page.get_by_label("点评意见").fill("任务完成扎实，制度修订有成效。")
    page.locator("#review-form").get_by_label("好", exact=True).check()
    screenshot(page, "routine-head-review")
    page.locator("#review-form").get_by_role("button", name="保存点评").click()
    page.wait_for_selector("#superior-review")
    assert "季度等次" in page.locator("#superior-review").inner_text()
    logout(page)
    summary.refresh_from_db()
    assert (summary.peer_grade, summary.superior_grade, summary.grade) == ("较好", "好", "好")

    login(page, "staff", PASSWORD)
    page.locator('[data-nav="成长档案"]').click()
    page.wait_for_selector("#devfile")
    quarter = page.locator("#file-quarters-2025 tr[data-quarter='1']")
    text = quarter.inner_text()
    assert "第1季度" in text and "好" in text and "任务完成扎实" in text and "暂定" in text
    page.get_by_label("发展目标").fill("提升公文写作与档案管理能力。")
    page.get_by_label("培训安排").fill("参加档案管理培训班。")
    page.get_by_role("button", name="保存发展计划").click()
    page.wait_for_selector(".alert-success")
    assert "待确认" in page.locator("#devfile").inner_text()
    screenshot(page, "routine-development-file")
    page.emulate_media(media="print")
    assert not page.locator("#plan-form").is_visible() and not page.locator(".navbar").first.is_visible()
    screenshot(page, "routine-development-file-print")
    page.emulate_media(media="screen")
    logout(page)
    assert Period.objects.filter(assessment_year=year, kind="quarter").count() == 4
