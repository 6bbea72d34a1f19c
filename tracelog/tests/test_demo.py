"""The demo trace logs: several months, some late, some returned, some with a PDF, and fast."""

import pytest
from django.db.models import F

from appraisal.demo import load_demo
from appraisal.models import Organisation
from tracelog import evidence
from tracelog.demo import load_demo_tracelog
from tracelog.models import EntryReview, EntryStatus, Evidence, TraceEntry

pytestmark = pytest.mark.django_db


def test_the_demo_has_varied_trace_logs(private_media):
    load_demo(year=2026)
    organisation = Organisation.objects.get(code="NCGS")
    entries = TraceEntry.objects.filter(organisation=organisation)
    assert entries.values("period_month").distinct().count() >= 3
    assert entries.filter(filed_at__gt=F("due_at")).count() > 100
    assert entries.filter(status=EntryStatus.RETURNED).exists()
    assert entries.filter(status=EntryStatus.REVIEWED).exists()
    assert EntryReview.objects.filter(action="return").exists()
    pdfs = Evidence.objects.filter(entry__person__user__username="staff")
    assert pdfs.exists()
    for item in pdfs:
        assert evidence.sniff(item.file.read()) == "pdf"


def test_the_demo_leaves_this_week_and_month_to_the_demo_civil_servant(private_media):
    load_demo(year=2026)
    organisation = Organisation.objects.get(code="NCGS")
    TraceEntry.objects.all().delete()
    Evidence.objects.all().delete()
    count = load_demo_tracelog(organisation, 2026)
    assert count > 1000
    from django.utils import timezone

    from tracelog import deadlines

    now = timezone.now()
    current = {deadlines.current_key(kind, now) for kind in deadlines.KINDS}
    assert not TraceEntry.objects.filter(person__user__username="staff", period_key__in=current).exists()
