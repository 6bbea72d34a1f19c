"""Evaluation groups (互评小组) of routine appraisal (docs/routine.md): the office's service (bad input
saves nothing, every change audited, only while a quarter is evaluated), the page (bulk add, a bad
post names the problem, constant query counts), and what a group changes: who evaluates whom on the
pages, in the notifications, the reminders, the checklist and the aggregate."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import period_guards
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent, Period, PeriodKind, PeriodState, Position
from appraisal.tests.factories import OrganisationFactory, PersonFactory, person_user
from scoring.routine import groups, reminders, services
from scoring.routine.models import PeerGroup, PeerGroupMember
from tracelog.models import Notification

from .routine_helpers import colleagues, quarter, routine_year

TECH = "专业技术类"


@pytest.fixture
def ry(world, year):
    return routine_year(world, year)


def _tech(world, department, n, prefix):
    """``n`` civil servants of 专业技术类 in ``department``, with accounts."""
    out = []
    for index in range(n):
        person = PersonFactory(department=department, staff_id=f"{prefix}{index:02d}", name=f"{prefix}技术员{index}",
                               category=TECH)
        out.append((person, person_user(person, f"u{prefix}{index}")))
    return out


def _save(world, ry, name, people, group=None):
    return groups.group_save(user=world.users["office"], assessment_year=ry, name=name,
                             person_ids=[p.pk for p in people], group=group)


def _nothing_written():
    return not PeerGroup.objects.exists() and not PeerGroupMember.objects.exists() and \
        not AuditEvent.objects.filter(action__startswith="routine.peer_group").exists()


# ---------------------------------------------------------------- the service

@pytest.mark.django_db
def test_a_group_is_saved_edited_and_deleted_with_an_audit_event_each(world, ry):
    a, b = _tech(world, world.department, 2, "A"), _tech(world, world.other_department, 2, "B")
    group = _save(world, ry, "技术组", [a[0][0], a[1][0], b[0][0]])
    assert set(group.memberships.values_list("person_id", flat=True)) == {a[0][0].pk, a[1][0].pk, b[0][0].pk}
    created = AuditEvent.objects.get(action="routine.peer_group_save")
    assert created.old_value is None and created.new_value["members"] == sorted(["A00", "A01", "B00"])
    _save(world, ry, "技术小组", [a[0][0], b[0][0], b[1][0]], group=group)
    group.refresh_from_db()
    assert group.name == "技术小组"
    assert set(group.memberships.values_list("person_id", flat=True)) == {a[0][0].pk, b[0][0].pk, b[1][0].pk}
    edited = AuditEvent.objects.filter(action="routine.peer_group_save").order_by("pk").last()
    assert edited.old_value == {"name": "技术组", "members": ["A00", "A01", "B00"]}
    assert edited.new_value == {"name": "技术小组", "members": ["A00", "B00", "B01"]}
    groups.group_delete(user=world.users["office"], group=group)
    assert not PeerGroup.objects.exists() and not PeerGroupMember.objects.exists()
    assert AuditEvent.objects.get(action="routine.peer_group_delete").old_value["name"] == "技术小组"


@pytest.mark.django_db
@pytest.mark.parametrize("case, field", [
    ("no name", "name"),
    ("long name", "name"),
    ("one member", "members"),
    ("a 局领导", "members"),
    ("inactive", "members"),
    ("another organisation", "members"),
    ("in another group", "members"),
    ("name taken", "name"),
])
def test_bad_input_saves_nothing_and_says_where(world, ry, case, field):
    a = [p for p, _u in _tech(world, world.department, 3, "A")]
    name, members = "技术组", [a[0], a[1]]
    if case in ("in another group", "name taken"):
        _save(world, ry, "技术组" if case == "name taken" else "旧组", [a[1], a[2]])
        before = (PeerGroup.objects.count(), PeerGroupMember.objects.count(), AuditEvent.objects.count())
    if case == "no name":
        name = "  "
    elif case == "long name":
        name = "组" * 61
    elif case == "one member":
        members = [a[0]]
    elif case == "a 局领导":
        members = [a[0], a[1], world.leader_person]
    elif case == "inactive":
        members = [a[0], a[1], PersonFactory(department=world.department, staff_id="X01", is_active=False)]
    elif case == "another organisation":
        elsewhere = PersonFactory(organisation=OrganisationFactory(code="Z9"), department=None, staff_id="Z01")
        members = [a[0], a[1], elsewhere]
    elif case == "name taken":
        members = [a[0], PersonFactory(department=world.department, staff_id="X02")]
    with pytest.raises(ValidationFailed) as failed:
        _save(world, ry, name, members)
    assert field in [where for where, _message in failed.value.details], failed.value.details
    if case in ("in another group", "name taken"):
        assert (PeerGroup.objects.count(), PeerGroupMember.objects.count(), AuditEvent.objects.count()) == before
        if case == "in another group":
            assert any("旧组" in message for _w, message in failed.value.details)
    else:
        assert _nothing_written()


@pytest.mark.django_db
def test_only_the_office_sets_groups_and_only_while_a_quarter_is_evaluated(world, ry):
    a = [p for p, _u in _tech(world, world.department, 2, "A")]
    for role in ("staff", "head", "leader", "sysadmin"):
        with pytest.raises(PermissionDeniedError):
            groups.group_save(user=world.users[role], assessment_year=ry, name="组", person_ids=[p.pk for p in a])
    assert _nothing_written()
    Period.objects.filter(assessment_year=ry, kind=PeriodKind.QUARTER).update(state=PeriodState.LOCKED)
    with pytest.raises(StateError):
        _save(world, ry, "组", a)
    assert _nothing_written()


# ---------------------------------------------------------------- what a group changes

@pytest.fixture
def grouped(world, ry):
    """技术组: 王科员 (办公室) and three 专业技术类 of 登记处; 办公室's 赵科员 stays in the default pool."""
    others = _tech(world, world.other_department, 3, "B")
    group = _save(world, ry, "技术组", [world.staff] + [p for p, _u in others])
    return group, others


@pytest.mark.django_db
def test_a_group_member_evaluates_the_groups_summaries_not_the_departments(world, ry, grouped):
    _group, others = grouped
    (colleague, colleague_user), = colleagues(world, 1)
    summary = services.summary_save(user=world.users["staff"], period=quarter(ry), text="小结", self_grade="好",
                                     submit=True)
    # the group is told, not the department's colleagues
    told = set(Notification.objects.filter(url="/scoring/routine/peers/").values_list("recipient_id", flat=True))
    assert told == {u.pk for _p, u in others}
    for _person, user in others:
        services.peer_rate(user=user, summary=summary, grade="一般")
    with pytest.raises(PermissionDeniedError):
        services.peer_rate(user=colleague_user, summary=summary, grade="较差")
    services.superior_review(user=world.users["head"], summary=summary, comment="好", grade="好")
    summary.refresh_from_db()
    assert (summary.peer_grade, summary.grade) == ("一般", "较好")


@pytest.mark.django_db
def test_ballots_of_people_no_longer_peers_do_not_count(world, ry):
    people = colleagues(world, 3)
    summary = services.summary_save(user=world.users["staff"], period=quarter(ry), text="小结", self_grade="好",
                                    submit=True)
    for _person, user in people:
        services.peer_rate(user=user, summary=summary, grade="较差")
    # the office then puts 王科员 with three others: the department's three ballots stop counting
    others = _tech(world, world.other_department, 3, "B")
    _save(world, ry, "技术组", [world.staff] + [p for p, _u in others])
    services.superior_review(user=world.users["head"], summary=summary, comment="好", grade="好")
    summary.refresh_from_db()
    assert (summary.peer_grade, summary.grade) == ("", "好")


@pytest.mark.django_db
def test_reminders_and_the_checklist_follow_the_group(world, ry, grouped):
    _group, others = grouped
    (colleague, colleague_user), = colleagues(world, 1)
    period = quarter(ry)
    summary = services.summary_save(user=world.users["staff"], period=period, text="小结", self_grade="好",
                                    submit=True)
    services.peer_rate(user=others[0][1], summary=summary, grade="好")
    facts = period_guards.gather(period, PeriodState.PUBLICITY)
    assert facts["routine_peers_open"] == ["办公室：1 份季度小结的同类互评未完成"]
    checklist = period_guards.checklist(period, PeriodState.PUBLICITY)
    assert next(r for r in checklist.results if r.code == "routine_peers_done").problems == (
        "办公室：1 份季度小结的同类互评未完成",)
    due = services.review_due(period, services.scheme_of(ry))
    Notification.objects.all().delete()
    reminders.reminders_send(organisation=world.organisation, today=due - timedelta(days=1))
    reminded = set(Notification.objects.filter(key=f"routine:due:peer:{period.pk}")
                   .values_list("recipient_id", flat=True))
    assert reminded == {others[1][1].pk, others[2][1].pk}
    for _person, user in others[1:]:
        services.peer_rate(user=user, summary=summary, grade="好")
    assert period_guards.gather(period, PeriodState.PUBLICITY)["routine_peers_open"] == []


# ---------------------------------------------------------------- the pages

@pytest.mark.django_db
def test_a_group_member_sees_the_groups_summaries_to_evaluate(client, world, ry, grouped):
    _group, others = grouped
    (colleague, colleague_user), = colleagues(world, 1)
    summary = services.summary_save(user=world.users["staff"], period=quarter(ry), text="档案整理", self_grade="好",
                                    submit=True)
    theirs = services.summary_save(user=others[1][1], period=quarter(ry), text="系统运维", self_grade="较好",
                                   submit=True)
    client.force_login(others[0][1])
    page = client.get(reverse("scoring:routine_peers")).content.decode()
    assert f'data-summary="{summary.pk}"' in page and f'data-summary="{theirs.pk}"' in page
    assert client.get(reverse("scoring:routine_summary", args=[summary.pk])).status_code == 200
    assert client.post(reverse("scoring:routine_summary", args=[summary.pk]),
                       {"action": "peer", "grade": "好"}).status_code == 302
    # the department's colleague outside the group sees neither and may not rate
    client.force_login(colleague_user)
    page = client.get(reverse("scoring:routine_peers")).content.decode()
    assert f'data-summary="{summary.pk}"' not in page and f'data-summary="{theirs.pk}"' not in page
    assert client.post(reverse("scoring:routine_summary", args=[summary.pk]),
                       {"action": "peer", "grade": "较差"}).status_code == 403
    assert summary.peer_ratings.count() == 1


@pytest.mark.django_db
def test_the_office_creates_a_group_by_department_and_category_on_the_page(client, world, ry):
    b = _tech(world, world.other_department, 2, "B")
    PersonFactory(department=world.other_department, staff_id="B90", category="综合管理类")
    client.force_login(world.users["office"])
    url = reverse("scoring:routine_groups")
    response = client.post(url, {"name": "技术组", "members": [world.staff.pk],
                                 "add_departments": [world.other_department.pk], "add_category": TECH})
    assert response.status_code == 302
    group = PeerGroup.objects.get()
    assert set(group.memberships.values_list("person_id", flat=True)) == {world.staff.pk} | {p.pk for p, _u in b}
    page = client.get(url).content.decode()
    assert "技术组" in page and b[0][0].name in page
    # a bad post: 400, the problem named, nothing written
    bad = client.post(url, {"name": "", "members": [world.colleague.pk]})
    assert bad.status_code == 400 and "请填写小组名称" in bad.content.decode()
    assert PeerGroup.objects.count() == 1
    edit = reverse("scoring:routine_group", args=[group.pk])
    taken = client.post(edit, {"name": "技术组", "members": [world.staff.pk, world.colleague.pk, b[0][0].pk]})
    assert taken.status_code == 302
    assert set(group.memberships.values_list("person_id", flat=True)) == {world.staff.pk, world.colleague.pk,
                                                                          b[0][0].pk}
    assert client.post(reverse("scoring:routine_group_delete", args=[group.pk])).status_code == 302
    assert not PeerGroup.objects.exists()


@pytest.mark.django_db
def test_the_group_pages_run_a_constant_number_of_queries(client, world, ry):
    def counts(group):
        result = []
        for url in (reverse("scoring:routine_groups"), reverse("scoring:routine_group", args=[group.pk])):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    client.force_login(world.users["office"])
    first = _save(world, ry, "一组", [p for p, _u in _tech(world, world.department, 2, "A")])
    before = counts(first)
    for index in range(5):
        _save(world, ry, f"组{index}", [p for p, _u in _tech(world, world.other_department, 4, f"G{index}")])
    _save(world, ry, "一组", [p for p, _u in _tech(world, world.department, 6, "C")], group=first)
    after = counts(first)
    assert after == before, (before, after)
    assert max(after) <= 30
    assert Position.LEADER not in {p.position for p in groups.candidates(ry)}


@pytest.mark.django_db
def test_the_groups_audit_events_read_in_words(world, ry):
    from django.utils import translation

    from appraisal import audit_display, audit_events

    _save(world, ry, "技术组", [p for p, _u in _tech(world, world.department, 2, "A")])
    event = AuditEvent.objects.get(action="routine.peer_group_save")
    assert audit_events.label(event.action) == "保存互评小组"
    shown = audit_display.present(AuditEvent.objects.filter(pk=event.pk))[0].shown
    assert {c.label for c in shown.changes} >= {"小组名称", "成员"}
    with translation.override("en"):
        assert audit_events.label("routine.peer_group_delete") == "Delete an evaluation group"


@pytest.mark.django_db
def test_ids_that_no_row_can_have_are_refused_with_a_400(client, world, ry):
    client.force_login(world.users["office"])
    for value in ("99999999999999999999", "999999999999", "１２", "-1", "abc"):
        response = client.post(reverse("scoring:routine_groups"), {"name": "组", "members": [value, world.staff.pk],
                                                                   "add_departments": [value]})
        assert response.status_code == 400, value
    assert _nothing_written()
