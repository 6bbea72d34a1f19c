"""Formula injection (issue 8 item 8): the per-indicator analysis export writes user text as text."""
import pytest
from django.urls import reverse

from appraisal.models import Department
from appraisal.tests.test_xlsx import formulas_in, texts_in
from indicators.models import Indicator

from .builders import build


@pytest.mark.django_db
def test_analysis_export_writes_user_text_as_text(client):
    built = build("A9", departments=4)
    Indicator.objects.filter(assessment_year=built.year, shared="办文办公").update(shared="=cmd|' /C calc'!A0")
    Department.objects.filter(organisation=built.year.organisation, code="D00").update(name="+部门00")
    client.force_login(built.users["staff"])
    response = client.get(reverse("results:analysis_export") + f"?year={built.year.pk}&span=m3")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert formulas_in(content) == []
    assert {"=cmd|' /C calc'!A0", "+部门00"} <= texts_in(content)
