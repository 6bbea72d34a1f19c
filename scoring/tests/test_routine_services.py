"""Routine appraisal's writes (docs/routine.md): quarters follow the scheme switch; the summary, peer
evaluations with their floor, the superior's grade by the scheme's rule, the reminder talk; all audited."""
from decimal import Decimal

import pytest
from django.utils import timezone

from appraisal import services as core
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent, Period, PeriodKind, PeriodState
from scoring.routine import services
from scoring.routine.models import QuarterSummary, Talk
from tracelog.models import Notification

from .routine_helpers import colleagues, quarter, routine_year


@pytest.fixture
def ry(world, year):
    return routine_year(world, year)


def _file(world, period, grade="好"):
    return services.summary_save(user=world.users["staff"], period=period, text="本季度完成了三项重点工作。",
                                 self_grade=grade, submit=True)


@pytest.mark.django_db
def test_the_scheme_switch_gives_the_year_four_open_quarters(world, year):
    assert not Period.objects.filter(assessment_year=year, kind=PeriodKind.QUARTER).exists()
    routine_year(world, year)
    quarters = Period.objects.filter(assessment_year=year, kind=PeriodKind.QUARTER).order_by("number")
    assert [(q.number, q.state, q.label) for q in quarters] == [
        (1, "open", "第1季度"), (2, "open", "第2季度"), (3, "open", "第3季度"), (4, "open", "第4季度")]
    # the next year inherits the switch, and its quarters
    nxt = core.year_open(user=world.users["office"], organisation=world.organisation, year=2026)
    assert Period.objects.filter(assessment_year=nxt, kind=PeriodKind.QUARTER).count() == 4


@pytest.mark.django_db
def test_quarters_lock_in_order_like_months(world, ry):
    from appraisal import period_guards

    q2 = quarter(ry, 2)
    checklist = period_guards.checklist(q2, PeriodState.LOCKED)
    lock_order = next(r for r in checklist.results if r.code == "lock_order")
    assert lock_order.problems == ("第1季度 尚未锁定",) and not lock_order.overridable


@pytest.mark.django_db
def test_filing_a_summary_is_audited_and_final(world, ry):
    summary = _file(world, quarter(ry))
    assert summary.submitted_at and summary.self_grade == "好" and summary.department == world.department
    assert AuditEvent.objects.filter(action="routine.summary_submit", object_id=str(summary.pk)).exists()
    # the head is told
    assert Notification.objects.filter(recipient=world.users["head"], text__contains="季度小结").exists()
    with pytest.raises(StateError):
        _file(world, quarter(ry))


@pytest.mark.django_db
def test_a_summary_refuses_bad_input_and_saves_nothing(world, ry):
    with pytest.raises(ValidationFailed) as error:
        services.summary_save(user=world.users["staff"], period=quarter(ry), text=" ", self_grade="优秀")
    assert {where for where, _m in error.value.details} == {"text", "self_grade"}
    with pytest.raises(ValidationFailed):
        services.summary_save(user=world.users["staff"], period=quarter(ry), text="x" * 2001, self_grade="好")
    assert not QuarterSummary.objects.exists()


@pytest.mark.django_db
def test_peers_are_colleagues_of_the_same_category_not_the_person_nor_the_head(world, ry):
    summary = _file(world, quarter(ry))
    (other_category, other_user), = colleagues(world, 1, category="工勤")
    for user in (world.users["staff"], world.users["head"], world.users["outsider"], other_user):
        with pytest.raises(PermissionDeniedError):
            services.peer_rate(user=user, summary=summary, grade="好")
    peers = colleagues(world, 2)
    services.peer_rate(user=peers[0][1], summary=summary, grade="较好")
    services.peer_rate(user=peers[0][1], summary=summary, grade="一般")  # changes the own ballot
    assert list(summary.peer_ratings.values_list("grade", flat=True)) == ["一般"]


@pytest.mark.django_db
@pytest.mark.parametrize("peer_grades, superior, expected_peer, expected", [
    (["一般", "一般", "一般"], "好", "一般", "较好"),  # two steps lower: lowered
    (["较好", "较好", "一般"], "好", "较好", "好"),
    (["一般", "一般"], "好", "", "好"),  # below the floor: not counted
])
def test_the_superiors_grade_follows_the_rule(world, ry, peer_grades, superior, expected_peer, expected):
    summary = _file(world, quarter(ry))
    for (_person, user), grade in zip(colleagues(world, 3), peer_grades):
        services.peer_rate(user=user, summary=summary, grade=grade)
    summary = services.superior_review(user=world.users["head"], summary=summary, comment="工作扎实。",
                                       grade=superior)
    assert (summary.peer_grade, summary.grade, summary.superior_grade) == (expected_peer, expected, superior)
    event = AuditEvent.objects.get(action="routine.superior_review")
    assert event.new_value["grade"] == expected


@pytest.mark.django_db
def test_only_the_superior_grades(world, ry):
    summary = _file(world, quarter(ry))
    for user in (world.users["staff"], world.users["office"], world.users["outsider"], world.users["leader"]):
        with pytest.raises(PermissionDeniedError):
            services.superior_review(user=user, summary=summary, comment="好", grade="好")


@pytest.mark.django_db
def test_a_heads_summary_is_graded_by_the_leader(world, ry):
    summary = services.summary_save(user=world.users["head"], period=quarter(ry), text="小结", self_grade="好",
                                    submit=True)
    with pytest.raises(PermissionDeniedError):
        services.superior_review(user=world.users["head"], summary=summary, comment="自评", grade="好")
    services.superior_review(user=world.users["leader"], summary=summary, comment="较好", grade="较好")


@pytest.mark.django_db
def test_ordinary_opens_a_reminder_talk_and_a_better_grade_withdraws_it(world, ry):
    summary = _file(world, quarter(ry), grade="一般")
    services.superior_review(user=world.users["head"], summary=summary, comment="进度滞后。", grade="一般")
    talk = Talk.objects.get(summary=summary)
    assert talk.kind == "reminder" and talk.state == "open"
    assert (talk.due_on - timezone.localdate()).days == 15  # routine.talk_days
    services.superior_review(user=world.users["head"], summary=summary, comment="已改进。", grade="较好")
    assert not Talk.objects.filter(summary=summary).exists()
    services.superior_review(user=world.users["head"], summary=summary, comment="进度滞后。", grade="较差")
    talk = Talk.objects.get(summary=summary)
    with pytest.raises(ValidationFailed):
        services.talk_record(user=world.users["head"], talk=talk, held_on=timezone.localdate(), notes="",
                             improve_by=None)
    with pytest.raises(PermissionDeniedError):
        services.talk_record(user=world.users["outsider"], talk=talk, held_on=timezone.localdate(), notes="谈了",
                             improve_by=timezone.localdate().replace(year=timezone.localdate().year + 1))
    today = timezone.localdate()
    services.talk_record(user=world.users["head"], talk=talk, held_on=today, notes="指出问题，提出要求。",
                         improve_by=today.replace(year=today.year + 1))
    services.talk_close(user=world.users["head"], talk=talk, follow_up="已按期改进。")
    talk.refresh_from_db()
    assert talk.state == "closed"
    assert AuditEvent.objects.filter(action__in=["routine.talk_held", "routine.talk_close"]).count() == 2


@pytest.mark.django_db
def test_nothing_changes_once_the_quarter_is_in_publicity(world, ry):
    period = quarter(ry)
    summary = _file(world, period)
    Period.objects.filter(pk=period.pk).update(state=PeriodState.PUBLICITY)
    summary.refresh_from_db()
    with pytest.raises(StateError):
        services.superior_review(user=world.users["head"], summary=summary, comment="好", grade="好")
    with pytest.raises(StateError):
        services.peer_rate(user=colleagues(world, 1)[0][1], summary=summary, grade="好")


@pytest.mark.django_db
def test_the_quarters_checklist_names_missing_summaries_and_reviews(world, ry):
    from appraisal import period_guards

    period = quarter(ry)
    facts = period_guards.gather(period, PeriodState.SCORING)
    assert "办公室：3 人未提交季度小结" in facts["filings_missing"]  # head, staff, colleague
    assert "登记处：1 人未提交季度小结" in facts["filings_missing"]
    summary = _file(world, period)
    facts = period_guards.gather(period, PeriodState.PUBLICITY)
    assert facts["ballots_open"] == ["办公室：1 份季度小结未点评"]
    services.superior_review(user=world.users["head"], summary=summary, comment="好", grade="好")
    assert period_guards.gather(period, PeriodState.PUBLICITY)["ballots_open"] == []


@pytest.mark.django_db
def test_the_years_input_carries_the_quarters_grades(world, ry):
    from scoring.loader import load_year

    summary = _file(world, quarter(ry, 2))
    services.superior_review(user=world.users["head"], summary=summary, comment="好", grade="较好")
    _file_draft = services.summary_save(user=world.users["head"], period=quarter(ry, 2), text="草稿", self_grade="好")
    data = load_year(ry)
    assert data.quarter_grades == {(world.staff.staff_id, 2): "较好"}
    assert data.scheme["routine.enabled"] == Decimal(1)


@pytest.mark.django_db
def test_reminders_of_summaries_talks_and_reports_go_out_once(world, ry):
    from datetime import timedelta

    from scoring.routine import reminders, reports

    period = quarter(ry)
    due = services.summary_due(period, services.scheme_of(ry))
    assert reminders.reminders_send(organisation=world.organisation, today=due - timedelta(days=10)) == 0
    first = reminders.reminders_send(organisation=world.organisation, today=due - timedelta(days=1))
    assert first == 3  # 王科员, 李处长, 钱科员: the people with accounts (赵科员 has none)
    assert reminders.reminders_send(organisation=world.organisation, today=due - timedelta(days=1)) == 0
    late = reminders.reminders_send(organisation=world.organisation, today=due + timedelta(days=1))
    assert late == first
    assert Notification.objects.filter(recipient=world.users["staff"], key__contains="overdue:summary").exists()
    summary = _file(world, period, grade="较差")
    services.superior_review(user=world.users["head"], summary=summary, comment="差", grade="较差")
    talk = Talk.objects.get()
    reminders.reminders_send(organisation=world.organisation, today=talk.due_on + timedelta(days=1))
    assert Notification.objects.filter(recipient=world.users["head"], key=f"routine:overdue:talk:{talk.pk}").exists()
    deadline = timezone.now() + timedelta(days=2)
    reports.round_open(user=world.users["office"], assessment_year=ry, deadline=deadline)
    reports.report_save(user=world.users["staff"], assessment_year=ry, text="述职", self_grade="良好")
    reminders.reminders_send(organisation=world.organisation, today=timezone.localdate())
    keyed = set(Notification.objects.filter(key__startswith="routine:due:report").values_list("recipient__username",
                                                                                             flat=True))
    assert "head" in keyed and "staff" not in keyed


@pytest.mark.django_db
def test_a_peer_evaluation_is_sealed_in_the_audit_log_and_traced_with_a_reason(client, world, ry):
    """Who graded whom stays out of the audit log page, as for the monthly peer ballots; the audit
    administrator opens one ballot with a reason, and that reading is itself audited."""
    from django.urls import reverse

    summary = _file(world, quarter(ry))
    (peer, peer_user), = colleagues(world, 1)
    services.peer_rate(user=peer_user, summary=summary, grade="较好")
    event = AuditEvent.objects.get(action="routine.peer_rate")
    assert world.staff.name not in event.object_repr and world.staff.name in str(event.new_value)
    client.force_login(world.users["auditor"])
    page = client.get(reverse("audit_log"), {"action": "routine.peer_rate"}).content.decode()
    assert "测评内容已隐藏" in page and "较好" not in page
    traced = client.post(reverse("audit_trace", args=[event.pk]), {"reason": "申诉复核"}).content.decode()
    assert world.staff.name in traced and "较好" in traced
    assert AuditEvent.objects.get(action="ballot.trace").reason == "申诉复核"


@pytest.mark.django_db
def test_the_demo_has_last_year_in_routine_mode_with_a_talk():
    from appraisal.demo import load_demo

    organisation = load_demo(year=2026)
    last = organisation.years.get(year=2025)
    assert last.scheme.as_decimals()["routine.enabled"] == 1
    summaries = QuarterSummary.objects.filter(period__assessment_year=last)
    assert summaries.count() >= 4 and not summaries.filter(grade="").exists()
    assert Talk.objects.filter(assessment_year=last, closed_at__isnull=False).exists()
