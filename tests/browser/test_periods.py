"""Periods an office can trust, in a real browser (DOMAIN.md §8) on the public scenario small-11:
the office tries to lock December with nothing scored and sees the checklist (forcing publicity
needs a reason; the lock order no reason overrides); a civil servant files an objection to the
published January score with evidence; the office opens the figure's inputs, accepts it with a
correction, and the person is told old → new. Screenshots in test-artifacts/screenshots/periods-*.png."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.models import AssessmentYear, Period, PeriodState, Person, Role
from appraisal.tests.factories import person_user, role_user
from indicators.models import IndicatorScore
from scoring.models import MonthlyResult
from scoring.services import year_compute
from tests.public_scenarios import SCENARIO_DIR
from tests.test_year_workbook import run
from tracelog.models import Notification

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@12345"


@pytest.fixture
def scenario():
    code, _out, err = run("import_workbook", str(SCENARIO_DIR / "small-11.input.xlsx"))
    assert code == 0, err
    year = AssessmentYear.objects.get(organisation__code="ORG11", year=2025)
    IndicatorScore.objects.filter(period__assessment_year=year, period__kind="month", period__number=12).delete()
    # January is in publicity with its figures published; its window ends next week
    Period.objects.filter(assessment_year=year, kind="month", number=1).update(
        state=PeriodState.PUBLICITY, publicity_started_on=timezone.localdate(),
        publicity_ends_on=timezone.localdate() + timedelta(days=7))
    year_compute(assessment_year=year)
    person = Person.objects.get(organisation=year.organisation, staff_id="1002")
    person_user(person, "yujieyan")
    role_user(Role.OFFICE, year.organisation, "office11")
    from tests.services import default_queue_worker

    with default_queue_worker():  # moving to publicity queues the pipeline (a real worker in CI's second pass)
        yield {"year": year, "person": person}


def logout(page):
    page.locator("#userMenu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")


def test_checklist_objection_and_correction(page, screenshot, scenario):
    year, person = scenario["year"], scenario["person"]
    december = Period.objects.get(assessment_year=year, kind="month", number=12)

    # -------- the office: December 填报 → 评分 → (forced) 公示, then the lock it cannot force
    login(page, "office11", PASSWORD)
    page.goto(f"/years/{year.pk}/")
    row = page.locator("#period-table tr[data-period='12月']")
    row.get_by_role("link", name="转入评分").click()
    expect(page.locator("[data-check='filings_closed']")).to_have_attribute("data-ok", "1")
    page.get_by_role("button", name="确认转入评分").click()
    expect(page.locator(".alert-success, .alert")).to_contain_text("12月 已变为“评分”")
    row.get_by_role("link", name="转入公示").click()
    leaves = page.locator("[data-check='leaves_scored']")
    expect(leaves).to_have_attribute("data-ok", "0")
    expect(leaves).to_contain_text("0 / 4 个部门已全部评分")
    screenshot(page, "periods-checklist-publicity")
    page.get_by_role("button", name="强制转入公示").click()  # no reason: refused, nothing moves
    expect(page.locator(".alert-danger")).to_contain_text("检查清单有未满足的项目")
    page.get_by_label("强制执行的原因").fill("局务会议决定12月先行公示，评分随后补录")
    page.get_by_label("检查清单未满足，仍强制执行").check()
    page.get_by_role("button", name="强制转入公示").click()
    expect(row.locator("[data-publicity-end]")).not_to_have_text("—")
    row.get_by_role("link", name="转入锁定").click()
    order = page.locator("[data-check='lock_order']")
    expect(order).to_have_attribute("data-ok", "0")
    expect(order).to_contain_text("11月 尚未锁定")
    expect(page.locator("[data-check='window_over']")).to_contain_text("尚未期满")
    expect(page.get_by_text("不可强制越过").first).to_be_visible()
    expect(page.get_by_role("button", name="强制转入锁定")).to_have_count(0)
    screenshot(page, "periods-checklist-lock")
    december.refresh_from_db()
    assert december.state == PeriodState.PUBLICITY
    logout(page)

    # -------- the civil servant objects to the published January score, with evidence
    published = MonthlyResult.objects.get(assessment_year=year, person=person, month=1).monthly_score
    login(page, "yujieyan", PASSWORD)
    page.locator("[data-nav='异议']").click()
    january = page.locator("#publicity-periods li", has_text="2025年1月")
    expect(january).to_contain_text("公示期至")
    january.get_by_role("link", name="提出异议").click()
    page.get_by_label("对哪项成绩有异议").select_option("monthly_score")
    page.get_by_label("异议理由").fill("一月办文办公无差错，得分录入有误")
    page.get_by_label("佐证说明").fill("见办公室一月通报第3期")
    page.get_by_label("佐证材料").set_input_files(files=[{"name": "通报.txt", "mimeType": "text/plain",
                                                         "buffer": "一月办文办公零差错。".encode()}])
    screenshot(page, "periods-objection-form")
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator("#objection-state")).to_have_text("待处理")
    expect(page.locator("#objection")).to_contain_text(f"{published:.2f}")
    logout(page)

    # -------- the office opens the inputs and accepts with a correction
    login(page, "office11", PASSWORD)
    page.locator("[data-nav='异议']").click()
    page.locator("#objection-table tbody tr", has_text=person.name).get_by_role("link", name="处理").click()
    expect(page.locator("#objection-inputs")).to_contain_text("工作量等级")
    options = page.locator("#accept-form select option")
    first_leaf = options.first.get_attribute("value")
    page.locator("#accept-form select").select_option(first_leaf)
    page.get_by_label("更正为").fill("0")
    page.get_by_label("答复（可选）").fill("经核实，按通报更正。")
    screenshot(page, "periods-objection-decide")
    page.get_by_role("button", name="采纳并重新计算").click()
    expect(page.locator("#objection-state")).to_have_text("已采纳")
    corrected = MonthlyResult.objects.get(assessment_year=year, person=person, month=1).monthly_score
    assert corrected != published
    expect(page.locator("#objection-changes")).to_contain_text(f"{published:.2f} → {corrected:.2f}")
    screenshot(page, "periods-objection-accepted")
    logout(page)

    # -------- the person is told old → new
    login(page, "yujieyan", PASSWORD)
    page.locator("#notificationBell").click()
    expect(page.get_by_text(f"{published:.2f} → {corrected:.2f}").first).to_be_visible()
    screenshot(page, "periods-notified")
    assert Notification.objects.filter(recipient=person.user, text__contains="已采纳").exists()
