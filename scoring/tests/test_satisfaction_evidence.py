"""360° raters read the evidence a department filed in the evaluated half (DOMAIN.md §5): internal
raters with their account, external raters through their single-use link; nothing else."""
from datetime import timedelta

import pytest
from freezegun import freeze_time
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring import ballots
from scoring.tests.ballot_helpers import half
from tracelog import services as trace
from tracelog.models import TraceEntry

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def filed_evidence(user, month: int, name: str):
    with freeze_time(f"2025-{month:02d}-20 10:00:00+08:00"):
        return _file(user, month, name)


def _file(user, month, name):
    entry = trace.entry_save(user=user, kind="monthly_record", period_key=f"2025-{month:02d}",
                             content="本月完成登记审核。", submit=False)
    item = trace.evidence_attach(user=user, entry=entry,
                                 upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"))
    TraceEntry.objects.filter(pk=entry.pk).update(status="submitted")
    return item


def test_raters_open_the_rated_departments_evidence_of_the_half(client, world, year, private_media):
    office = world.users["office"]
    evaluation = ballots.satisfaction_open(user=office, period=half(year, 1), closes_at=timezone.now() + timedelta(days=3))
    (rater,) = ballots.satisfaction_rater_add_internal(user=office, evaluation=evaluation, group="机关部门",
                                                       accounts=[world.users["outsider"]])
    link = ballots.satisfaction_link_create(user=office, evaluation=evaluation, group="社会各界代表", label="代表甲")
    rated = filed_evidence(world.users["staff"], 3, "三月台账.pdf")  # 办公室, first half
    later = filed_evidence(world.users["staff"], 8, "八月台账.pdf")  # second half: not on this ballot
    own = filed_evidence(world.users["outsider"], 4, "本部门.pdf")  # the rater's own department

    client.force_login(world.users["outsider"])
    page = client.get(reverse("scoring:satisfaction_ballot", args=[rater.pk])).content.decode()
    assert "三月台账.pdf" in page and "八月台账.pdf" not in page and "本部门.pdf" not in page
    response = client.get(reverse("scoring:satisfaction_evidence", args=[rater.pk, rated.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    for refused in (later, own):
        assert client.get(reverse("scoring:satisfaction_evidence", args=[rater.pk, refused.pk])).status_code == 404
    client.force_login(world.users["staff"])  # not a rater of this evaluation
    assert client.get(reverse("scoring:satisfaction_evidence", args=[rater.pk, rated.pk])).status_code in (403, 404)

    client.logout()
    url = reverse("scoring:satisfaction_link_evidence", args=[link.token, rated.pk])
    assert "三月台账.pdf" in client.get(reverse("scoring:satisfaction_link", args=[link.token])).content.decode()
    assert client.get(url).status_code == 200
    assert client.get(reverse("scoring:satisfaction_link_evidence", args=[link.token, later.pk])).status_code == 404
    assert client.get(reverse("scoring:satisfaction_link_evidence", args=["x" + link.token, rated.pk])).status_code == 404
    grades = {d.pk: "良" for d in world.organisation.departments.all()}
    ballots.satisfaction_submit(grades=grades, token=link.token)
    assert client.get(url).status_code == 404  # the link died with the submission
