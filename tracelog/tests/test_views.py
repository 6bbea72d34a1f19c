"""The trace-log pages through the test client: filing through the real form, the department's
list with its filters and a query count independent of its size, visibility, review forms,
missing filings, statistics and their Excel export, deadline settings and notifications."""
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from appraisal.models import AuditEvent
from appraisal.tests.factories import PersonFactory, person_user
from tracelog import services
from tracelog.deadlines import MONTHLY_PLAN, MONTHLY_RECORD, WEEKLY_PLAN, WEEKLY_SUMMARY
from tracelog.models import EntryStatus, Notification, TraceDeadlineSettings, TraceEntry

from .conftest import at, file_entry

pytestmark = pytest.mark.django_db


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_civil_servant_files_this_weeks_plan_through_the_form(client, world, year2026):
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-16 09:30")):
        form = page(client, "tracelog:entry_new", kind=WEEKLY_PLAN)
        assert "2026年第47周（11月16日—11月22日）" in form
        assert "2026年11月16日 12:00" in form  # the deadline
        response = client.post(reverse("tracelog:entry_new"), {
            "kind": WEEKLY_PLAN, "period": "2026-W47", "action": "submit",
            "content": "本周重点工作：\n1. 审核登记申请\n2. 年报抽查"}, follow=True)
    body = response.content.decode()
    assert "已按时提交" in body
    entry = TraceEntry.objects.get()
    assert entry.status == EntryStatus.SUBMITTED
    assert "<ol><li>审核登记申请</li><li>年报抽查</li></ol>" in body


def test_a_late_filing_is_marked_on_the_page(client, world, year2026):
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-17 14:00")):
        response = client.post(reverse("tracelog:entry_new"), {
            "kind": WEEKLY_PLAN, "period": "2026-W47", "action": "submit", "content": "补报"}, follow=True)
    assert "逾期 1天2小时" in response.content.decode()


def test_opening_an_existing_slot_opens_its_entry(client, world, year2026):
    entry = file_entry(world.users["staff"], MONTHLY_PLAN, "2026-11", "2026-11-20 10:00")
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-20 11:00")):
        response = client.get(reverse("tracelog:entry_new"), {"kind": MONTHLY_PLAN, "period": "2026-11"})
    assert response.status_code == 302 and response.url == reverse("tracelog:entry_detail", args=[entry.pk])


def test_my_page_shows_this_week_and_what_is_missing(client, world, year2026):
    file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-21 10:00")):
        body = page(client, "tracelog:mine")
    assert body.count('data-slot="') == 4
    assert "逾期未报" in body
    assert "2026年第46周（11月9日—11月15日）" in body  # last week's filings are missing
    assert "补报" in body


def test_entry_text_is_escaped_and_light_markup_rendered(client, world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_SUMMARY, "2026-W47", "2026-11-20 10:00",
                       content='<script>alert("x")</script>\n\n- 完成<b>登记</b>\n- 走访企业')
    client.force_login(world.users["head"])
    body = page(client, "tracelog:entry_detail", entry.pk)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "<ul><li>完成&lt;b&gt;登记&lt;/b&gt;</li><li>走访企业</li></ul>" in body


def test_the_head_sees_review_forms_and_a_colleague_only_reads(client, world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    client.force_login(world.users["head"])
    assert "退回修改" in page(client, "tracelog:entry_detail", entry.pk)
    colleague = person_user(world.colleague, "colleague")
    client.force_login(colleague)
    body = page(client, "tracelog:entry_detail", entry.pk)
    assert "本周完成登记审核" in body and 'id="reviewCard"' not in body
    client.force_login(world.users["outsider"])
    assert client.get(reverse("tracelog:entry_detail", args=[entry.pk])).status_code == 403


def test_review_and_return_through_the_pages(client, world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    client.force_login(world.users["head"])
    with freeze_time(at("2026-11-16 15:00")):
        client.post(reverse("tracelog:entry_review", args=[entry.pk]), {"text": "已阅，安排合理。"})
        response = client.post(reverse("tracelog:entry_return", args=[entry.pk]), {"reason": "太短"}, follow=True)
        assert "至少 4 个字" in response.content.decode()
        response = client.post(reverse("tracelog:entry_return", args=[entry.pk]),
                               {"reason": "请写明每项工作的完成时限"}, follow=True)
    body = response.content.decode()
    assert "已退回修改" in body and "请写明每项工作的完成时限" in body and "已阅，安排合理。" in body
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETURNED
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-16 16:00")):
        form = page(client, "tracelog:entry_edit", entry.pk)
        assert "请写明每项工作的完成时限" in form
        response = client.post(reverse("tracelog:entry_edit", args=[entry.pk]),
                               {"content": "1. 审核登记申请（周三前）", "action": "submit"}, follow=True)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED and entry.resubmissions == 1
    assert "重报 1 次" in response.content.decode()


def _file_records(world, start: int, stop: int) -> None:
    """Members start … stop-1 of the department each file November's record (some late), with a
    file and the head's comment."""
    for index in range(start, stop):
        person = PersonFactory(department=world.department, staff_id=f"3{index:03d}", name=f"成员{index}")
        user = person_user(person, f"member{index}")
        entry = file_entry(user, MONTHLY_RECORD, "2026-11", "2026-11-30 20:00" if index % 3 else "2026-12-01 09:00",
                           content=f"第 {index} 位成员的本月纪实")
        with freeze_time(at("2026-12-01 10:00")):
            services.entry_review_comment(user=world.users["head"], entry=entry, text="已阅")
        entry.evidence.create(original_name="台账.pdf", file_type="pdf", content_type="application/pdf", size=1,
                              sha256="0" * 64, file="tracelog/00/x.pdf")


def test_the_department_list_of_a_month_takes_the_same_queries_at_two_sizes(client, world, year2026):
    client.force_login(world.users["head"])
    counts = []
    for start, stop in ((0, 3), (3, 15)):
        _file_records(world, start, stop)
        with CaptureQueriesContext(connection) as queries:
            body = page(client, "tracelog:entry_list", department=world.department.pk, month="2026-11")
        assert body.count("data-entry=") == stop
        assert body.count("逾期 9小时") == len(range(0, stop, 3))
        assert body.count('<i class="bi bi-paperclip"></i> 1<') == stop  # each entry's one evidence file
        counts.append(len(queries))
        # the evidence files are counted per row shown, never by a join grouped over every entry, and
        # the paginator's count is a plain count of the entries
        sql = [query["sql"] for query in queries.captured_queries]
        assert not any("COUNT(DISTINCT" in text for text in sql)
        totals = [text for text in sql if text.startswith("SELECT COUNT(*)") and "tracelog_traceentry" in text]
        assert totals and not any("tracelog_evidence" in text for text in totals), totals
    assert counts[0] == counts[1] <= 20, counts


def test_the_list_filters(client, world, year2026):
    staff = world.users["staff"]
    file_entry(staff, WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00", content="审核企业登记申请")
    file_entry(staff, WEEKLY_SUMMARY, "2026-W47", "2026-11-21 10:00", content="走访辖区企业")  # late
    file_entry(staff, WEEKLY_PLAN, "2026-W48", "2026-11-21 10:00", submit=False, content="草稿不公开")
    file_entry(world.users["outsider"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00", content="他处的计划")
    client.force_login(world.users["office"])

    def rows(**params):
        with freeze_time(at("2026-11-21 12:00")):
            return page(client, "tracelog:entry_list", **{"month": "2026-11", **params}).count("data-entry=")

    assert rows() == 3  # drafts are nobody else's business
    assert rows(department=world.department.pk) == 2
    assert rows(person=world.outsider.pk) == 1
    assert rows(kind=WEEKLY_SUMMARY) == 1
    assert rows(late="on") == 1
    assert rows(q="走访") == 1
    assert rows(q="钱科员") == 1
    assert rows(status="submitted") == 3
    assert rows(month="2026-10") == 0
    client.force_login(world.users["outsider"])
    with freeze_time(at("2026-11-21 12:00")):
        body = page(client, "tracelog:entry_list", month="2026-11")
    assert body.count("data-entry=") == 1 and "他处的计划" in body


def test_missing_filings_on_the_heads_list(client, world, year2026):
    file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 13:00")  # late
    client.force_login(world.users["head"])
    with freeze_time(at("2026-11-17 09:00")):
        body = page(client, "tracelog:missing", month="2026-11")
    # weeks 45, 46 (plans and summaries) and week 47's plan for the head, staff and colleague,
    # less the staff's week-47 plan filed late
    assert body.count("<tr><td class=\"small\">") == 3 * 5 - 1 + 1  # + the late filing row
    assert "逾期未报 14 项" in body
    assert "逾期 1小时" not in body and "1小时" in body
    client.force_login(world.users["staff"])
    assert client.get(reverse("tracelog:missing")).status_code == 403


def test_statistics_and_their_export(client, world, year2026):
    staff = world.users["staff"]
    for week in ("2026-W45", "2026-W46"):
        file_entry(staff, WEEKLY_PLAN, week, "2026-11-02 10:00" if week == "2026-W45" else "2026-11-10 10:00")
    client.force_login(world.users["office"])
    with freeze_time(at("2026-11-12 09:00")):
        body = page(client, "tracelog:statistics", year=2026)
        response = client.get(reverse("tracelog:statistics_export"), {"year": 2026})
    # by 12 November: the plans of weeks 45 and 46 and the summary of week 45 were due (3 each)
    assert 'id="stats-person"' in body
    assert "66.7%" in body  # staff: 2 of 3 filed; on time 1 of 3
    assert "33.3%" in body
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["部门", "人员"]
    people = workbook["人员"]
    headers = [cell.value for cell in people[1]]
    assert headers[:3] == ["工号", "姓名", "部门"] and "报送率" in headers and "按时率" in headers
    staff_rows = [row for row in people.iter_rows(min_row=2, values_only=True) if row[0] == "1002"]
    november = next(row for row in staff_rows if row[4] == "11月")
    assert november[5:10] == (3, 2, 1, 1, 1)
    assert AuditEvent.objects.filter(action="tracelog.statistics.export").exists()


def test_statistics_start_at_the_tracking_start(client, world, year2026):
    TraceDeadlineSettings.objects.create(organisation=world.organisation, tracking_start="2026-11-01")
    client.force_login(world.users["head"])
    with freeze_time(at("2026-11-12 09:00")):
        body = page(client, "tracelog:statistics", year=2026)
    assert re.findall(r">(\d+)月</th>", body) == ["11", "11"]  # one column in each table


def test_the_office_changes_deadlines_on_its_page(client, world):
    client.force_login(world.users["office"])
    url = reverse("tracelog:deadline_settings")
    assert "2026年" in page(client, "tracelog:deadline_settings")
    values = {"weekly_plan_weekday": 1, "weekly_plan_time": "09:00", "weekly_summary_weekday": 1,
              "weekly_summary_time": "08:00", "monthly_plan_grace_days": 0, "monthly_record_grace_days": 0,
              "reminder_lead_hours": 24, "reason": ""}
    response = client.post(url, values)
    assert "晚于" in response.content.decode()
    assert not TraceDeadlineSettings.objects.exists()
    response = client.post(url, {**values, "weekly_summary_weekday": 5, "weekly_summary_time": "17:30",
                                 "monthly_record_grace_days": 3, "reason": "按局务会决定调整"}, follow=True)
    assert "已保存" in response.content.decode()
    rules = TraceDeadlineSettings.objects.get(organisation=world.organisation).rules
    assert (rules.weekly_plan_time.hour, rules.weekly_summary_time.minute,
            rules.monthly_record_grace_days) == (9, 30, 3)
    assert AuditEvent.objects.get(action="tracelog.deadlines.update").reason == "按局务会决定调整"


def test_notifications_badge_and_marking_read(client, world):
    staff = world.users["staff"]
    first = Notification.objects.create(recipient=staff, text="请填报周计划", url=reverse("tracelog:mine"))
    Notification.objects.create(recipient=staff, text="已批阅")
    Notification.objects.create(recipient=world.users["head"], text="别人的")
    client.force_login(staff)
    home = page(client, "home")
    assert 'data-unread="2"' in home
    body = page(client, "tracelog:notifications")
    assert "请填报周计划" in body and "别人的" not in body
    response = client.post(reverse("tracelog:notifications_read"), {"pk": first.pk, "open": "1"})
    assert response.status_code == 302 and response.url == reverse("tracelog:mine")
    assert 'data-unread="1"' in page(client, "home")
    client.post(reverse("tracelog:notifications_read"))
    assert "data-unread" not in page(client, "home")


def test_a_notification_never_redirects_off_site(client, world):
    notification = Notification.objects.create(recipient=world.users["staff"], text="x", url="https://evil.example/")
    client.force_login(world.users["staff"])
    response = client.post(reverse("tracelog:notifications_read"), {"pk": notification.pk, "open": "1"})
    assert response.url == reverse("tracelog:notifications")


def test_navigation_shows_trace_logs_by_role(client, world):
    # (navigation entries, tabs on the department's list: statistics are reached from there)
    expectations = {"staff": ({"我的纪实", "部门纪实"}, False), "head": ({"我的纪实", "部门纪实"}, True),
                    "leader": ({"部门纪实"}, False), "office": ({"部门纪实"}, True), "auditor": (set(), False)}
    for username, (entries, supervises) in expectations.items():
        client.force_login(world.users[username])
        home = page(client, "home")
        assert {label for label in ("我的纪实", "部门纪实") if f'data-nav="{label}"' in home} == entries, username
        if entries:
            tabs = page(client, "tracelog:entry_list")
            assert (reverse("tracelog:statistics") in tabs) == supervises, username
            assert (reverse("tracelog:missing") in tabs) == supervises, username
