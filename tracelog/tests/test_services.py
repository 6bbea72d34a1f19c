"""Filing, lateness, review, return and revision, period locks and indicator links, through the
services (SECURITY.md items 7, 9, 15)."""
from datetime import time, timedelta

import pytest
from freezegun import freeze_time

from appraisal import access
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import AuditEvent
from tracelog import services
from tracelog.deadlines import MONTHLY_PLAN, MONTHLY_RECORD, WEEKLY_PLAN, WEEKLY_SUMMARY
from tracelog.models import EntryStatus, Notification, TraceEntry

from .conftest import at, file_entry, lock_month

pytestmark = pytest.mark.django_db


def actions(entry):
    return list(AuditEvent.objects.filter(object_type="tracelog.TraceEntry", object_id=str(entry.pk))
                .order_by("id").values_list("action", flat=True))


def test_a_plan_filed_before_monday_noon_is_on_time(world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 11:59")
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.due_at == at("2026-11-16 12:00")
    assert entry.filed_at == at("2026-11-16 11:59")
    assert not entry.is_late
    assert (entry.period_year, entry.period_month, entry.department_id) == (2026, 11, world.department.pk)
    assert actions(entry) == ["tracelog.entry.create", "tracelog.entry.submit"]


def test_a_late_filing_records_how_late(world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-17 15:30")
    assert entry.lateness == timedelta(days=1, hours=3, minutes=30)
    event = AuditEvent.objects.get(action="tracelog.entry.submit")
    assert event.new_value["late_minutes"] == 27 * 60 + 30


def test_a_draft_is_not_filed_and_takes_the_deadline_in_force_when_submitted(world, year2026):
    staff, office = world.users["staff"], world.users["office"]
    draft = file_entry(staff, WEEKLY_SUMMARY, "2026-W47", "2026-11-18 09:00", submit=False)
    assert draft.status == EntryStatus.DRAFT and draft.filed_at is None
    services.deadline_settings_update(user=office, organisation=world.organisation, values={
        "weekly_plan_weekday": 1, "weekly_plan_time": time(12), "weekly_summary_weekday": 7,
        "weekly_summary_time": time(20), "monthly_plan_grace_days": 0, "monthly_record_grace_days": 3,
        "reminder_lead_hours": 24}, reason="周末加班较多，周小结改为周日报送")
    with freeze_time(at("2026-11-21 10:00")):
        entry = services.entry_submit(user=staff, entry=draft)
    assert entry.due_at == at("2026-11-22 20:00")
    assert not entry.is_late
    assert AuditEvent.objects.filter(action="tracelog.deadlines.update", reason__contains="周日").exists()


def test_a_filed_entry_keeps_its_deadline_when_the_settings_change(world, year2026):
    entry = file_entry(world.users["staff"], MONTHLY_RECORD, "2026-11", "2026-11-30 20:00")
    services.deadline_settings_update(user=world.users["office"], organisation=world.organisation, values={
        "weekly_plan_weekday": 1, "weekly_plan_time": time(9), "weekly_summary_weekday": 5,
        "weekly_summary_time": time(18), "monthly_plan_grace_days": 0, "monthly_record_grace_days": 0,
        "reminder_lead_hours": 24})
    entry.refresh_from_db()
    assert entry.due_at == at("2026-12-01 00:00")


def test_only_the_office_changes_deadlines_and_the_summary_comes_after_the_plan(world):
    values = {"weekly_plan_weekday": 1, "weekly_plan_time": time(12), "weekly_summary_weekday": 1,
              "weekly_summary_time": time(9), "monthly_plan_grace_days": 0, "monthly_record_grace_days": 0,
              "reminder_lead_hours": 24}
    with pytest.raises(PermissionDeniedError):
        services.deadline_settings_update(user=world.users["head"], organisation=world.organisation, values=values)
    with pytest.raises(ValidationFailed):
        services.deadline_settings_update(user=world.users["office"], organisation=world.organisation, values=values)


@pytest.mark.parametrize("kind, key, moment", [
    (WEEKLY_PLAN, "2026-W30", "2026-11-18 10:00"),  # long past
    (WEEKLY_SUMMARY, "2026-W48", "2026-11-18 10:00"),  # a summary of next week
    (WEEKLY_PLAN, "2026-W50", "2026-11-18 10:00"),  # plans only one week ahead
    (MONTHLY_RECORD, "2026-12", "2026-11-18 10:00"),
    (WEEKLY_PLAN, "2026-47", "2026-11-18 10:00"),  # not a key
    ("weekly_note", "2026-W47", "2026-11-18 10:00"),  # not a kind
])
def test_only_recent_periods_of_the_four_kinds_can_be_filed(world, year2026, kind, key, moment):
    with pytest.raises(ValidationFailed):
        file_entry(world.users["staff"], kind, key, moment)
    assert not TraceEntry.objects.exists()


def test_one_entry_per_person_kind_and_period(world, year2026):
    file_entry(world.users["staff"], MONTHLY_PLAN, "2026-11", "2026-11-20 10:00")
    with pytest.raises(ValidationFailed, match="已经填写过"):
        file_entry(world.users["staff"], MONTHLY_PLAN, "2026-11", "2026-11-21 10:00")
    assert TraceEntry.objects.count() == 1


def test_content_is_required(world, year2026):
    with pytest.raises(ValidationFailed):
        file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00", content="   ")


def test_a_submitted_entry_cannot_be_changed_by_its_author(world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    with freeze_time(at("2026-11-16 11:00")), pytest.raises(StateError):
        services.entry_save(user=world.users["staff"], entry=entry, content="改过的内容")


def test_review_return_and_revision_are_audited_and_notified(world, year2026):
    staff, head = world.users["staff"], world.users["head"]
    entry = file_entry(staff, MONTHLY_RECORD, "2026-11", "2026-12-01 08:00")  # 8 hours late
    assert entry.lateness == timedelta(hours=8)
    with freeze_time(at("2026-12-01 09:00")):
        services.entry_review_comment(user=head, entry=entry, text="已阅，请补充数据。")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REVIEWED
    with freeze_time(at("2026-12-01 10:00")):
        review = services.entry_return(user=head, entry=entry, reason="缺少本月办件数量，请补充")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETURNED and review.reviewer_name == "李处长"
    assert Notification.objects.filter(recipient=staff, text__contains="退回").exists()
    with freeze_time(at("2026-12-02 10:00")):
        entry = services.entry_save(user=staff, entry=entry, content="本月办理登记 120 件。", submit=True)
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.resubmissions == 1
    assert entry.filed_at == at("2026-12-01 08:00")  # the first filing still decides lateness
    assert entry.lateness == timedelta(hours=8)
    assert Notification.objects.filter(recipient=head, text__contains="重新提交").exists()
    assert actions(entry) == ["tracelog.entry.create", "tracelog.entry.submit", "tracelog.entry.review",
                              "tracelog.entry.return", "tracelog.entry.resubmit"]
    returned = AuditEvent.objects.get(action="tracelog.entry.return")
    assert returned.reason == "缺少本月办件数量，请补充"
    assert (returned.old_value["status"], returned.new_value["status"]) == ("reviewed", "returned")
    assert returned.actor_name == "head"


def test_returning_needs_a_reason(world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    with pytest.raises(ValidationFailed):
        services.entry_return(user=world.users["head"], entry=entry, reason="不行")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_only_submitted_entries_are_reviewed(world, year2026):
    draft = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00", submit=False)
    with pytest.raises(PermissionDeniedError):
        services.entry_review_comment(user=world.users["outsider"], entry=draft, text="看看")
    with pytest.raises(StateError):
        services.entry_review_comment(user=world.users["head"], entry=draft, text="已阅")


def test_who_may_review_and_write(world, year2026, colleague_user):
    from appraisal.tests.factories import PersonFactory, person_user

    staff_entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    head_entry = file_entry(world.users["head"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    other_head = PersonFactory(department=world.other_department, staff_id="2000", name="孙处长")
    world.other_department.head = other_head
    world.other_department.save(update_fields=["head"])
    other_head_user = person_user(other_head, "other-head")
    for user in (other_head_user, world.users["leader"], world.users["office"], colleague_user):
        with pytest.raises(PermissionDeniedError):
            services.entry_review_comment(user=user, entry=staff_entry, text="已阅")
    with pytest.raises(PermissionDeniedError):  # nobody reviews their own entry
        services.entry_review_comment(user=world.users["head"], entry=head_entry, text="已阅")
    for user in (world.users["head"], world.users["leader"], world.users["office"], colleague_user):
        with pytest.raises(PermissionDeniedError):
            services.entry_save(user=user, entry=staff_entry, content="别人的")
    assert access.can(colleague_user, "tracelog.entry.read", staff_entry)
    assert access.can(world.users["leader"], "tracelog.entry.read", staff_entry)
    assert access.can(world.users["office"], "tracelog.entry.read", staff_entry)
    assert not access.can(world.users["outsider"], "tracelog.entry.read", staff_entry)
    assert not access.can(other_head_user, "tracelog.entry.read", staff_entry)
    assert not access.can(world.users["sysadmin"], "tracelog.entry.read", staff_entry)


def test_a_draft_is_shown_to_its_author_only(world, year2026, colleague_user):
    draft = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00", submit=False)
    assert access.can(world.users["staff"], "tracelog.entry.read", draft)
    for user in (colleague_user, world.users["head"], world.users["leader"], world.users["office"]):
        assert not access.can(user, "tracelog.entry.read", draft)


def test_a_locked_month_is_read_only(world, year2026):
    staff, head = world.users["staff"], world.users["head"]
    submitted = file_entry(staff, WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    returned = file_entry(staff, WEEKLY_SUMMARY, "2026-W47", "2026-11-20 10:00")
    services.entry_return(user=head, entry=returned, reason="请补充具体数量")
    lock_month(year2026, 11)
    with freeze_time(at("2026-11-21 10:00")):
        with pytest.raises(StateError, match="已锁定"):
            services.entry_save(user=staff, entry=returned, content="补充", submit=True)
        with pytest.raises(StateError):
            services.entry_review_comment(user=head, entry=submitted, text="已阅")
        with pytest.raises(StateError):
            services.entry_return(user=head, entry=submitted, reason="请补充具体数量")
        with pytest.raises(StateError):  # nor can a new entry be filed into it
            services.entry_save(user=staff, kind=MONTHLY_RECORD, period_key="2026-11", content="本月")
    assert TraceEntry.objects.count() == 2


def test_a_week_spanning_two_months_is_locked_with_the_month_of_its_thursday(world, year2026):
    staff = world.users["staff"]
    # 2026-W44 runs Monday 26 October – Sunday 1 November; Thursday 29 October: it is October's
    october_week = file_entry(staff, WEEKLY_SUMMARY, "2026-W44", "2026-10-30 17:00", submit=False)
    assert (october_week.period_year, october_week.period_month) == (2026, 10)
    lock_month(year2026, 10)
    with freeze_time(at("2026-11-02 09:00")):
        with pytest.raises(StateError, match="2026年10月"):
            services.entry_submit(user=staff, entry=october_week)
        # 2026-W45 (Monday 2 November) is November's and still open
        services.entry_save(user=staff, kind=WEEKLY_PLAN, period_key="2026-W45", content="本周计划", submit=True)


def test_at_the_year_end_each_week_follows_its_own_month(world, year2026):
    from appraisal import services as appraisal_services

    staff = world.users["staff"]
    year2027 = appraisal_services.year_open(user=world.users["office"], organisation=world.organisation, year=2027)
    # 2026-W53 (28 Dec – 3 Jan, Thursday 31 Dec) is December 2026's; 2027-W01 is January 2027's
    week53 = file_entry(staff, WEEKLY_SUMMARY, "2026-W53", "2026-12-31 10:00", submit=False)
    week01 = file_entry(staff, WEEKLY_PLAN, "2027-W01", "2026-12-31 10:00", submit=False)  # planned ahead
    assert (week53.period_year, week53.period_month) == (2026, 12)
    assert (week01.period_year, week01.period_month) == (2027, 1)
    assert (week53.due_at, week01.due_at) == (at("2027-01-01 18:00"), at("2027-01-04 12:00"))
    lock_month(year2026, 12)
    with freeze_time(at("2027-01-01 09:00")):
        with pytest.raises(StateError, match="2026年12月"):
            services.entry_submit(user=staff, entry=week53)
        assert services.entry_submit(user=staff, entry=week01).status == EntryStatus.SUBMITTED
    lock_month(year2027, 1)
    with freeze_time(at("2027-01-02 09:00")), pytest.raises(StateError, match="2027年1月"):
        services.entry_return(user=world.users["head"], entry=week01, reason="请补充具体安排")


def test_links_go_only_to_the_authors_own_indicators(world, year2026):
    from indicators.models import Indicator, ResponsibilityWeight

    own = Indicator.objects.create(assessment_year=year2026, code="B101", name="企业登记办理", category="业务类",
                                   department=world.department, full_score=10, cycle="月度")
    other = Indicator.objects.create(assessment_year=year2026, code="B102", name="档案整理", category="业务类",
                                     department=world.department, full_score=5, cycle="月度")
    ResponsibilityWeight.objects.create(indicator=own, person=world.staff, weight=60)
    ResponsibilityWeight.objects.create(indicator=other, person=world.colleague, weight=100)
    entry = file_entry(world.users["staff"], MONTHLY_RECORD, "2026-11", "2026-11-28 10:00", indicator_codes=["B101"])
    assert [(link.indicator_code, link.indicator_name) for link in entry.indicator_links.all()] == [
        ("B101", "企业登记办理")]
    with pytest.raises(ValidationFailed, match="B102"):
        file_entry(world.users["staff"], MONTHLY_PLAN, "2026-11", "2026-11-28 10:00", indicator_codes=["B102"])
    assert not TraceEntry.objects.filter(kind=MONTHLY_PLAN).exists()
