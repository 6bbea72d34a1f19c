"""Issue 14: a head goes from one waiting entry to the next, and reviews several at once."""
import pytest
from django.urls import reverse
from freezegun import freeze_time

from appraisal.models import AuditEvent
from appraisal.tests.factories import person_user
from tracelog.deadlines import WEEKLY_PLAN
from tracelog.models import EntryStatus, TraceEntry

from .conftest import at, file_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world, year2026):
    colleague = person_user(world.colleague, "colleague")
    first = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00")
    second = file_entry(colleague, WEEKLY_PLAN, "2026-W47", "2026-11-16 11:00")
    return first, second


def test_the_head_reviews_and_moves_on_to_the_next_entry(client, world, waiting):
    first, second = waiting
    client.force_login(world.users["head"])
    with freeze_time(at("2026-11-16 15:00")):
        page = client.get(reverse("tracelog:entry_detail", args=[first.pk])).content.decode()
        assert 'id="nextEntry"' in page and f'/tracelog/entries/{second.pk}/' in page and "赵科员" in page
        response = client.post(reverse("tracelog:entry_review", args=[first.pk]),
                               {"text": "已阅。", "then": "next"})
        assert response.url == reverse("tracelog:entry_detail", args=[second.pk])
        response = client.post(reverse("tracelog:entry_review", args=[second.pk]),
                               {"text": "已阅。", "then": "next"}, follow=True)
    assert "没有其他待批阅的纪实了" in response.content.decode() and 'id="nextEntry"' not in response.content.decode()
    assert set(TraceEntry.objects.values_list("status", flat=True)) == {EntryStatus.REVIEWED}
    client.force_login(world.users["staff"])  # an author sees no review navigation
    assert 'id="nextEntry"' not in client.get(reverse("tracelog:entry_detail", args=[first.pk])).content.decode()


def test_batch_review_comments_the_ticked_entries_at_once_and_audits_each(client, world, waiting):
    first, second = waiting
    client.force_login(world.users["head"])
    with freeze_time(at("2026-11-16 15:00")):
        page = client.get(reverse("tracelog:entry_list"), {"month": "2026-11"}).content.decode()
        assert page.count('form="batchReview" name="entries"') == 2
        response = client.post(reverse("tracelog:entry_review_batch"),
                               {"entries": [first.pk, second.pk], "text": "本周计划已阅，按计划推进。",
                                "back": "/tracelog/department/?month=2026-11"}, follow=True)
    assert "已批阅 2 条纪实" in response.content.decode()
    assert set(TraceEntry.objects.values_list("status", flat=True)) == {EntryStatus.REVIEWED}
    assert AuditEvent.objects.filter(action="tracelog.entry.review").count() == 2


def test_batch_review_of_an_entry_the_head_may_not_review_changes_nothing(client, world, waiting):
    first, _second = waiting
    other = file_entry(world.users["outsider"], WEEKLY_PLAN, "2026-W47", "2026-11-16 12:00")
    client.force_login(world.users["head"])
    with freeze_time(at("2026-11-16 15:00")):
        response = client.post(reverse("tracelog:entry_review_batch"), {"entries": [first.pk, other.pk],
                                                                        "text": "已阅。"})
    assert response.status_code == 403
    assert not TraceEntry.objects.filter(status=EntryStatus.REVIEWED).exists()


@pytest.mark.parametrize("back", ["x" * 300, "tracelog:entry_list", "https://evil.example/", "//evil.example/"])
def test_batch_review_goes_back_only_to_a_path_of_this_site(client, world, waiting, back):
    """The form's ``back`` is a path of the site; anything else (a URL name, another host, text)
    falls back to the department list instead of a 500 or an open redirect (found by the form fuzz)."""
    client.force_login(world.users["head"])
    with freeze_time(at("2026-11-16 15:00")):
        for data in ({"text": ""}, {"text": "已阅。", "entries": [waiting[0].pk]}):
            response = client.post(reverse("tracelog:entry_review_batch"), {**data, "back": back})
            assert response.status_code == 302 and response["Location"] == reverse("tracelog:entry_list")
