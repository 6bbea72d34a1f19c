"""Issue 15, the two reproduced 500s: a 256-character username at login (django-axes keeps 255) and
NaN / Infinity in the common-score form; plus the one decimal parser every form goes through."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from appraisal.fields import parse_decimal
from indicators.models import CommonScore
from indicators.tests.test_common_scores import categorised  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["a" * 256, "考" * 300, "a\x00b"])
def test_an_impossible_username_is_refused_without_a_server_error(client, username):
    response = client.post("/login/", {"username": username, "password": "x"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "请输入正确的用户名和密码" in response.content.decode()


@pytest.mark.parametrize("text, message", [
    ("NaN", "有限的数字"), ("-Infinity", "有限的数字"), ("sNaN", "有限的数字"), ("abc", "须为数字"),
    ("1e999999999", "数字"), ("9" * 5000, "数字过长"),
])
def test_the_one_decimal_parser_refuses_non_finite_and_non_numbers_in_chinese(text, message):
    with pytest.raises(ValidationError) as error:
        parse_decimal(text)
    assert message in error.value.messages[0]
    assert parse_decimal(" 4.50 ") == Decimal("4.50") and parse_decimal("") is None


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "1e999999999"])
def test_nan_in_the_common_score_form_is_an_error_on_the_cell(client, world, year, plan, categorised, text):  # noqa: F811
    client.force_login(world.users["office"])
    url = f"/indicators/{year.pk}/common-scores/?department={world.department.pk}"
    response = client.post(url, {f"v_{world.staff.pk}_{categorised.pk}": text, "action": "save",
                                 "unit": str(world.department.pk)}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "数字" in page
    assert not CommonScore.objects.exists()
