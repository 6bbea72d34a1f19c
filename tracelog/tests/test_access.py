"""SECURITY.md item 6 for the trace-log URLs (appraisal/tests/test_access.py leaves the tracelog
namespace to this file): every URL × every role, with objects of another department."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from appraisal import access
from tracelog import services
from tracelog.deadlines import MONTHLY_RECORD
from tracelog.demo import _demo_pdf
from tests.access_matrix import callbacks_of, leak_markers, matrix_users, target, walk
from tracelog.models import Notification

from .conftest import at, file_entry

ROLES = ["anonymous", "staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"]
EVERYONE = {"staff", "head", "outsider", "office", "leader", "sysadmin", "secadmin", "auditor"}
PARTICIPANTS = {"staff", "head", "outsider", "office", "leader"}
FILERS = {"staff", "head", "outsider"}


def _tracelog_names():
    callbacks = callbacks_of("tracelog")
    return set(callbacks), list(callbacks.values())


def test_every_tracelog_view_declares_a_rule():
    _, callbacks = _tracelog_names()
    assert all(access.rule_of_view(callback) is not None for callback in callbacks)


@pytest.fixture
def outsiders_entry(world, year2026):
    """A returned entry of "outsider" (the other department) with one evidence file."""
    entry = file_entry(world.users["outsider"], MONTHLY_RECORD, "2026-11", "2026-11-20 10:00", submit=False)
    with freeze_time(at("2026-11-20 10:30")):
        item = services.evidence_attach(user=world.users["outsider"], entry=entry,
                                        upload=SimpleUploadedFile("台账.pdf", _demo_pdf("x")))
        services.entry_submit(user=world.users["outsider"], entry=entry)
    return entry, item


def _targets(entry, item):
    return {
        "tracelog:mine": ({}, FILERS),
        "tracelog:entry_new": ({}, FILERS),
        "tracelog:entry_list": ({}, PARTICIPANTS),
        "tracelog:entry_detail": ({"pk": entry.pk}, {"outsider", "office", "leader"}),
        "tracelog:entry_edit": ({"pk": entry.pk}, {"outsider"}),
        "tracelog:entry_submit": ({"pk": entry.pk}, set()),  # POST only
        "tracelog:entry_review": ({"pk": entry.pk}, set()),
        "tracelog:entry_return": ({"pk": entry.pk}, set()),
        "tracelog:entry_review_batch": ({}, set()),  # POST only
        "tracelog:evidence_upload": ({"pk": entry.pk}, set()),
        "tracelog:evidence_download": ({"pk": item.pk}, {"outsider", "office", "leader"}),
        "tracelog:evidence_delete": ({"pk": item.pk}, set()),
        "tracelog:missing": ({}, {"head", "office"}),
        "tracelog:statistics": ({}, {"head", "office"}),
        "tracelog:statistics_export": ({}, {"head", "office"}),
        "tracelog:deadline_settings": ({}, {"office"}),
        "tracelog:notifications": ({}, EVERYONE),
        "tracelog:notifications_read": ({}, set()),
    }


@pytest.mark.django_db
def test_every_tracelog_url_for_every_role(client, world, outsiders_entry):
    entry, item = outsiders_entry
    with freeze_time(at("2026-11-21 10:00")):
        services.entry_return(user=_other_head(world), entry=entry, reason="请补充具体数量")
    table = _targets(entry, item)
    names, _ = _tracelog_names()
    assert names == set(table), f"add to the table: {sorted(names - set(table))}"
    targets = [target(name, reverse(name, kwargs=kwargs), allowed | ({"office_b"} if allowed == EVERYONE else set()))
               for name, (kwargs, allowed) in table.items()]
    users = matrix_users(world)
    failures = walk(client, users, targets, markers=leak_markers(world),
                around=lambda: freeze_time(at("2026-11-21 11:00")))
    assert failures == [], "\n".join(failures)


def _other_head(world):
    from appraisal.tests.factories import person_user

    world.other_department.head = world.outsider.__class__.objects.create(
        organisation=world.organisation, department=world.other_department, staff_id="2009", name="孙处长",
        position="部门负责人")
    world.other_department.save(update_fields=["head"])
    return person_user(world.other_department.head, "other-head")


@pytest.mark.django_db
def test_posts_on_another_departments_entry_are_refused(client, world, outsiders_entry):
    entry, item = outsiders_entry
    attempts = [
        ("staff", "tracelog:entry_submit", entry.pk, {}),
        ("staff", "tracelog:evidence_upload", entry.pk, {"file": SimpleUploadedFile("a.txt", b"x")}),
        ("staff", "tracelog:evidence_delete", item.pk, {}),
        ("head", "tracelog:entry_review", entry.pk, {"text": "已阅"}),
        ("head", "tracelog:entry_return", entry.pk, {"reason": "请补充具体数量"}),
        ("leader", "tracelog:entry_review", entry.pk, {"text": "已阅"}),
        ("office", "tracelog:entry_return", entry.pk, {"reason": "请补充具体数量"}),
        ("office", "tracelog:entry_submit", entry.pk, {}),
    ]
    for username, name, pk, data in attempts:
        client.force_login(world.users[username])
        with freeze_time(at("2026-11-21 11:00")):
            response = client.post(reverse(name, args=[pk]), data)
        assert response.status_code == 403, (username, name)
    entry.refresh_from_db()
    assert entry.status == "submitted" and not entry.reviews.exists()


@pytest.mark.django_db
def test_a_notification_is_read_only_by_its_recipient(client, world):
    notification = Notification.objects.create(recipient=world.users["staff"], text="提醒", url="/tracelog/mine/")
    client.force_login(world.users["outsider"])
    response = client.post(reverse("tracelog:notifications_read"), {"pk": notification.pk, "open": "1"})
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_a_head_sees_statistics_of_the_own_department_only(client, world, year2026):
    client.force_login(world.users["head"])
    response = client.get(reverse("tracelog:statistics"), {"department": world.other_department.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert world.other_department.name not in page and world.outsider.name not in page
    assert world.staff.name in page


@pytest.mark.django_db
def test_trace_logs_are_in_no_admin(client, world, outsiders_entry):
    entry, _item = outsiders_entry
    for role in ("office", "sysadmin", "auditor"):
        client.force_login(world.users[role])
        assert client.get("/admin/tracelog/traceentry/").status_code in (302, 404)
        assert client.get(f"/admin/tracelog/traceentry/{entry.pk}/change/").status_code in (302, 404)
