"""SECURITY.md items 15–17: append-only, hash-chained, same transaction, retention."""
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from freezegun import freeze_time

from appraisal import audit
from appraisal.models import AuditEvent, Department


@pytest.mark.django_db
def test_chain_links_every_event_and_verifies():
    for index in range(5):
        audit.record("test.event", object_type="x", object_repr=f"第{index}条", new={"i": index})
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    report = audit.verify_chain()
    assert report.ok and report.checked == 5


@pytest.mark.django_db
def test_application_has_no_update_or_delete_path():
    event = audit.record("test.event", object_type="x")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(RuntimeError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="篡改")
    with pytest.raises(RuntimeError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_tampering_is_detected():
    audit.record("a", object_type="x")
    second = audit.record("b", object_type="x", new={"score": "90.00"})
    audit.record("c", object_type="x")
    if connection.vendor == "postgresql":
        # the trigger refuses the update even through raw SQL
        with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE appraisal_auditevent SET reason = 'x' WHERE id = %s", [second.pk])
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE appraisal_auditevent DISABLE TRIGGER appraisal_auditevent_append_only")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE appraisal_auditevent SET new_value = %s WHERE id = %s", ['{"score": "99.00"}', second.pk])
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == second.pk
    assert "篡改" in report.message


@pytest.mark.django_db
def test_audit_failure_rolls_back_the_change(world, monkeypatch):
    def broken(*args, **kwargs):
        raise IntegrityError("audit table unavailable")

    monkeypatch.setattr(AuditEvent, "save", broken)
    from appraisal import services

    world.other_department.name = "改名后的处"
    with pytest.raises(IntegrityError):
        services.department_save(user=world.users["office"], department=world.other_department)
    assert Department.objects.get(pk=world.other_department.pk).name == "登记处"


@pytest.mark.django_db
def test_purge_never_removes_rows_younger_than_184_days():
    with freeze_time(timezone.now() - timedelta(days=200)):
        old = audit.record("old", object_type="x")
    with freeze_time(timezone.now() - timedelta(days=183)):
        young = audit.record("young", object_type="x")
    deleted = audit.purge_expired()
    assert deleted == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert audit.verify_chain().ok  # the first kept row anchors the chain


@pytest.mark.django_db
def test_auditor_page_lists_and_filters_and_verifies(client, world):
    audit.record("period.advance", object_type="appraisal.Period", object_repr="2025年1月")
    audit.record("person.update", object_type="appraisal.Person", object_repr="王科员（1002）")
    client.force_login(world.users["auditor"])
    page = client.get("/audit/", {"action": "person."}).content.decode()
    assert "王科员（1002）" in page and "2025年1月" not in page
    response = client.post("/audit/")
    assert "审计链完整" in response.content.decode()
    assert AuditEvent.objects.filter(action="audit.verify").exists()


@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    audit.record("a", object_type="x")
    with connection.cursor() as cursor:
        # conftest switches the trigger off for the test flush; on for this test's transaction only
        cursor.execute("ALTER TABLE appraisal_auditevent ENABLE TRIGGER appraisal_auditevent_no_truncate")
    with pytest.raises(Exception, match="truncate refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE appraisal_auditevent")
    assert AuditEvent.objects.count() == 1
