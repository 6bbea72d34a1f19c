"""Trace logs in the browser: a civil servant files this week's plan and this month's record with
a PDF; the head returns the record with a reason; the author sees the notice, revises and files
it again; the head's lists and statistics render. Screenshots in test-artifacts/screenshots."""
import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_PASSWORD, load_demo
from appraisal.models import Person
from tracelog.demo import _demo_pdf
from tracelog.models import EntryStatus, TraceEntry

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    load_demo()
    return Person.objects.select_related("department").get(user__username="staff")


def logout(page):
    page.locator("#userMenu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")


def test_filing_review_return_and_revision(page, screenshot, demo):
    staff = demo
    login(page, "staff", DEMO_PASSWORD)
    page.locator("[data-nav='我的纪实']").click()
    screenshot(page, "tracelog-mine")

    # this week's plan
    page.locator("[data-slot='weekly_plan']").get_by_role("link", name="填报").click()
    page.get_by_label("内容").fill("本周重点工作：\n1. 审核企业设立登记申请 30 件\n2. 配合开展年报抽查\n\n需协调事项：无。")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/tracelog/entries/*/")
    expect(page.locator("#entryStatus [data-status='submitted']")).to_be_visible()
    expect(page.locator(".entry-content ol li")).to_have_count(2)
    screenshot(page, "tracelog-weekly-plan-filed")

    # this month's record with a PDF
    page.locator("[data-nav='我的纪实']").click()
    page.locator("[data-slot='monthly_record']").get_by_role("link", name="填报").click()
    page.get_by_label("内容").fill("本月完成的主要工作：\n- 办理企业登记 126 件\n- 走访企业 8 家\n\n存在问题：部分材料需补正。")
    page.get_by_label("证据材料").set_input_files(
        files=[{"name": "本月工作台账.pdf", "mimeType": "application/pdf", "buffer": _demo_pdf("ledger")}])
    screenshot(page, "tracelog-monthly-record-form")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/tracelog/entries/*/")
    expect(page.locator("#evidenceList").get_by_role("link", name="本月工作台账.pdf")).to_be_visible()
    record = TraceEntry.objects.filter(person=staff, kind="monthly_record").latest("created_at")
    assert record.status == EntryStatus.SUBMITTED and record.evidence.count() == 1
    screenshot(page, "tracelog-monthly-record-filed")
    logout(page)

    # the head returns it with a reason
    login(page, "head", DEMO_PASSWORD)
    page.locator("[data-nav='部门纪实']").click()
    screenshot(page, "tracelog-department-list")
    page.locator(f"tr[data-entry='{record.pk}']").get_by_role("link").click()
    page.get_by_label("退回原因").fill("请补充走访企业的名称和发现的问题。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回修改")
    expect(page.locator("#entryStatus [data-status='returned']")).to_be_visible()
    screenshot(page, "tracelog-returned-by-head")
    page.locator("[data-nav='部门纪实']").click()
    page.get_by_role("link", name="纪实统计").click()
    expect(page.locator("#stats-person")).to_be_visible()
    screenshot(page, "tracelog-statistics")
    page.get_by_role("link", name="缺报与逾期").click()
    expect(page.locator("#missingTable")).to_be_visible()
    screenshot(page, "tracelog-missing")
    logout(page)

    # the author sees the notice, revises and files again
    login(page, "staff", DEMO_PASSWORD)
    expect(page.locator("#notificationBell [data-unread]")).to_be_visible()
    page.locator("#notificationBell").click()
    expect(page.locator("#notificationList")).to_be_visible()
    screenshot(page, "tracelog-notifications")
    page.locator("#notificationList li", has_text="退回").get_by_role("button", name="查看").first.click()
    page.wait_for_url(f"**/tracelog/entries/{record.pk}/")
    expect(page.locator("#reviewList")).to_contain_text("请补充走访企业的名称和发现的问题。")
    page.get_by_role("link", name="修改").click()
    page.get_by_label("内容").fill("本月完成的主要工作：\n- 办理企业登记 126 件\n- 走访企业 8 家：某某科技公司等，"
                                   "发现 2 户未按时公示年报，已督促整改\n\n存在问题：部分材料需补正。")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"**/tracelog/entries/{record.pk}/")
    expect(page.locator("#entryStatus [data-status='submitted']")).to_be_visible()
    expect(page.locator("#entryStatus")).to_contain_text("重报 1 次")
    screenshot(page, "tracelog-revised")
    record.refresh_from_db()
    assert record.status == EntryStatus.SUBMITTED and record.resubmissions == 1 and record.evidence.count() == 1


def test_office_changes_the_deadlines_and_reads_every_department(page, screenshot, demo):
    login(page, "office", DEMO_PASSWORD)
    page.locator("[data-nav='部门纪实']").click()
    page.get_by_role("link", name="纪实统计").click()
    expect(page.locator("#stats-department tbody tr")).to_have_count(22)
    page.get_by_role("link", name="时限设置").click()
    page.get_by_label("周计划截止：时间").fill("10:00")
    page.get_by_label("修改原因").fill("按局务会决定，周计划提前至周一上午10点")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("纪实时限设置已保存")
    expect(page.locator(".list-group").first).to_contain_text("10:00")
    screenshot(page, "tracelog-deadline-settings")
    page.locator("[data-nav='部门纪实']").click()
    page.locator("#id_department").select_option(label="办公室")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**department=*")
    expect(page.locator("#entryTable tbody tr[data-entry]").first).to_contain_text("办公室")
    screenshot(page, "tracelog-office-list")
