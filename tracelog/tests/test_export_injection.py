"""Formula injection (issue 8 item 8): the filing statistics export writes names as text."""
import pytest
from django.urls import reverse
from freezegun import freeze_time

from appraisal.models import Department, Person
from appraisal.tests.test_xlsx import formulas_in, texts_in

from .conftest import at

pytestmark = pytest.mark.django_db


def test_statistics_export_writes_names_as_text(client, world, year2026):
    Person.objects.filter(pk=world.staff.pk).update(name="=HYPERLINK(\"http://evil.example\",\"王科员\")")
    Department.objects.filter(pk=world.department.pk).update(name="@办公室", code="-D01")
    client.force_login(world.users["office"])
    with freeze_time(at("2026-11-12 09:00")):
        response = client.get(reverse("tracelog:statistics_export"), {"year": 2026})
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    assert {"=HYPERLINK(\"http://evil.example\",\"王科员\")", "@办公室", "-D01"} <= texts_in(response.content)
