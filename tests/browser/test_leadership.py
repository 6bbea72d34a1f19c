"""The leadership appraisal (一述双评) in a real browser, on the demo organisation: a civil servant
reads the reports and rates the team and a member with comments; the office closes the poll; the
principal reads the team's aggregate and the comments (without raters); the office prints a
member's appraisal form. Screenshots in test-artifacts/screenshots."""
import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_PASSWORD, load_demo
from appraisal.models import AssessmentYear, Person
from scoring.leadership import ballots, selectors
from scoring.models import LeadershipMemberResult, LeadershipPoll, LeadershipRating
from scoring.services import year_compute

from .conftest import login
from .test_ballots import logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    load_demo()
    return AssessmentYear.objects.filter(organisation__code="NCGS").order_by("-year").first()


def test_rate_read_feedback_and_print_the_form(page, screenshot, demo):
    year = demo
    team = selectors.team_of(year)
    members = {m.person.staff_id: m for m in selectors.members_of(team)}
    assert len(members) == 5 and members["L01"].is_principal and all(m.report for m in members.values())
    last = selectors.team_of(AssessmentYear.objects.get(organisation=year.organisation, year=year.year - 1))
    assert selectors.poll_of(last).closed and LeadershipMemberResult.objects.filter(
        assessment_year=last.assessment_year).count() == 5

    # a civil servant rates the team and one member, with comments
    login(page, "staff", DEMO_PASSWORD)
    page.locator("[data-nav='测评']").click()
    page.locator("[data-tab='班子测评']").click()
    page.locator("#leadership-polls a").first.click()
    team_card = page.locator(".ballot-item[data-object='班子']")
    team_card.locator("details.report summary").click()
    expect(team_card.locator(".report-text")).to_contain_text("局领导班子坚持")
    team_card.get_by_text("较好", exact=True).click()
    team_card.locator("textarea").fill("班子团结务实，服务企业主动")
    member_card = page.locator(".ballot-item[data-object='L02']")
    member_card.get_by_text("称职", exact=True).click()
    member_card.locator("textarea").fill("分管工作抓得实，希望多到基层听取意见")
    screenshot(page, "leadership-ballot-filled")
    page.locator("#ballot-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("测评已提交")
    expect(team_card.locator(".given")).to_contain_text("较好")
    expect(member_card.locator(".given")).to_contain_text("称职")
    screenshot(page, "leadership-ballot-submitted")
    staff = Person.objects.get(user__username="staff")
    assert LeadershipRating.objects.filter(rater__user__username="staff", poll__team=team).count() == 2
    logout(page)

    # two invited representatives rate through single-use links; the office closes the poll and computes
    poll = selectors.poll_of(team)
    office_user = staff.organisation.role_assignments.get(role="office").user
    for label, comment in (("人大代表", "注重调查研究"), ("政协委员", "")):
        link = ballots.link_create(user=office_user, poll=poll, group="群众", label=label)
        ballots.ballot_submit(token=link.token, entries={"team": ("好", comment),
                                                          str(members["L02"].pk): ("优秀", "")})
    login(page, "office", DEMO_PASSWORD)
    page.goto("/scoring/leadership/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#poll-close-form button").click()
    expect(page.locator(".alert-success")).to_contain_text("班子民主测评已结束")
    assert LeadershipPoll.objects.get(pk=poll.pk).closed
    year_compute(assessment_year=year)
    page.reload()
    expect(page.locator("#team-result")).to_be_visible()
    screenshot(page, "leadership-office")
    logout(page)

    # the principal reads the team's aggregate and the comments, without raters
    login(page, "leader", DEMO_PASSWORD)
    page.locator("[data-nav='测评']").click()
    page.locator("[data-tab='述职与反馈']").click()
    feedback = page.locator("#team-feedback")
    expect(feedback.locator(".aggregate-table")).to_be_visible()
    expect(feedback.locator(".aggregate-table tbody tr").first).to_contain_text("群众")
    expect(feedback.locator(".comments")).to_contain_text("班子团结务实，服务企业主动")
    expect(feedback.locator(".comments")).to_contain_text("注重调查研究")
    expect(feedback).not_to_contain_text("人大代表")
    expect(feedback).not_to_contain_text(staff.name)
    screenshot(page, "leadership-feedback-principal")
    logout(page)

    # the office prints 刘志远's (L02) appraisal form
    login(page, "office", DEMO_PASSWORD)
    page.goto("/scoring/leadership/")
    href = page.locator("tr[data-staff='L02'] a.print-form").get_attribute("href")
    page.goto(href)
    form = page.locator("#appraisal-form")
    expect(form).to_contain_text("领导干部考核登记表")
    expect(form).to_contain_text(members["L02"].person.name)
    expect(form).to_contain_text("分管办公室")
    expect(form.locator(".comments")).to_contain_text("分管工作抓得实")
    result = LeadershipMemberResult.objects.get(assessment_year=year, person=members["L02"].person)
    expect(form.locator("td.grade")).to_have_text(result.grade)
    screenshot(page, "leadership-form")
    page.emulate_media(media="print")
    expect(page.locator("#print-button")).to_be_hidden()
    screenshot(page, "leadership-form-print")
