"""The ballot services and selectors: democratic evaluation, workload grades and the 360°
evaluation (DOMAIN.md §4.2, §5; SECURITY.md items 7, 11–13, 15)."""
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent, PeriodState, Position
from appraisal.tests.factories import PersonFactory, person_user
from scoring import ballot_selectors as selectors
from scoring import ballots
from scoring.models import PeerRating, SatisfactionRater, SatisfactionRating, WorkloadGrade

from .ballot_helpers import (  # noqa: F401 (fixtures)
    all_departments_grades, close_month, colleague_user, evaluation, fourth, half, month, set_state,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- democratic evaluation

def test_a_civil_servant_grades_colleagues_and_may_change_the_own_ballot(world, year):
    period = month(year)
    staff = world.users["staff"]
    result = ballots.peer_rating_submit(user=staff, period=period, grades={world.head.pk: "优秀"})
    assert (result.rated, result.total, result.changed) == (1, 2, 1)
    result = ballots.peer_rating_submit(user=staff, period=period,
                                        grades={world.head.pk: "良好", world.colleague.pk: "中等"})
    assert (result.rated, result.total, result.changed) == (2, 2, 2)
    rows = dict(PeerRating.objects.filter(period=period, rater=world.staff).values_list("ratee_id", "grade"))
    assert rows == {world.head.pk: "良好", world.colleague.pk: "中等"}
    # the same grades again change nothing and write no audit event
    before = AuditEvent.objects.count()
    assert ballots.peer_rating_submit(user=staff, period=period, grades={world.head.pk: "良好"}).changed == 0
    assert AuditEvent.objects.count() == before


def test_the_ballot_shows_the_own_grades_and_progress(world, year):
    period = month(year)
    ballots.peer_rating_submit(user=world.users["staff"], period=period, grades={world.colleague.pk: "优秀"})
    ballot = selectors.peer_ballot(world.staff, period)
    assert [r.name for r in ballot.rows] == ["李处长", "赵科员"]  # not self, not other departments, not leaders
    assert {r.name: r.grade for r in ballot.rows} == {"李处长": None, "赵科员": "优秀"}
    assert (ballot.rated, ballot.total) == (1, 2)


def test_no_self_rating(world, year):
    with pytest.raises(ValidationFailed, match="不能给自己评分"):
        ballots.peer_rating_submit(user=world.users["staff"], period=month(year),
                                   grades={world.staff.pk: "优秀", world.head.pk: "优秀"})
    assert not PeerRating.objects.exists()


def test_the_database_refuses_self_rating_and_a_second_row(world, year):
    period = month(year)
    with pytest.raises(IntegrityError), transaction.atomic():
        PeerRating.objects.create(period=period, rater=world.staff, ratee=world.staff, grade="优秀")
    PeerRating.objects.create(period=period, rater=world.staff, ratee=world.head, grade="优秀")
    with pytest.raises(IntegrityError), transaction.atomic():
        PeerRating.objects.create(period=period, rater=world.staff, ratee=world.head, grade="差")


def test_other_departments_are_refused(world, year):
    with pytest.raises(PermissionDeniedError, match="本部门"):
        ballots.peer_rating_submit(user=world.users["staff"], period=month(year),
                                   grades={world.head.pk: "优秀", world.outsider.pk: "差"})
    assert not PeerRating.objects.exists()  # all or nothing


@pytest.mark.parametrize("state", [PeriodState.SCORING, PeriodState.PUBLICITY, PeriodState.LOCKED])
def test_a_closed_month_is_refused(world, year, state):
    period = set_state(month(year), state)
    with pytest.raises(StateError, match="民主测评已结束"):
        ballots.peer_rating_submit(user=world.users["staff"], period=period, grades={world.head.pk: "优秀"})
    assert not PeerRating.objects.exists()


def test_the_ballot_is_monthly(world, year):
    with pytest.raises(ValidationFailed):
        ballots.peer_rating_submit(user=world.users["staff"], period=half(year), grades={world.head.pk: "优秀"})


def test_an_unknown_grade_is_refused(world, year):
    with pytest.raises(ValidationFailed, match="等次"):
        ballots.peer_rating_submit(user=world.users["staff"], period=month(year), grades={world.head.pk: "很好"})


def test_leaders_neither_rate_nor_are_rated(world, year):
    from django.contrib.auth import get_user_model

    leader_account = get_user_model().objects.get(username="leader-person")
    for user in (leader_account, world.users["leader"], world.users["office"], world.users["auditor"]):
        with pytest.raises(PermissionDeniedError):
            ballots.peer_rating_submit(user=user, period=month(year), grades={world.staff.pk: "优秀"})
    # a 局领导 filed under the department is still no ratee
    leader_in_department = PersonFactory(department=world.department, staff_id="L09", name="周局长",
                                         position=Position.LEADER)
    with pytest.raises(PermissionDeniedError):
        ballots.peer_rating_submit(user=world.users["staff"], period=month(year),
                                   grades={leader_in_department.pk: "优秀"})
    assert "周局长" not in [r.name for r in selectors.peer_ballot(world.staff, month(year)).rows]


def test_an_inactive_colleague_is_no_ratee(world, year):
    world.colleague.is_active = False
    world.colleague.save(update_fields=["is_active"])
    with pytest.raises(PermissionDeniedError):
        ballots.peer_rating_submit(user=world.users["staff"], period=month(year), grades={world.colleague.pk: "优秀"})


def test_resubmitting_leaves_one_row(world, year):
    period = month(year)
    for grade in ("优秀", "差", "良好"):
        ballots.peer_rating_submit(user=world.users["staff"], period=period, grades={world.head.pk: grade})
    assert list(PeerRating.objects.filter(period=period).values_list("grade", flat=True)) == ["良好"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_leave_one_row(world, year):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the race needs PostgreSQL")
    period = month(year)
    barrier = threading.Barrier(2)
    errors = []

    def submit(grade):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            ballots.peer_rating_submit(user=world.users["staff"], period=period, grades={world.head.pk: grade})
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit, args=(grade,)) for grade in ("优秀", "差")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert PeerRating.objects.filter(period=period, rater=world.staff, ratee=world.head).count() == 1


def test_the_audit_log_keeps_the_ballot_with_old_and_new(world, year):
    period = month(year)
    ballots.peer_rating_submit(user=world.users["staff"], period=period, grades={world.head.pk: "优秀"})
    ballots.peer_rating_submit(user=world.users["staff"], period=period, grades={world.head.pk: "中等"})
    events = list(AuditEvent.objects.filter(action="peer_rating.submit").order_by("id"))
    assert [e.actor_name for e in events] == ["staff", "staff"]
    assert events[0].old_value is None and events[0].new_value == {"1001 李处长": "优秀"}
    assert events[1].old_value == {"1001 李处长": "优秀"} and events[1].new_value == {"1001 李处长": "中等"}
    assert events[1].object_type == "scoring.PeerRating" and events[1].organisation_id == world.organisation.pk


# ---------------------------------------------------------------- aggregates and anonymity

def _rate(world, period, grades_by_user: dict[str, dict]):
    from django.contrib.auth import get_user_model

    for username, grades in grades_by_user.items():
        user = get_user_model().objects.get(username=username)
        ballots.peer_rating_submit(user=user, period=period, grades=grades)


def test_aggregates_need_three_raters_and_a_closed_month(world, year, fourth, colleague_user):
    period = month(year)
    _rate(world, period, {
        "staff": {world.head.pk: "优秀", world.colleague.pk: "良好"},
        "colleague": {world.head.pk: "良好", world.staff.pk: "中等"},
        "fourth": {world.head.pk: "差", world.staff.pk: "优秀"},
    })
    open_rows = dict((p.name, a) for p, a in selectors.department_aggregates(world.department, period))
    assert all(not a.shown and a.in_progress for a in open_rows.values())  # still open: nothing shown
    period = close_month(period)
    rows = {p.name: a for p, a in selectors.department_aggregates(world.department, period)}
    head = rows["李处长"]
    assert head.shown and head.raters == 3
    assert head.distribution == [("优秀", 1), ("良好", 1), ("中等", 0), ("差", 1)]
    assert head.peer_score == Decimal("80.00")  # (95 + 85 + 60) / 3, fewer than 5: no trimming
    assert not rows["王科员"].shown and rows["王科员"].raters is None  # two raters: hidden, count too
    assert not rows["赵科员"].shown and not rows["孙科员"].shown
    received = selectors.received_aggregates(world.head, [period])
    assert received[0][1] == head


def test_five_raters_drop_the_highest_and_the_lowest(world, year):
    period = month(year)
    grades = ["优秀", "优秀", "良好", "中等", "差"]
    for index, grade in enumerate(grades):
        rater = PersonFactory(department=world.department, staff_id=f"11{index}", name=f"测评人{index}")
        person_user(rater, f"rater{index}")
        _rate(world, period, {f"rater{index}": {world.colleague.pk: grade}})
    period = close_month(period)
    aggregates = dict((p.pk, a) for p, a in selectors.department_aggregates(world.department, period))
    aggregate = aggregates[world.colleague.pk]
    assert aggregate.raters == 5 and aggregate.peer_score == Decimal("85.00")  # mean of 95, 85, 75


def _rows_of(html: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return re.findall(r"<tr[^>]*>.*?</tr>", table.split("<tbody>")[1], re.S)


def test_no_page_of_the_ratee_head_or_leader_shows_a_rater(client, world, year, fourth, colleague_user):
    """The rater who moved to another department after rating appears nowhere on the pages of
    the old department; each row of an aggregate names the ratee only."""
    period = month(year)
    mover = PersonFactory(department=world.department, staff_id="1005", name="吴调离")
    person_user(mover, "mover")
    _rate(world, period, {
        "staff": {world.head.pk: "优秀"}, "colleague": {world.head.pk: "良好"},
        "fourth": {world.head.pk: "中等"}, "mover": {world.head.pk: "差", world.staff.pk: "差"},
    })
    mover.department = world.other_department
    mover.save(update_fields=["department"])
    close_month(period)
    member_names = ["李处长", "王科员", "赵科员", "孙科员"]

    client.force_login(world.users["head"])  # the ratee and the head
    page = client.get(reverse("scoring:peer_ballot")).content.decode()
    assert "吴调离" not in page
    received = _rows_of(page, "received-table")
    assert received and not any(name in row for row in received for name in member_names)
    for username in ("head", "leader", "office"):
        client.force_login(world.users[username])
        response = client.get(reverse("scoring:peer_results"),
                              {"department": world.department.pk, "period": period.pk})
        page = response.content.decode()
        assert response.status_code == 200
        assert "吴调离" not in page and "孙科员" in page
        for row in _rows_of(page, "results-table"):
            assert sum(name in row for name in member_names) == 1, row
        head_row = next(row for row in _rows_of(page, "results-table") if "李处长" in row)
        assert "78.75" in head_row  # (95 + 85 + 75 + 60) / 4


def test_a_civil_servant_does_not_read_the_department_aggregates(client, world, year):
    client.force_login(world.users["staff"])
    assert client.get(reverse("scoring:peer_results")).status_code == 403


# ---------------------------------------------------------------- workload grades

def test_the_head_sets_grades_and_the_audit_keeps_old_and_new(world, year):
    period = month(year)
    head = world.users["head"]
    # the colleague had no grade, which counts as 一般: confirming 一般 is no change
    assert ballots.workload_set(user=head, period=period, department=world.department,
                                grades={world.staff.pk: "非常大", world.colleague.pk: "一般"}) == 1
    assert ballots.workload_set(user=head, period=period, department=world.department,
                                grades={world.staff.pk: "比较大", world.colleague.pk: "一般"}, reason="复核") == 1
    rows = {r.person.name: r for r in selectors.workload_sheet(world.department, period)}
    assert rows["王科员"].grade == "比较大" and rows["王科员"].coefficient == Decimal("1.05")
    assert rows["李处长"].grade is None and rows["李处长"].coefficient == Decimal("1.00")
    event = AuditEvent.objects.filter(action="workload.set").order_by("-id").first()
    assert event.old_value == {"1002 王科员": "非常大"} and event.new_value == {"1002 王科员": "比较大"}
    assert event.reason == "复核" and event.actor_name == "head"


def test_coefficients_come_from_the_years_scheme(world, year):
    from appraisal import services as appraisal_services

    scheme = year.scheme
    values = {k: Decimal(v) for k, v in scheme.values.items()} | {"workload.非常大": Decimal("1.20")}
    appraisal_services.scheme_update(user=world.users["office"], scheme=scheme, values=values)
    period = month(year)
    ballots.workload_set(user=world.users["head"], period=period, department=world.department,
                         grades={world.staff.pk: "非常大"})
    rows = {r.person.name: r.coefficient for r in selectors.workload_sheet(world.department, period)}
    assert rows["王科员"] == Decimal("1.20")


def test_only_the_head_of_that_department_or_the_office(world, year):
    period = month(year)
    for username in ("staff", "outsider", "leader", "auditor"):
        with pytest.raises(PermissionDeniedError):
            ballots.workload_set(user=world.users[username], period=period, department=world.department,
                                 grades={world.staff.pk: "较小"})
    with pytest.raises(PermissionDeniedError):
        ballots.workload_set(user=world.users["head"], period=period, department=world.other_department,
                             grades={world.outsider.pk: "较小"})
    with pytest.raises(PermissionDeniedError):
        ballots.workload_publish(user=world.users["head"], period=period, department=world.other_department)
    # the office sets anyone's, the head's own included
    ballots.workload_set(user=world.users["office"], period=period, department=world.department,
                         grades={world.head.pk: "比较大"})
    assert WorkloadGrade.objects.get(person=world.head).grade == "比较大"


def test_a_head_does_not_grade_the_own_workload_nor_other_departments_people(world, year):
    period = month(year)
    with pytest.raises(ValidationFailed, match="本人"):
        ballots.workload_set(user=world.users["head"], period=period, department=world.department,
                             grades={world.head.pk: "非常大"})
    with pytest.raises(ValidationFailed, match="本部门"):
        ballots.workload_set(user=world.users["head"], period=period, department=world.department,
                             grades={world.outsider.pk: "非常大"})
    with pytest.raises(ValidationFailed):
        ballots.workload_set(user=world.users["head"], period=period, department=world.department,
                             grades={world.staff.pk: "超大"})
    assert not WorkloadGrade.objects.exists()


@pytest.mark.parametrize("state, allowed", [(PeriodState.OPEN, True), (PeriodState.SCORING, True),
                                            (PeriodState.PUBLICITY, False), (PeriodState.LOCKED, False)])
def test_workload_grades_freeze_at_publicity(world, year, state, allowed):
    period = set_state(month(year), state)
    call = lambda: ballots.workload_set(user=world.users["head"], period=period,  # noqa: E731
                                        department=world.department, grades={world.staff.pk: "较小"})
    if allowed:
        call()
    else:
        with pytest.raises(StateError):
            call()


def test_publishing_fills_defaults_and_shows_the_grades_to_members(world, year):
    period = month(year)
    ballots.workload_set(user=world.users["head"], period=period, department=world.department,
                         grades={world.staff.pk: "非常大"})
    assert selectors.workload_sheet(world.department, period, published_only=True) == []
    assert ballots.workload_publish(user=world.users["head"], period=period, department=world.department) == 3
    published = {r.person.name: (r.grade, r.coefficient) for r in
                 selectors.workload_sheet(world.department, period, published_only=True)}
    assert published == {"李处长": ("一般", Decimal("1.00")), "王科员": ("非常大", Decimal("1.10")),
                         "赵科员": ("一般", Decimal("1.00"))}
    with pytest.raises(StateError, match="已经公布"):
        ballots.workload_publish(user=world.users["head"], period=period, department=world.department)
    # a later change stays visible
    ballots.workload_set(user=world.users["head"], period=period, department=world.department,
                         grades={world.staff.pk: "较小"})
    assert WorkloadGrade.objects.get(person=world.staff).published
    event = AuditEvent.objects.get(action="workload.publish")
    assert event.new_value["grades"]["1002 王科员"] == "非常大"


# ---------------------------------------------------------------- 360° satisfaction

def test_only_the_office_opens_a_half_year_evaluation_once(world, year):
    closes = timezone.now() + timedelta(days=5)
    with pytest.raises(PermissionDeniedError):
        ballots.satisfaction_open(user=world.users["leader"], period=half(year), closes_at=closes)
    with pytest.raises(ValidationFailed, match="半年"):
        ballots.satisfaction_open(user=world.users["office"], period=month(year), closes_at=closes)
    with pytest.raises(ValidationFailed, match="晚于"):
        ballots.satisfaction_open(user=world.users["office"], period=half(year),
                                  closes_at=timezone.now() - timedelta(minutes=1))
    ballots.satisfaction_open(user=world.users["office"], period=half(year), closes_at=closes)
    with pytest.raises(ValidationFailed, match="已经开启"):
        ballots.satisfaction_open(user=world.users["office"], period=half(year), closes_at=closes)
    with pytest.raises(StateError):
        ballots.satisfaction_open(user=world.users["office"], period=set_state(half(year, 2), PeriodState.LOCKED),
                                  closes_at=closes)
    assert AuditEvent.objects.filter(action="satisfaction.open").count() == 1


def test_internal_raters(world, year, evaluation):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    office = world.users["office"]
    raters = ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="主要领导",
                                                     accounts=[world.users["leader"],
                                                               User.objects.get(username="leader-person")])
    assert {r.label for r in raters} == {"leader", "陈局长"}
    with pytest.raises(ValidationFailed) as refused:
        ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="分管领导",
                                                accounts=[world.users["staff"], world.users["leader"]])
    assert any("不是局领导" in message for _name, message in refused.value.details)
    with pytest.raises(ValidationFailed):  # 三员分立: an administrator never rates
        ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="机关部门",
                                                accounts=[world.users["auditor"]])
    with pytest.raises(ValidationFailed, match="未添加"):  # already a rater
        ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="主要领导",
                                                accounts=[world.users["leader"]])
    (head_rater,) = ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="机关部门",
                                                            accounts=[world.users["head"]])
    assert head_rater.department == world.department and head_rater.label == "李处长（办公室）"
    with pytest.raises(PermissionDeniedError):
        ballots.satisfaction_rater_add_internal(user=world.users["head"], evaluation=evaluation, group="机关部门",
                                                accounts=[world.users["staff"]])
    assert SatisfactionRater.objects.count() == 3


def test_a_department_rater_never_rates_the_own_department(world, year, evaluation):
    (rater,) = ballots.satisfaction_rater_add_internal(user=world.users["office"], evaluation=evaluation,
                                                       group="机关部门", accounts=[world.users["head"]])
    assert [d.code for d in ballots.ballot_departments(rater, world.organisation.pk)] == ["D02"]
    with pytest.raises(ValidationFailed):
        ballots.satisfaction_submit(user=world.users["head"], rater=rater, grades=all_departments_grades(world))
    with pytest.raises(PermissionDeniedError):  # somebody else's ballot
        ballots.satisfaction_submit(user=world.users["staff"], rater=rater,
                                    grades={world.other_department.pk: "优"})
    ballots.satisfaction_submit(user=world.users["head"], rater=rater, grades={world.other_department.pk: "优"})
    assert list(SatisfactionRating.objects.values_list("department__code", "group", "grade")) == [
        ("D02", "机关部门", "优")]
    with pytest.raises(StateError, match="重复"):
        ballots.satisfaction_submit(user=world.users["head"], rater=rater, grades={world.other_department.pk: "差"})


def test_a_link_stores_only_the_digest_and_dies_after_use(world, year, evaluation):
    link = ballots.satisfaction_link_create(user=world.users["office"], evaluation=evaluation, group="社会各界代表",
                                            label="企业代表甲")
    rater = SatisfactionRater.objects.get()
    assert len(link.token) >= 43 and rater.token_hash == ballots.token_digest(link.token) != link.token
    assert rater.expires_at == evaluation.closes_at and rater.user is None
    event = AuditEvent.objects.get(action="satisfaction.link_create")
    assert link.token not in str(event.new_value) and rater.token_hash not in str(event.new_value)
    assert selectors.link_rater(link.token) == rater and selectors.link_rater("x" + link.token) is None
    with pytest.raises(ValidationFailed, match="未保存"):  # every department, or nothing
        ballots.satisfaction_submit(token=link.token, grades={world.department.pk: "优"})
    assert not SatisfactionRating.objects.exists()
    ballots.satisfaction_submit(token=link.token, grades=all_departments_grades(world, "良"))
    assert SatisfactionRating.objects.filter(rater=rater, group="社会各界代表").count() == 2
    assert selectors.link_rater(link.token) is None
    with pytest.raises(ballots.LinkInvalid):
        ballots.satisfaction_submit(token=link.token, grades=all_departments_grades(world, "差"))
    assert set(SatisfactionRating.objects.values_list("grade", flat=True)) == {"良"}
    submitted = AuditEvent.objects.get(action="satisfaction.submit")
    assert submitted.actor is None and submitted.new_value == {"D01": "良", "D02": "良"}


def test_links_are_for_external_groups_and_expire(world, year, evaluation):
    office = world.users["office"]
    with pytest.raises(ValidationFailed):
        ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="主要领导", label="甲")
    with pytest.raises(ValidationFailed, match="不能晚于"):
        ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="基层分局", label="甲",
                                         expires_at=evaluation.closes_at + timedelta(days=1))
    with pytest.raises(PermissionDeniedError):
        ballots.satisfaction_link_create(user=world.users["leader"], evaluation=evaluation, group="基层分局", label="甲")
    link = ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="基层分局", label="甲",
                                            expires_at=timezone.now() + timedelta(hours=1))
    SatisfactionRater.objects.filter(pk=link.rater.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert selectors.link_rater(link.token) is None
    with pytest.raises(ballots.LinkInvalid):
        ballots.satisfaction_submit(token=link.token, grades=all_departments_grades(world))


def test_closing_ends_links_and_ballots_and_shows_progress(world, year, evaluation):
    office = world.users["office"]
    links = [ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="县区局和直属单位",
                                              label=f"县局{i}") for i in range(3)]
    ballots.satisfaction_submit(token=links[0].token, grades=all_departments_grades(world))
    progress = {g.group: (g.submitted, g.total) for g in selectors.satisfaction_progress(evaluation)}
    assert progress["县区局和直属单位"] == (1, 3) and progress["主要领导"] == (0, 0)
    ballots.satisfaction_close(user=office, evaluation=evaluation)
    assert selectors.link_rater(links[1].token) is None
    with pytest.raises(ballots.LinkInvalid):
        ballots.satisfaction_submit(token=links[1].token, grades=all_departments_grades(world))
    with pytest.raises(StateError):
        ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="基层分局", label="甲")
    with pytest.raises(StateError):
        ballots.satisfaction_close(user=office, evaluation=evaluation)


def test_satisfaction_results_need_three_raters(world, year, evaluation):
    office = world.users["office"]
    grades = ["优", "良", "中"]
    for index, grade in enumerate(grades):
        link = ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="社会各界代表",
                                                label=f"代表{index}")
        department_grades = {world.department.pk: grade, world.other_department.pk: grade}
        if index == 2:
            department_grades[world.other_department.pk] = "差"
        ballots.satisfaction_submit(token=link.token, grades=department_grades)
    assert not any(r.shown for r in selectors.satisfaction_results(evaluation))  # not closed yet
    evaluation.refresh_from_db()
    ballots.satisfaction_close(user=office, evaluation=evaluation)
    evaluation.refresh_from_db()
    results = {r.department.code: r for r in selectors.satisfaction_results(evaluation)}
    assert results["D01"].shown and results["D01"].raters == 3 and results["D01"].score == Decimal("85.00")
    assert results["D02"].score == Decimal("80.00")  # (95 + 85 + 60) / 3


def test_internal_raters_reach_their_ballot_through_the_access_rule(world, year, evaluation):
    from appraisal import access

    assert not access.can(world.users["head"], "satisfaction.rate")
    (rater,) = ballots.satisfaction_rater_add_internal(user=world.users["office"], evaluation=evaluation,
                                                       group="机关部门", accounts=[world.users["head"]])
    world.users["head"].__dict__.pop("_appraisal_actor", None)
    assert access.can(world.users["head"], "satisfaction.rate")
    assert access.can(world.users["head"], "satisfaction.rate", rater)
    assert not access.can(world.users["staff"], "satisfaction.rate", rater)
    ballots.satisfaction_close(user=world.users["office"], evaluation=evaluation)
    assert not access.can(world.users["head"], "satisfaction.rate")


# ---------------------------------------------------------------- the audit administrator traces ballots

def test_ballots_are_in_no_admin_and_the_audit_administrator_traces_one_with_a_reason(client, world, year):
    ballots.peer_rating_submit(user=world.users["staff"], period=month(year), grades={world.head.pk: "优秀"})
    for username in ("office", "head", "leader", "sysadmin", "secadmin", "auditor"):
        client.force_login(world.users[username])
        assert client.get("/admin/scoring/peerrating/").status_code in (302, 404), username
    client.force_login(world.users["auditor"])
    page = client.get(reverse("audit_log")).content.decode()
    assert "1001 李处长" not in page  # sealed: who was rated, and how, is not on the log page
    event = AuditEvent.objects.get(action="peer_rating.submit")
    response = client.post(reverse("audit_trace", args=[event.pk]), {"reason": "申诉复核"})
    assert response.status_code == 200 and "李处长（1001）" in response.content.decode()
    trace = AuditEvent.objects.get(action="ballot.trace")
    assert trace.actor_name == "auditor" and trace.reason == "申诉复核"


def test_the_token_is_not_in_the_audit_log(client, world, year, evaluation):
    link = ballots.satisfaction_link_create(user=world.users["office"], evaluation=evaluation, group="基层分局",
                                            label="分局甲")
    client.force_login(world.users["auditor"])
    page = client.get(reverse("audit_log")).content.decode()
    assert "分局甲" in page and link.rater.token_hash not in page and link.token not in page
