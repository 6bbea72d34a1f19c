"""Every demo role logs in through the real login page and sees its own navigation."""
import pytest

from appraisal.demo import DEMO_PASSWORD, load_demo

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# username -> navigation entries it must see, and entries it must not
EXPECTED_NAV = {
    "office": ({"首页", "部门", "人员", "考核年度与周期"}, {"审计日志", "账号管理", "角色与权限", "后台管理"}),
    "head": ({"首页", "我的信息", "部门"}, {"考核年度与周期", "审计日志", "后台管理"}),
    "staff": ({"首页", "我的信息", "部门"}, {"人员", "考核年度与周期", "后台管理"}),
    "leader": ({"首页", "我的信息", "部门", "人员", "考核年度与周期"}, {"审计日志", "后台管理"}),
    "sysadmin": ({"首页", "账号管理", "后台管理"}, {"部门", "审计日志", "角色与权限", "密码重置审批"}),
    # the security and audit administrators get no link to a page they cannot open (the admin is the sysadmin's)
    "secadmin": ({"首页", "角色与权限", "密码重置审批", "二次验证策略"}, {"部门", "审计日志", "账号管理", "后台管理"}),
    "auditor": ({"首页", "审计日志", "密码重置审批"}, {"部门", "账号管理", "角色与权限", "后台管理", "二次验证策略"}),
}


def test_anonymous_visitor_lands_on_the_chinese_login_page(page, screenshot):
    page.goto("/")
    assert "/login/" in page.url
    assert page.get_by_role("heading", name="机关公务员绩效考核管理平台").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    screenshot(page, "login")


def test_each_demo_role_logs_in_and_sees_its_navigation(page, screenshot):
    load_demo(year=2026)
    for username, (present, absent) in EXPECTED_NAV.items():
        login(page, username, DEMO_PASSWORD)
        nav = set(page.locator("[data-nav]").evaluate_all("els => els.map(e => e.dataset.nav)"))
        assert present <= nav, (username, nav)
        assert not (absent & nav), (username, nav)
        screenshot(page, f"home-{username}")
        page.locator("#userMenu").click()
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url("**/login/")


def test_wrong_password_shows_a_chinese_error(page):
    load_demo(year=2026)
    login(page, "staff", "Wrong#2025")
    assert "请输入一个正确的" in page.content()


def test_office_moves_a_period_and_staff_is_refused(page, screenshot):
    load_demo(year=2026)
    login(page, "office", DEMO_PASSWORD)
    page.get_by_role("link", name="考核年度与周期").first.click()
    page.get_by_role("link", name="2026 年度").click()
    row = page.locator("tr[data-period='12月']")
    row.get_by_role("link", name="转入评分").click()
    # December 2026's filings are not due yet: the checklist names it; the office forces with a reason
    assert page.locator("[data-check='filings_closed']").get_attribute("data-ok") == "0"
    page.get_by_label("强制执行的原因").fill("年底提前进入评分，经局务会议同意")
    page.get_by_label("检查清单未满足，仍强制执行").check()
    page.get_by_role("button", name="强制转入评分").click()
    assert "12月 已变为“评分”" in page.content()
    assert page.locator("tr[data-period='12月'] .badge-state").inner_text() == "评分"
    screenshot(page, "office-periods")
    page.locator("#userMenu").click()
    page.get_by_role("button", name="退出登录").click()
    login(page, "staff", DEMO_PASSWORD)
    response = page.goto("/years/")
    assert response.status == 403
    assert "无权访问" in page.content()
    screenshot(page, "staff-403")


def test_language_switch_to_english(page):
    page.goto("/login/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="简体中文").is_visible()


def test_a_civil_servant_enrols_a_second_factor_with_the_qr_code(page, screenshot):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from appraisal.tests.test_otp import code_for

    load_demo(year=2026)
    login(page, "staff", DEMO_PASSWORD)
    page.locator("#userMenu").click()
    page.get_by_role("link", name="二次验证").click()
    assert page.locator("#otp-qr svg").is_visible()
    screenshot(page, "otp-enrol")
    device = TOTPDevice.objects.get(user__username="staff", confirmed=False)
    page.locator("#otp-token").fill(code_for(device))
    page.get_by_role("button", name="启用").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#backup-codes .badge").count() == 10
    screenshot(page, "otp-backup-codes")
