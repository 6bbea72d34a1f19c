"""Reminders of due and overdue filings and the heads' digest: in the application and by e-mail,
safe to run twice, silent for filed entries and locked months; registered with celery beat."""
import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from tracelog.deadlines import WEEKLY_PLAN, WEEKLY_SUMMARY
from tracelog.models import Notification
from tracelog.tasks import tracelog_head_digest, tracelog_send_reminders

from .conftest import at, file_entry, lock_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(world):
    world.staff.email = "wang@example.gov.cn"
    world.staff.save(update_fields=["email"])
    world.head.email = "li@example.gov.cn"
    world.head.save(update_fields=["email"])


def keys(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_due_and_overdue_reminders_once_each(world, year2026, emails):
    staff, head = world.users["staff"], world.users["head"]
    file_entry(head, WEEKLY_SUMMARY, "2026-W47", "2026-11-20 17:00")
    # Sunday 22 November 13:00: the plan of week 48 is due within 24 hours (Monday 12:00);
    # week 47's plan and summary fell due within the last 7 days (week 46's summary did not)
    with freeze_time(at("2026-11-22 13:00")):
        first = tracelog_send_reminders.apply().get()
        again = tracelog_send_reminders.apply().get()
    assert keys(staff) == ["due:weekly_plan:2026-W48", "overdue:weekly_plan:2026-W47",
                           "overdue:weekly_summary:2026-W47"]
    assert keys(head) == ["due:weekly_plan:2026-W48", "overdue:weekly_plan:2026-W47"]
    assert again == {"notifications": 0, "emails": 0}
    # 3 for the staff, 2 for the head, 3 for "outsider" of the other department; the colleague
    # has no account; only staff and head have an e-mail address
    assert first["notifications"] == 8 and first["emails"] == 2
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["wang@example.gov.cn"])
    assert "2026年11月23日 12:00" in message.body and "2026年第47周" in message.body and "逾期未报" in message.body
    reminder = Notification.objects.get(recipient=staff, key="due:weekly_plan:2026-W48")
    assert reminder.url == "/tracelog/new/?kind=weekly_plan&period=2026-W48"


def test_a_filed_entry_is_not_reminded_and_a_draft_is(world, year2026):
    file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W48", "2026-11-22 09:00", submit=False)
    file_entry(world.users["head"], WEEKLY_PLAN, "2026-W48", "2026-11-22 09:00")
    with freeze_time(at("2026-11-22 12:30")):
        tracelog_send_reminders.apply()
    assert "due:weekly_plan:2026-W48" in keys(world.users["staff"])
    assert "due:weekly_plan:2026-W48" not in keys(world.users["head"])


def test_no_reminders_for_a_locked_month(world, year2026):
    lock_month(year2026, 11)
    with freeze_time(at("2026-11-22 13:00")):
        result = tracelog_send_reminders.apply().get()
    assert result == {"notifications": 0, "emails": 0}


def test_overdue_reminders_cross_the_year_end(world, year2026):
    # 1 January 2027 10:00: December's monthly filings went overdue at midnight
    with freeze_time(at("2027-01-01 10:00")):
        tracelog_send_reminders.apply()
    staff_keys = keys(world.users["staff"])
    assert {"overdue:monthly_plan:2026-12", "overdue:monthly_record:2026-12"} <= set(staff_keys)
    assert "due:weekly_summary:2026-W53" in staff_keys  # Friday 1 January 18:00


def test_the_head_gets_one_digest_a_day(world, year2026, emails):
    file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    with freeze_time(at("2026-11-17 08:30")):
        assert tracelog_head_digest.apply().get() == {"notifications": 1, "emails": 1}
        assert tracelog_head_digest.apply().get() == {"notifications": 0, "emails": 0}
    digest = Notification.objects.get(recipient=world.users["head"])
    # last month and this month: all 12 filings of October and, of November, weeks 45 and 46
    # (plan + summary) and week 47's plan, for three people, less the one filed: 36 + 15 - 1
    assert "3 人共 50 项" in digest.text
    assert digest.url == f"{reverse('tracelog:missing')}?department={world.department.pk}"
    assert "王科员：2026年第45周" in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=world.users["outsider"]).exists()
    with freeze_time(at("2026-11-18 08:30")):
        assert tracelog_head_digest.apply().get()["notifications"] == 1


def test_beat_schedules_are_registered(beat_schedules):
    from django_celery_beat.models import PeriodicTask

    tasks = dict(PeriodicTask.objects.values_list("task", "crontab__day_of_week"))
    assert tasks["tracelog.tasks.tracelog_send_reminders"] == "*"
    assert tasks["tracelog.tasks.tracelog_head_digest"] == "1-5"
