"""The organisation core's scheduled jobs, eagerly and through a real Celery worker on Redis."""
import pytest

from appraisal import audit
from appraisal.models import AuditEvent
from appraisal.tasks import audit_purge_expired, audit_verify_chain
from tests.services import celery_worker, require_services


@pytest.mark.django_db
def test_verify_chain_task_records_its_result():
    audit.record("x", object_type="t")
    result = audit_verify_chain.apply().get()
    assert result == {"ok": True, "checked": 1, "broken_at": None}
    assert AuditEvent.objects.filter(action="audit.verify").count() == 1


@pytest.mark.django_db
def test_beat_schedules_are_registered(beat_schedules):
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"appraisal.tasks.audit_verify_chain", "appraisal.tasks.audit_purge_expired"} <= tasks


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_jobs_run_through_a_real_worker():
    require_services()
    for index in range(3):
        audit.record("x", object_type="t", new={"i": index})
    with celery_worker() as queue:
        result = audit_verify_chain.apply_async(queue=queue).get(timeout=60)
        assert result == {"ok": True, "checked": 3, "broken_at": None}
        assert audit_purge_expired.apply_async(queue=queue).get(timeout=60) == 0
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.new_value["checked"] == 3
    assert audit.verify_chain().ok
