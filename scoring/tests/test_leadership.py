"""The leadership appraisal through the database: the team, reports, the poll with its four groups
and single-use links, one ballot per rater and object, anonymity of aggregates and comments, the
office's overrides (audited), the pipeline writing the leadership results, and the pages."""
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent, Position
from appraisal.tests.factories import PersonFactory, person_user
from scoring.leadership import ballots, selectors, services
from scoring.leadership.services import MemberInput
from scoring.models import (
    LeadershipMemberResult, LeadershipPoll, LeadershipRater, LeadershipRating, LeadershipTeamResult,
)
from scoring.services import year_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(world, year):
    """陈局长 (principal, in charge of nothing) and 林副局长 (in charge of both departments)."""
    deputy = PersonFactory(department=None, organisation=world.organisation, staff_id="L02", name="林副局长",
                           position=Position.LEADER)
    person_user(deputy, "deputy")
    return services.team_save(user=world.users["office"], assessment_year=year, members=[
        MemberInput(world.leader_person.pk, True), MemberInput(deputy.pk, False,
                                                               (world.department.pk, world.other_department.pk))])


@pytest.fixture
def poll(world, team):
    return ballots.poll_open(user=world.users["office"], team=team, closes_at=timezone.now() + timedelta(days=3))


def members(team):
    return {m.person.staff_id: m for m in selectors.members_of(team)}


def key(team, staff_id):
    return str(members(team)[staff_id].pk)


def close(poll):
    LeadershipPoll.objects.filter(pk=poll.pk).update(closed=True)
    poll.refresh_from_db()


# ---------------------------------------------------------------- the team

def test_team_refuses_every_problem_and_saves_nothing(world, year):
    office = world.users["office"]
    with pytest.raises(ValidationFailed) as error:
        services.team_save(user=office, assessment_year=year, members=[
            MemberInput(world.leader_person.pk, True, (world.department.pk,)),
            MemberInput(world.staff.pk, True, (world.department.pk,)),  # not a 局领导, second principal, dept twice
        ])
    details = " ".join(message for _where, message in error.value.details)
    assert "须是局领导" in details and "只能由一位班子成员分管" in details and "主要负责人" in details
    assert not selectors.LeadershipTeam.objects.exists()
    with pytest.raises(PermissionDeniedError):
        services.team_save(user=world.users["staff"], assessment_year=year, members=[])


def test_team_is_saved_with_charges_and_audited(world, team):
    by_id = members(team)
    assert by_id["L01"].is_principal and not by_id["L02"].is_principal
    assert {c.department.code for c in by_id["L02"].charges.all()} == {"D01", "D02"}
    assert AuditEvent.objects.filter(action="leadership.team_save").exists()
    # a department in the charge of two members is refused by the database too
    from scoring.models import LeadershipCharge

    with pytest.raises(IntegrityError), transaction.atomic():
        LeadershipCharge.objects.create(team=team, member=by_id["L01"], department=world.department)


# ---------------------------------------------------------------- reports

def test_reports_have_limits_owners_and_a_deadline(world, team):
    principal_user = world.leader_person.user
    member = members(team)["L01"]
    services.report_save(user=principal_user, member=member, text="一年来，坚持……")
    with pytest.raises(ValidationFailed):
        services.report_save(user=principal_user, member=member, text="字" * 1501)
    with pytest.raises(PermissionDeniedError):
        services.report_save(user=world.users["staff"], member=member, text="冒名")
    services.summary_save(user=principal_user, team=team, text="班" * 3000)
    with pytest.raises(ValidationFailed):
        services.summary_save(user=principal_user, team=team, text="班" * 3001)
    with pytest.raises(PermissionDeniedError):  # only the principal files the team's summary
        services.summary_save(user=members(team)["L02"].person.user, team=team, text="总结")
    team.report_deadline = timezone.now() - timedelta(minutes=1)
    team.save()
    with pytest.raises(StateError):
        services.report_save(user=principal_user, member=member, text="迟交")


# ---------------------------------------------------------------- ballots

def test_groups_scales_and_one_ballot_per_rater_and_object(world, team, poll):
    staff = world.users["staff"]
    rater = ballots.ballot_submit(user=staff, poll=poll, entries={
        "team": ("好", "团结务实"), key(team, "L01"): ("优秀", "")})
    assert rater.group == "群众"
    with pytest.raises(ValidationFailed):  # the same object again
        ballots.ballot_submit(user=staff, poll=poll, entries={"team": ("较好", "")})
    with pytest.raises(ValidationFailed):  # a member on the team scale
        ballots.ballot_submit(user=staff, poll=poll, entries={key(team, "L02"): ("好", "")})
    ballots.ballot_submit(user=staff, poll=poll, entries={key(team, "L02"): ("称职", "")})  # comes back later
    assert LeadershipRating.objects.filter(rater=rater).count() == 3
    # the database refuses a second ballot of the same rater, group and object
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadershipRating.objects.create(poll=poll, rater=rater, group="群众", member=None, grade="差")

    # a member: the principal grades the team as 自评, the self on the self scale, the other as 班子成员
    principal = world.leader_person.user
    items = {i.key: i for i in ballots.ballot_items(ballots.account_rater(principal, poll))}
    assert items["team"].group == "自评" and items[key(team, "L01")].group == "自评"
    assert items[key(team, "L01")].scale == ("优秀", "良好", "一般", "较差")
    assert items[key(team, "L02")].group == "班子成员"
    with pytest.raises(ValidationFailed):  # 称职 is not on the self scale
        ballots.ballot_submit(user=principal, poll=poll, entries={key(team, "L01"): ("称职", "")})
    ballots.ballot_submit(user=principal, poll=poll, entries={key(team, "L01"): ("良好", ""),
                                                               key(team, "L02"): ("优秀", "")})
    # administrators never rate; the ballot is audited with its rater (the audit administrator's log)
    with pytest.raises(PermissionDeniedError):
        ballots.ballot_submit(user=world.users["auditor"], poll=poll, entries={"team": ("好", "")})
    event = AuditEvent.objects.filter(action="leadership.ballot").order_by("-id").first()
    assert event.actor_name == principal.username and "L02" in event.new_value
    from appraisal import audit

    assert "leadership.ballot" in audit.BALLOT_ACTIONS  # sealed on the log page, traced with a reason


def test_single_use_links_for_invited_representatives(world, team, poll):
    link = ballots.link_create(user=world.users["office"], poll=poll, group="群众", label="人大代表")
    ballots.ballot_submit(token=link.token, entries={"team": ("较好", "")})
    with pytest.raises(ballots.LinkInvalid):
        ballots.ballot_submit(token=link.token, entries={key(team, "L01"): ("优秀", "")})
    expired = ballots.link_create(user=world.users["office"], poll=poll, group="上级领导", label="市局领导",
                                   expires_at=timezone.now() + timedelta(minutes=1))
    LeadershipRater.objects.filter(pk=expired.rater.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ballots.LinkInvalid):
        ballots.ballot_submit(token=expired.token, entries={"team": ("好", "")})
    with pytest.raises(ValidationFailed):  # links only for 群众 and 上级领导
        ballots.link_create(user=world.users["office"], poll=poll, group="班子成员", label="x")
    # the public link page: unknown, used and valid tokens
    client_response = lambda token: __import__("django.test", fromlist=["Client"]).Client().get(  # noqa: E731
        reverse("scoring:leadership_link", args=[token]))
    assert client_response(link.token).status_code == 404
    assert client_response("nonsense").status_code == 404
    fresh = ballots.link_create(user=world.users["office"], poll=poll, group="群众", label="政协委员")
    page = client_response(fresh.token)
    assert page.status_code == 200 and "领导班子" in page.content.decode()


def _rate_team_by(world, poll, grades):
    """Ratings of the team by link raters, with comments."""
    for index, grade in enumerate(grades):
        link = ballots.link_create(user=world.users["office"], poll=poll, group="群众", label=f"代表{index}")
        ballots.ballot_submit(token=link.token, entries={"team": (grade, f"意见{index}")})


def test_aggregates_and_comments_respect_the_floor_and_the_end_of_the_poll(world, team, poll):
    scheme = selectors.scheme_of(team.assessment_year)
    _rate_team_by(world, poll, ["好", "较好"])
    ballots.ballot_submit(user=world.leader_person.user, poll=poll, entries={"team": ("好", "自评意见")})
    close(poll)
    team_aggregate = selectors.aggregates(poll, scheme)[None]
    # two others and a self-assessment: under the floor of 3, nothing is shown
    assert (team_aggregate.others, team_aggregate.shown, team_aggregate.poll, team_aggregate.comments) == (
        2, False, None, [])
    LeadershipPoll.objects.filter(pk=poll.pk).update(closed=False)
    poll.refresh_from_db()
    _rate_team_by(world, poll, ["好"])
    assert selectors.aggregates(poll, scheme)[None].shown is False  # still running: nothing shown
    close(poll)
    team_aggregate = selectors.aggregates(poll, scheme)[None]
    assert team_aggregate.shown and team_aggregate.counts["群众"] == 3
    # 群众 (95+85+95)/3 = 91.67 weighted 0.4, 自评 (principal, team scale) 95 weighted 0.1
    assert team_aggregate.poll == Decimal("92.33")
    assert team_aggregate.means["群众"] == Decimal("91.67") and team_aggregate.means["上级领导"] is None
    assert team_aggregate.comments == ["意见0", "意见1", "意见0"] or sorted(team_aggregate.comments) == [
        "意见0", "意见0", "意见1"]
    assert "自评意见" not in team_aggregate.comments


def test_overrides_need_a_reason_and_are_audited(world, team):
    office = world.users["office"]
    with pytest.raises(ValidationFailed):
        services.override_set(user=office, team=team, score="88", reason="")
    with pytest.raises(ValidationFailed):
        services.override_set(user=office, team=team, score="100.5", reason="上级考核")
    assert services.override_set(user=office, team=team, score="88.456", reason="上级考核结果") == Decimal("88.46")
    services.override_set(user=office, team=team, member=members(team)["L02"], score="81", reason="分管考核")
    with pytest.raises(PermissionDeniedError):
        services.override_set(user=world.users["staff"], team=team, score="90", reason="x")
    events = AuditEvent.objects.filter(action="leadership.override")
    assert events.count() == 2 and {e.reason for e in events} == {"上级考核结果", "分管考核"}


# ---------------------------------------------------------------- the pipeline and the pages

def test_pipeline_writes_the_leadership_results(world, team, poll):
    office = world.users["office"]
    services.override_set(user=office, team=team, score="86", reason="上级考核结果")
    services.override_set(user=office, team=team, member=members(team)["L02"], score="80", reason="分管考核")
    _rate_team_by(world, poll, ["好", "好", "较好"])
    summary = year_compute(assessment_year=team.assessment_year)
    assert summary.leadership == 3  # one team row and two member rows
    result = LeadershipTeamResult.objects.get(assessment_year=team.assessment_year)
    # T = 0.7 × 86 + 0.3 × 91.67 = 87.70
    assert (result.work_score, result.poll_score, result.team_score, result.grade) == (
        Decimal("86.00"), Decimal("91.67"), Decimal("87.70"), "较好")
    rows = {r.person.staff_id: r for r in LeadershipMemberResult.objects.select_related("person")}
    assert rows["L01"].in_charge_score is None and rows["L01"].member_score == Decimal("87.70")
    # deputy: (0.3 × 87.70 + 0.4 × 80) / 0.7 = 83.30
    assert rows["L02"].member_score == Decimal("83.30") and rows["L02"].grade == "称职"


def test_pages_office_member_rater_and_form(client, world, team, poll):
    _rate_team_by(world, poll, ["好", "好", "较好"])
    close(poll)
    year_compute(assessment_year=team.assessment_year)
    client.force_login(world.users["office"])
    page = client.get(reverse("scoring:leadership_office"))
    assert page.status_code == 200 and "林副局长" in page.content.decode() and "意见1" in page.content.decode()
    member = members(team)["L02"]
    form = client.get(reverse("scoring:leadership_form", args=[team.assessment_year_id, member.pk]))
    assert form.status_code == 200 and "领导干部考核登记表" in form.content.decode()
    export = client.get(reverse("scoring:leadership_export", args=[team.assessment_year_id]))
    workbook = openpyxl.load_workbook(__import__("io").BytesIO(export.content))
    assert workbook.sheetnames == ["领导班子成绩", "班子成员成绩", "测评汇总", "语言评价"]
    assert workbook["领导班子成绩"]["D2"].value == "好"  # no DA anywhere: T is the poll (91.67)
    # the principal reads the team's aggregate and the comments; another member's form is not theirs
    client.force_login(world.leader_person.user)
    mine = client.get(reverse("scoring:leadership_mine"))
    assert mine.status_code == 200 and "意见0" in mine.content.decode()
    assert client.get(reverse("scoring:leadership_form", args=[team.assessment_year_id, member.pk])).status_code == 403
    # a civil servant sees no feedback and no form; the ballot list is empty once the poll is over
    client.force_login(world.users["staff"])
    assert client.get(reverse("scoring:leadership_mine")).status_code == 403
    assert client.get(reverse("scoring:leadership_office")).status_code == 403


def test_page_queries_do_not_grow_with_the_team(client, world, team, poll):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        result = {}
        for username, url in (("office", reverse("scoring:leadership_office")),
                              ("staff", reverse("scoring:leadership_ballot", args=[poll.pk]))):
            client.force_login(world.users[username])
            client.get(url)  # warm the per-request caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result[username] = len(queries)
        return result

    before = counts()
    extra = [PersonFactory(department=None, organisation=world.organisation, staff_id=f"L1{i}", name=f"副局长{i}",
                           position=Position.LEADER) for i in range(3)]
    services.team_save(user=world.users["office"], assessment_year=team.assessment_year, members=[
        MemberInput(world.leader_person.pk, True), MemberInput(extra[0].pk, False, (world.department.pk,)),
        *[MemberInput(p.pk, False, (world.other_department.pk,) if i == 1 else ()) for i, p in enumerate(extra)
          if i]])
    assert counts() == before


def test_a_leader_outside_the_team_rates_only_when_added(client, world, team, poll):
    outside = PersonFactory(department=None, organisation=world.organisation, staff_id="L09", name="调研员",
                            position=Position.LEADER)
    user = person_user(outside, "outside-leader")
    client.force_login(user)
    assert client.get(reverse("scoring:leadership_ballot", args=[poll.pk])).status_code == 403
    with pytest.raises(PermissionDeniedError):
        ballots.ballot_submit(user=user, poll=poll, entries={"team": ("好", "")})
    ballots.superiors_add(user=world.users["office"], poll=poll, accounts=[user])
    assert client.get(reverse("scoring:leadership_ballot", args=[poll.pk])).status_code == 200
    assert ballots.ballot_submit(user=user, poll=poll, entries={"team": ("好", "")}).group == "上级领导"
