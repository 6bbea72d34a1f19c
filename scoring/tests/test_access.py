"""SECURITY.md items 6–7 for the scoring URLs (appraisal/tests/test_access.py leaves the scoring
namespace to this file): every URL × every role, with objects of another department, and the
posts that must be refused."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal import access
from scoring import ballots
from scoring.models import PeerRating, SatisfactionRating, WorkloadGrade
from tests.access_matrix import callbacks_of, leak_markers, matrix_users, target, walk

from .ballot_helpers import all_departments_grades, half, month

ROLES = ["anonymous", "staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"]
EVERYONE = {"staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"}
PUBLIC = {"scoring:satisfaction_link", "scoring:satisfaction_done", "scoring:satisfaction_link_evidence",
          "scoring:leadership_link"}


def _scoring_patterns():
    return callbacks_of("scoring")


def test_every_scoring_view_declares_a_rule():
    patterns = _scoring_patterns()
    assert all(access.rule_of_view(callback) is not None for callback in patterns.values())
    assert {name for name, cb in patterns.items() if access.rule_of_view(cb) == access.PUBLIC} == PUBLIC


@pytest.fixture
def setting(world, year):
    """A running 360° evaluation with "outsider" (登记处) as a 机关部门 rater and "leader" as
    主要领导, one external link, and the other department's (登记处) objects as targets."""
    office = world.users["office"]
    evaluation = ballots.satisfaction_open(user=office, period=half(year), closes_at=timezone.now() + timedelta(days=3))
    (outsider_rater,) = ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="机关部门",
                                                                accounts=[world.users["outsider"]])
    ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="主要领导",
                                            accounts=[world.users["leader"]])
    link = ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="基层分局", label="分局甲")
    # the leadership poll: 陈局长 (the person behind "leader-person", no role of ROLES) leads the team
    from scoring.leadership import ballots as leadership_ballots
    from scoring.leadership import services as leadership

    team = leadership.team_save(user=office, assessment_year=year,
                                members=[leadership.MemberInput(world.leader_person.pk, True)])
    poll = leadership_ballots.poll_open(user=office, team=team, closes_at=timezone.now() + timedelta(days=3))
    # routine appraisal: the year in routine mode, 王科员's filed summary graded 一般 (a reminder talk)
    from scoring.routine import services as routine

    from .routine_helpers import quarter, routine_year

    routine_year(world, year)
    summary = routine.summary_save(user=world.users["staff"], period=quarter(year), text="小结", self_grade="好",
                                   submit=True)
    routine.superior_review(user=world.users["head"], summary=summary, comment="一般", grade="一般")
    from scoring.routine import groups as routine_groups

    group = routine_groups.group_save(user=office, assessment_year=year, name="综合组",
                                      person_ids=[world.staff.pk, world.colleague.pk])
    return {"group": group, "evaluation": evaluation, "rater": outsider_rater, "token": link.token, "period": month(year),
            "year": year, "poll": poll, "member": team.members.get(), "summary": summary,
            "talk": summary.talk}


def _targets(world, setting):
    """url name -> (url, roles that may GET it)."""
    other = world.other_department.pk
    period = setting["period"].pk
    evaluation = setting["evaluation"].pk
    year, poll = setting["year"].pk, setting["poll"].pk
    return {
        "scoring:home": (reverse("scoring:home"), set()),  # redirects: checked below
        "scoring:health": (reverse("scoring:health"), {"office", "sysadmin"}),
        "scoring:peer_ballot": (reverse("scoring:peer_ballot"), {"staff", "head", "outsider"}),
        "scoring:peer_results": (f"{reverse('scoring:peer_results')}?department={other}", {"office", "leader"}),
        "scoring:workload_edit": (f"{reverse('scoring:workload_edit')}?department={other}", {"office"}),
        "scoring:workload_publish": (reverse("scoring:workload_publish", args=[period, other]), set()),  # POST only
        "scoring:workload_list": (f"{reverse('scoring:workload_list')}?department={other}",
                                  {"outsider", "office", "leader"}),
        "scoring:satisfaction_list": (reverse("scoring:satisfaction_list"), {"office"}),
        "scoring:satisfaction_detail": (reverse("scoring:satisfaction_detail", args=[evaluation]), {"office"}),
        "scoring:satisfaction_raters_add": (reverse("scoring:satisfaction_raters_add", args=[evaluation]), set()),
        "scoring:satisfaction_links_create": (reverse("scoring:satisfaction_links_create", args=[evaluation]), set()),
        "scoring:satisfaction_close": (reverse("scoring:satisfaction_close", args=[evaluation]), set()),
        "scoring:satisfaction_mine": (reverse("scoring:satisfaction_mine"), {"outsider", "leader"}),
        "scoring:satisfaction_ballot": (reverse("scoring:satisfaction_ballot", args=[setting["rater"].pk]),
                                        {"outsider"}),
        # no such file: even the rater gets 404 (scoring/tests/test_satisfaction_evidence.py serves real ones)
        "scoring:satisfaction_evidence": (reverse("scoring:satisfaction_evidence",
                                                  args=[setting["rater"].pk, 999999]), set()),
        # the leadership appraisal: the office's page, export and forms; staff rate in the running poll
        "scoring:leadership_office": (reverse("scoring:leadership_office"), {"office"}),
        "scoring:leadership_export": (reverse("scoring:leadership_export", args=[year]), {"office"}),
        "scoring:leadership_form": (reverse("scoring:leadership_form", args=[year, setting["member"].pk]),
                                    {"office"}),
        "scoring:leadership_team": (reverse("scoring:leadership_team", args=[year]), set()),  # POST only
        "scoring:leadership_override": (reverse("scoring:leadership_override", args=[year]), set()),
        "scoring:leadership_poll_open": (reverse("scoring:leadership_poll_open", args=[year]), set()),
        "scoring:leadership_superiors": (reverse("scoring:leadership_superiors", args=[poll]), set()),
        "scoring:leadership_links": (reverse("scoring:leadership_links", args=[poll]), set()),
        "scoring:leadership_poll_close": (reverse("scoring:leadership_poll_close", args=[poll]), set()),
        "scoring:leadership_ballots": (reverse("scoring:leadership_ballots"), {"staff", "head", "outsider"}),
        "scoring:leadership_ballot": (reverse("scoring:leadership_ballot", args=[poll]),
                                      {"staff", "head", "outsider"}),
        "scoring:leadership_mine": (reverse("scoring:leadership_mine"), set()),  # team members only
        # routine appraisal: civil servants file and evaluate (赵科员, the assessor, is 王科员's peer)
        "scoring:routine_mine": (reverse("scoring:routine_mine"), {"staff", "head", "outsider"}),
        "scoring:routine_peers": (reverse("scoring:routine_peers"), {"staff", "head", "outsider"}),
        "scoring:routine_review": (reverse("scoring:routine_review"), {"head", "leader"}),
        "scoring:routine_summary": (reverse("scoring:routine_summary", args=[setting["summary"].pk]),
                                    {"staff", "head", "office", "leader", "assessor"}),
        "scoring:routine_talks": (reverse("scoring:routine_talks"), {"staff", "head", "outsider", "office",
                                                                     "leader"}),
        "scoring:routine_talk": (reverse("scoring:routine_talk", args=[setting["talk"].pk]),
                                 {"staff", "head", "office", "leader"}),
        "scoring:routine_office": (reverse("scoring:routine_office"), {"office"}),
        "scoring:routine_groups": (reverse("scoring:routine_groups"), {"office"}),
        "scoring:routine_group": (reverse("scoring:routine_group", args=[setting["group"].pk]), {"office"}),
        "scoring:routine_group_delete": (reverse("scoring:routine_group_delete", args=[setting["group"].pk]), set()),
        "scoring:routine_report": (reverse("scoring:routine_report"), {"staff", "head", "outsider"}),
        "scoring:routine_reports": (reverse("scoring:routine_reports"), {"office", "leader", "head"}),
        "scoring:routine_file_self": (reverse("scoring:routine_file_self"), set()),  # redirects: below
        "scoring:routine_file": (reverse("scoring:routine_file", args=[world.staff.pk]),
                                 {"staff", "head", "office", "leader"}),
    }


@pytest.mark.django_db
def test_every_scoring_url_for_every_role(client, world, setting):
    table = _targets(world, setting)
    assert set(_scoring_patterns()) - PUBLIC == set(table), "add the new URL to the table"
    entering = {"staff", "head", "outsider", "office", "office_b", "leader"}
    redirected = {"scoring:home": entering, "scoring:routine_file_self": {"staff", "head", "outsider"}}
    targets = [target(name, url, allowed, redirected.get(name, ())) for name, (url, allowed) in table.items()]
    users = matrix_users(world)
    failures = walk(client, users, targets, markers=leak_markers(world))
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_the_link_pages_need_no_account_and_refuse_a_wrong_token(client, world, setting):
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        assert client.get(reverse("scoring:satisfaction_link", args=[setting["token"]])).status_code == 200
        assert client.get(reverse("scoring:satisfaction_link", args=["wrong" + setting["token"]])).status_code == 404
        assert client.get(reverse("scoring:satisfaction_done")).status_code == 200


@pytest.mark.django_db
def test_posts_on_another_departments_ballots_are_refused(client, world, setting, year):
    period = setting["period"]
    attempts = [
        # another department's colleague in a peer ballot
        ("staff", reverse("scoring:peer_ballot"), {"period": period.pk, f"g{world.outsider.pk}": "差"}),
        # another department's workload grades and their publication
        ("head", reverse("scoring:workload_edit"), {"department": world.other_department.pk, "period": period.pk,
                                                   f"w{world.outsider.pk}": "非常小"}),
        ("head", reverse("scoring:workload_publish", args=[period.pk, world.other_department.pk]), {}),
        ("staff", reverse("scoring:workload_edit"), {"department": world.department.pk, "period": period.pk,
                                                    f"w{world.colleague.pk}": "非常小"}),
        ("leader", reverse("scoring:workload_publish", args=[period.pk, world.department.pk]), {}),
        # somebody else's 360° ballot; the office's actions by others
        ("head", reverse("scoring:satisfaction_ballot", args=[setting["rater"].pk]),
         all_departments_grades(world, without=world.other_department) | {"x": "1"}),
        ("leader", reverse("scoring:satisfaction_close", args=[setting["evaluation"].pk]), {}),
        ("head", reverse("scoring:satisfaction_links_create", args=[setting["evaluation"].pk]),
         {"links-group": "基层分局", "links-count": 1}),
    ]
    for username, url, data in attempts:
        client.force_login(world.users[username])
        response = client.post(url, data)
        assert response.status_code in (200, 302, 403), (username, url)
    assert not PeerRating.objects.exists()
    assert not WorkloadGrade.objects.exists()
    assert not SatisfactionRating.objects.exists()
    setting["evaluation"].refresh_from_db()
    assert not setting["evaluation"].closed and setting["evaluation"].raters.count() == 3


@pytest.mark.django_db
def test_the_office_of_another_organisation_sees_nothing_of_this_one(client, world, setting):
    from appraisal.models import Role
    from appraisal.tests.factories import OrganisationFactory, role_user

    stranger = role_user(Role.OFFICE, OrganisationFactory(code="T2"), "office-t2")
    client.force_login(stranger)
    assert client.get(reverse("scoring:satisfaction_detail", args=[setting["evaluation"].pk])).status_code == 404
    response = client.get(reverse("scoring:workload_edit"), {"department": world.department.pk})
    assert response.status_code == 404
    assert client.post(reverse("scoring:satisfaction_close", args=[setting["evaluation"].pk])).status_code == 404


@pytest.mark.django_db
def test_only_the_organisations_office_changes_evaluation_groups(client, world, setting):
    from scoring.routine.models import PeerGroup, PeerGroupMember

    group = setting["group"]
    members = [world.staff.pk, world.outsider.pk]
    posts = [(reverse("scoring:routine_groups"), {"name": "另一组", "members": members}),
             (reverse("scoring:routine_group", args=[group.pk]), {"name": "改名", "members": members}),
             (reverse("scoring:routine_group_delete", args=[group.pk]), {})]
    for role in ("staff", "head", "outsider", "leader", "sysadmin", "secadmin", "auditor"):
        client.force_login(world.users[role])
        for url, data in posts:
            assert client.post(url, data).status_code in (403, 404), (role, url)
    assert list(PeerGroup.objects.values_list("name", flat=True)) == ["综合组"]
    assert set(PeerGroupMember.objects.values_list("person_id", flat=True)) == {world.staff.pk, world.colleague.pk}
