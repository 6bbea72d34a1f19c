"""The ballots in a real browser: a civil servant rates colleagues (the progress follows), the head
sets and publishes workload grades that the staff then sees, the office opens a 360° evaluation
and creates an external link, and an anonymous browser rates through that link once; the second
use is refused. Screenshots in test-artifacts/screenshots."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.demo import DEMO_PASSWORD, load_demo
from appraisal.models import Department, Period, Person
from scoring.models import PeerRating, SatisfactionRating, WorkloadGrade

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


def test_democratic_evaluation_and_workload_grades(page, screenshot, demo):
    staff = demo
    colleagues = Person.objects.filter(department=staff.department, is_active=True).exclude(pk=staff.pk).count()

    login(page, "staff", DEMO_PASSWORD)
    page.locator("[data-nav='测评']").click()
    expect(page.locator("[data-tab='民主测评']")).to_have_class("nav-link active")
    expect(page.locator("#peer-progress")).to_have_text(f"已评 0 / {colleagues}")
    rows = page.locator("#peer-table tbody tr")
    expect(rows).to_have_count(colleagues)
    rows.nth(0).get_by_text("优秀", exact=True).click()
    rows.nth(1).get_by_text("良好", exact=True).click()
    expect(page.locator("#peer-selected")).to_have_text(f"本页已选择 2 / {colleagues}")
    page.get_by_role("button", name="提交评分").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已评 2 / {colleagues} 人")
    expect(page.locator("#peer-progress")).to_have_text(f"已评 2 / {colleagues}")
    expect(rows.nth(0).locator(".badge")).to_have_text("已评")
    screenshot(page, "ballots-peer-partial")
    for index in range(colleagues):
        rows.nth(index).get_by_text("中等" if index % 3 else "良好", exact=True).click()
    page.get_by_role("button", name="提交评分").click()
    expect(page.locator("#peer-progress")).to_have_text(f"已评 {colleagues} / {colleagues}")
    assert PeerRating.objects.filter(rater=staff, period__state="open").count() == colleagues
    screenshot(page, "ballots-peer-complete")
    logout(page)

    # last month's evaluation is over (publicity): four colleagues had graded the staff member
    # (the demo year has such a month except in January)
    # (this year's: the demo also keeps last year, locked, for the leadership appraisal)
    last_month = (Period.objects.filter(assessment_year__organisation=staff.organisation, kind="month",
                                        state__in=["publicity", "locked"])
                  .order_by("-assessment_year__year", "-number").first())
    if last_month is not None:
        # the demo seeds every past month; this story needs a month with exactly these four ballots
        PeerRating.objects.filter(period=last_month, ratee__department=staff.department).delete()
        raters = Person.objects.filter(department=staff.department).exclude(pk=staff.pk).order_by("staff_id")[:4]
        PeerRating.objects.bulk_create([PeerRating(period=last_month, rater=rater, ratee=staff, grade=grade)
                                        for rater, grade in zip(raters, ["优秀", "优秀", "良好", "差"])])

    login(page, "head", DEMO_PASSWORD)
    page.locator("[data-nav='测评']").click()
    page.locator("[data-tab='工作量等级']").click()
    table = page.locator("#workload-table")
    expect(table).to_be_visible()
    staff_row = table.locator(f"tr[data-person='{staff.staff_id}']")
    staff_row.locator("select").select_option("非常大")
    page.get_by_placeholder("修改原因（可选，记入审计日志）").fill("承担年报抽查专项")
    page.get_by_role("button", name="保存等级").click()
    expect(page.locator(".alert-success")).to_contain_text("的工作量等级已保存")
    expect(staff_row.locator("td").nth(3)).to_have_text("1.10")
    expect(page.locator("#publish-state")).to_have_text("未公布")
    page.get_by_role("button", name="公布").click()
    expect(page.locator("#publish-state")).to_contain_text("已公布")
    expect(page.locator("#publish-button")).to_be_disabled()
    screenshot(page, "ballots-workload-head")
    assert WorkloadGrade.objects.filter(person__department=staff.department, published=True,
                                        period__state="open").count() \
        == Person.objects.filter(department=staff.department, is_active=True).count()
    page.locator("[data-tab='测评结果']").click()
    if last_month is not None:  # the latest month whose evaluation is over is shown first
        staff_result = page.locator(f"#results-table tr[data-person='{staff.staff_id}']")
        expect(staff_result).to_contain_text("83.75")  # (95 + 95 + 85 + 60) / 4
        expect(staff_result.locator("td").nth(2)).to_have_text("4")
        expect(page.locator("#results-table")).to_contain_text("评价人不足 3 人，不显示")
    screenshot(page, "ballots-peer-results-closed-month")
    month = timezone.localdate().month
    page.locator("select[name=period]").select_option(label=f"{month}月（填报）")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#participation")).to_contain_text("已有 1 / ")
    screenshot(page, "ballots-peer-results-head")
    logout(page)

    login(page, "staff", DEMO_PASSWORD)
    page.locator("[data-nav='测评']").click()
    page.locator("[data-tab='工作量公布']").click()
    expect(page.locator("[data-tab='工作量公布']")).to_have_class("nav-link active")
    published = page.locator("#workload-published")
    expect(published.locator(f"tr[data-person='{staff.staff_id}']")).to_contain_text("非常大")
    expect(published.locator(f"tr[data-person='{staff.staff_id}']")).to_contain_text("1.10")
    screenshot(page, "ballots-workload-published")


def test_office_opens_a_360_evaluation_and_an_external_rater_uses_the_link_once(browser, live_server, page,
                                                                               screenshot, demo):
    login(page, "office", DEMO_PASSWORD)
    page.locator("[data-nav='测评']").click()
    expect(page.locator("[data-tab='满意度测评']")).to_have_class("nav-link active")
    closes = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("截止时间").fill(closes)
    screenshot(page, "ballots-satisfaction-open")
    page.get_by_role("button", name="开启").click()
    page.wait_for_url("**/scoring/satisfaction/*/")
    expect(page.locator(".alert-success")).to_contain_text("满意度测评已开启")
    detail_url = page.url

    page.locator("#raters-form").get_by_label("评价主体类别").select_option("机关部门")
    page.get_by_label("添加全部部门负责人（机关部门组）").check()
    page.locator("#raters-form").get_by_role("button", name="添加").click()
    heads = Department.objects.filter(organisation=demo.organisation, head__user__isnull=False).count()
    expect(page.locator(".alert-success")).to_contain_text(f"已添加 {heads} 位“机关部门”评价人")

    links_form = page.locator("#links-form")
    links_form.get_by_label("评价主体类别").select_option("社会各界代表")
    links_form.get_by_label("评价人名称").fill("企业代表（洪城大市场）")
    links_form.get_by_role("button", name="生成链接").click()
    link_box = page.locator("#created-links .created-link")
    expect(link_box).to_have_count(1)
    url = link_box.input_value()
    page.locator("#created-links").get_by_role("button", name="复制").click()
    expect(page.locator("#created-links .copy-link")).to_contain_text("已复制")
    assert "/scoring/s/" in url
    expect(page.locator("#progress-table tr[data-group='社会各界代表'] .progress-count")).to_have_text("0 / 1")
    screenshot(page, "ballots-satisfaction-link-created")

    # an external rater: a fresh browser with no session at all
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    try:
        outside = context.new_page()
        outside.goto(url)
        rows = outside.locator("#satisfaction-ballot tbody tr")
        departments = Department.objects.filter(organisation=demo.organisation, is_active=True).count()
        expect(rows).to_have_count(departments)
        expect(outside.locator("[data-nav]")).to_have_count(0)
        rows.nth(0).get_by_text("优", exact=True).click()
        outside.get_by_role("button", name="提交评价").click()
        expect(outside.locator(".alert-danger")).to_contain_text(f"还有 {departments - 1} 个部门未评定")
        expect(outside.locator("#satisfaction-ballot tr.missing")).to_have_count(departments - 1)
        screenshot(outside, "ballots-satisfaction-external-missing")
        assert not SatisfactionRating.objects.filter(rater__isnull=False).exists()
        for index in range(departments):
            rows.nth(index).get_by_text("良" if index % 4 else "优", exact=True).click()
        expect(outside.locator("#sat-progress")).to_have_text(f"已评定 {departments} / {departments}")
        screenshot(outside, "ballots-satisfaction-external-ballot")
        outside.get_by_role("button", name="提交评价").click()
        expect(outside.locator("#satisfaction-done")).to_be_visible()
        screenshot(outside, "ballots-satisfaction-external-done")
        assert SatisfactionRating.objects.filter(group="社会各界代表", rater__isnull=False).count() == departments

        outside.goto(url)  # the link is dead now
        expect(outside.locator("#link-invalid")).to_have_text("该评价链接无效、已使用或已过期")
        screenshot(outside, "ballots-satisfaction-link-used")
    finally:
        context.close()

    page.goto(detail_url)  # not a reload: that would post the link form again
    expect(page.locator("#created-links")).to_have_count(0)  # shown once only
    expect(page.locator("#progress-table tr[data-group='社会各界代表'] .progress-count")).to_have_text("1 / 1")
    screenshot(page, "ballots-satisfaction-progress")
