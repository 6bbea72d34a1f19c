"""Issue 15, what the form fuzz test (tests/test_form_fuzz.py) found: ids posted as letters, NaN or
numbers no column can hold, and bodies over the upload limit, answer 404/400 in Chinese, never 500."""
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from appraisal.fields import posted_id
from appraisal.models import Person


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (" 7 ", 7), ("", 0), (None, 0), ("abc", 0), ("NaN", 0), ("1e3", 0), ("1.5", 0), ("-1", 0),
    ("１２", 0), ("²", 0), ("99999999999999999999", 0), (str(2**63 - 1), 2**63 - 1), (str(2**63), 0)])
def test_posted_id(raw, expected):
    assert posted_id(raw) == expected


@pytest.mark.django_db
def test_an_id_list_with_a_number_no_column_holds_matches_nothing(world):
    assert get_user_model().objects.filter(pk__in=[10**20]).count() == 0
    assert Person.objects.filter(pk__in=[10**20, world.staff.pk]).get() == world.staff
    assert Person.objects.filter(pk__in=[-10**20]).count() == 0


@pytest.mark.django_db
def test_a_bad_person_id_is_a_404_not_a_500(client, world, year):
    client.force_login(world.users["head"])
    url = reverse("indicators:designation_add", args=[year.pk, world.department.pk])
    for raw in ("abc", "NaN", "99999999999999999999"):
        assert client.post(url, {"person": raw}).status_code == 404


@pytest.mark.django_db
def test_an_invalid_deadline_form_shows_the_saved_rules(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("tracelog:deadline_settings"), {
        "monthly_plan_grace_days": "99999999999999999999", "monthly_record_grace_days": "30000",
        "weekly_plan_weekday": "x"})
    assert response.status_code == 200 and "周计划截止" in response.content.decode()


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_chinese_400(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("department_create"), {"name": "数" * 2000})
    assert response.status_code == 400
    assert "请求内容过大或格式无效" in response.content.decode()
